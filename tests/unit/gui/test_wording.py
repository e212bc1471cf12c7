"""What the app says is what a person would say: counts agree with their nouns, answers read as
typed, placeholders name the user's own things, buttons that cannot act are disabled, and every
next step is a visible button."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from scaffolder.core.editors.launch import LaunchPlan
from scaffolder.core.readiness import Checklist
from scaffolder.core.store import Store
from scaffolder.gui import messages, workers
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.models.portfolio_model import count_text
from tests.helpers.template_tree import minimal_template
from tests.unit.gui.test_dashboard import add_project, make_repo


def open_page(qtbot: QtBot, window: MainWindow, project_id: int):
    window.open_project(project_id)
    view = window.project_page.readiness
    assert view is not None
    qtbot.waitUntil(lambda: view.report is not None, timeout=10000)
    return view


def test_counts_agree_with_their_noun() -> None:
    assert [count_text(n, "commit") for n in (0, 1, 2)] == ["0 commits", "1 commit", "2 commits"]


def test_an_empty_portfolio_says_what_to_do_first(window: MainWindow) -> None:
    sentence = window.dashboard.portfolio_level.text()
    assert "empty" in sentence and "RAG application" in sentence and "Generate" in sentence
    assert "held back" not in sentence
    assert not window.dashboard.others.isVisibleTo(window.dashboard)  # no empty table taking half the window
    assert window.dashboard.others_empty.isVisibleTo(window.dashboard)


def test_other_project_buttons_act_only_on_a_selected_row(
    qtbot: QtBot, window: MainWindow, store: Store, projects_dir: Path
) -> None:
    store.add_project(
        name="Notes",
        kind="custom",
        path=make_repo(projects_dir / "notes"),
        template=None,
        template_version=None,
        answers={},
    )
    window.state.reload()
    dashboard = window.dashboard
    buttons = (dashboard.open_other, dashboard.locate_other, dashboard.forget_other)
    assert not any(b.isEnabled() for b in buttons)
    dashboard.others.selectRow(0)
    assert all(b.isEnabled() for b in buttons)
    dashboard.others.clearSelection()
    assert not any(b.isEnabled() for b in buttons)


def test_review_shows_answers_as_a_person_wrote_them(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    template = minimal_template(tmp_path / "custom", use_docker=True, settings={"region": "eu", "replicas": 2})
    wizard = window.new_project("")
    qtbot.waitExposed(wizard)
    wizard.template_page.custom_path.setText(str(template))
    wizard.next()
    wizard.next()
    review = wizard.location_page.summary.toPlainText()
    assert "yes" in review and "True" not in review
    assert '"region": "eu",\n' in review  # JSON indented, one key a line
    assert "unversioned" not in review and "version" not in review  # a template folder outside git has none


def test_placeholders_and_hints_name_the_users_own_project(
    qtbot: QtBot, window: MainWindow, store: Store, projects_dir: Path
) -> None:
    path = make_repo(projects_dir / "docs-qa")
    project = store.add_project(
        name="Docs QA",
        kind="rag",
        path=path,
        template="rag",
        template_version="1",
        answers={"project_slug": "docs-qa", "deploy_target": "fly"},
    )
    window.state.reload()
    view = open_page(qtbot, window, project.id)
    assert view.live_url.placeholderText() == "https://docs-qa.fly.dev"
    model = view.models[Checklist.DEPLOYMENT]
    fixes = [model.data(model.index(row, 2)) for row in range(model.rowCount())]
    assert any("https://github.com/ghopper/docs-qa.git" in fix for fix in fixes), fixes
    assert not any("<you>" in fix for fix in fixes)


def test_a_manual_checks_evidence_url_is_entered_with_a_button(
    qtbot: QtBot, window: MainWindow, store: Store, projects_dir: Path, monkeypatch
) -> None:
    project = add_project(store, projects_dir / "agent", "agent", "Agent")
    window.state.reload()
    view = open_page(qtbot, window, project.id)
    assert not view.evidence_button.isEnabled()  # nothing selected
    view.tabs.setCurrentWidget(view.tables[Checklist.WRITEUP])
    model = view.models[Checklist.WRITEUP]
    row = next(r for r in range(model.rowCount()) if model.results[r].check.id == "writeup-shared")
    view.tables[Checklist.WRITEUP].selectRow(row)
    assert view.evidence_button.isEnabled()
    post = "https://www.linkedin.com/posts/agent-1"
    monkeypatch.setattr(messages, "ask_text", lambda *_args: post)
    with qtbot.waitSignal(view.report_changed, timeout=10000):
        qtbot.mouseClick(view.evidence_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "writeup-shared" in store.get(project.id).manual_checks, timeout=10000)
    assert store.get(project.id).manual_checks["writeup-shared"].evidence_url == post


def test_the_done_page_says_what_to_do_next_and_has_nothing_to_cancel(
    qtbot: QtBot, window: MainWindow, projects_dir: Path
) -> None:
    wizard = window.new_project("agent")
    qtbot.waitExposed(wizard)
    wizard.next()
    wizard.next()
    with qtbot.waitSignal(wizard.project_created, timeout=60000):
        wizard.next()
    page = wizard.generate_page
    commands = [line.text() for line in page.commands.lines]
    assert len(commands) == 2 and commands[0].startswith("pip install -e .") and "pytest" in commands[1]
    copy_buttons = [b for b in page.commands.findChildren(type(page.show_button)) if b.text() == "Copy"]
    copy_buttons[1].click()
    assert QApplication.clipboard().text() == commands[1]
    assert wizard.open_folder.isVisibleTo(page) and page.show_button.isVisibleTo(page)
    assert not wizard.button(QWizard.WizardButton.CancelButton).isEnabled()
    workers.wait_for_all()


def test_the_failure_page_shows_the_hooks_own_message_and_no_stopped_bar(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    template = minimal_template(
        tmp_path / "failing",
        files={"hooks/pre_gen_project.py": "import sys\nprint('Python 3.99 is required')\nsys.exit(1)\n"},
    )
    wizard = window.new_project("")
    qtbot.waitExposed(wizard)
    wizard.template_page.custom_path.setText(str(template))
    wizard.template_page.hooks_agreed.setChecked(True)
    wizard.next()
    wizard.next()
    page = wizard.generate_page
    with qtbot.waitSignal(page.generation_failed, timeout=60000):
        wizard.next()
    qtbot.waitUntil(lambda: not page.running, timeout=10000)
    assert not page.progress.isVisibleTo(page)
    assert "Python 3.99 is required" in page.error.text()
    assert "Traceback" not in page.error.text()
    cancel = wizard.button(QWizard.WizardButton.CancelButton)
    assert cancel.isEnabled() and cancel.text() == "Close"


def test_a_second_project_of_a_kind_asks_whether_it_takes_the_slot(
    qtbot: QtBot, window: MainWindow, store: Store, projects_dir: Path, confirm_all: list[str]
) -> None:
    add_project(store, projects_dir / "first-rag", "rag", "First RAG")
    window.state.reload()
    wizard = window.new_project("rag")
    qtbot.waitExposed(wizard)
    wizard.next()
    wizard.next()
    with qtbot.waitSignal(wizard.project_created, timeout=60000) as created:
        wizard.next()
    assert confirm_all and "take its place" in confirm_all[0]
    new = created.args[0].project
    assert window.state.slot_project("rag").id == new.id
    assert window.dashboard.slots["rag"].name.text() == new.name
    assert "First RAG" in [p.name for p in window.state.other_projects()]
    workers.wait_for_all()


def test_an_editor_launch_is_confirmed_and_its_process_reaped(
    qtbot: QtBot, window: MainWindow, store: Store, projects_dir: Path
) -> None:
    project = add_project(store, projects_dir / "launched", "rag", "Launched")
    window.state.reload()
    window.open_project(project.id)
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    plan = LaunchPlan("Fake Editor", (sys.executable,), project.path)
    window.project_page.open_in_editor.launched.emit(plan, process)
    assert window.statusBar().currentMessage() == "Opened launched in Fake Editor."
    qtbot.waitUntil(lambda: process.returncode is not None, timeout=10000)  # waited for: no zombie
