"""The update dialog and the project page's banner, driven for real offscreen: the core plans and
merges on workers (rendering in a child process), over real git repositories in temp folders."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton
from pytestqt.qtbot import QtBot

from scaffolder.core.catalogue import load_template
from scaffolder.core.generate import generate
from scaffolder.core.settings import Settings, save_settings
from scaffolder.core.store import Project, Store
from scaffolder.gui import workers
from scaffolder.gui.portfolio_state import PortfolioState
from scaffolder.gui.project_page import ProjectPage
from scaffolder.gui.update_dialog import UpdateDialog
from tests.helpers.fake_editors import FakePrograms
from tests.helpers.template_tree import tree_snapshot
from tests.helpers.template_versions import git, move_to_v2, template_v1

WAIT_MS = 60000


@pytest.fixture
def template_dir(tmp_path: Path) -> Path:
    return template_v1(tmp_path / "demo-template")


@pytest.fixture
def project(template_dir: Path, tmp_path: Path, store: Store) -> Iterator[Project]:
    made = generate(load_template(template_dir), {}, tmp_path / "projects", store=store, trust=True)
    (made.project.path / "README.md").write_text("# Demo Project\n\nMine.\n")
    git(made.project.path, "commit", "-q", "-am", "My README")
    yield made.project
    workers.wait_for_all()


@pytest.fixture(autouse=True)
def agree_to_the_changed_template(confirm_all: list[str]) -> list[str]:
    """The test template is a third-party one: updating renders it again, and a template that
    changed since the user agreed asks again (the user says yes here)."""
    return confirm_all


def open_dialog(qtbot: QtBot, project: Project, store: Store, **kwargs: object) -> UpdateDialog:
    dialog = UpdateDialog(project, store, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is not dialog.busy_page, timeout=WAIT_MS)
    return dialog


def file_rows(dialog: UpdateDialog) -> list[str]:
    return [dialog.files.item(i).text() for i in range(dialog.files.count())]


def test_the_dialog_shows_new_questions_and_each_files_diff_then_merges(
    qtbot: QtBot, project: Project, template_dir: Path, store: Store
) -> None:
    move_to_v2(template_dir)

    dialog = open_dialog(qtbot, project, store)

    assert dialog.pages.currentWidget() is dialog.review_page
    assert "Template demo-template 1.0.0 → 2.0.0" in dialog.heading.text()
    combo = dialog.editors["ci_provider"].widget
    assert isinstance(combo, QComboBox) and combo.currentText() == "github"
    assert {"A  CI.md", "D  OLD_NOTES.md", "M  settings.toml", "M  src/app.py"} <= set(file_rows(dialog))
    settings_row = file_rows(dialog).index("M  settings.toml")
    dialog.files.setCurrentRow(settings_row)
    assert "+workers = 2" in dialog.diff_view.toPlainText()

    combo.setCurrentIndex(combo.findText("gitlab"))
    with qtbot.waitSignal(dialog.updated, timeout=WAIT_MS) as updated:
        qtbot.mouseClick(dialog.update_button, Qt.MouseButton.LeftButton)

    assert updated.args[0].outcome.value == "merged"
    assert dialog.pages.currentWidget() is dialog.result_page
    assert dialog.result_label.text().startswith("Updated Demo Project from template demo-template 1.0.0 → 2.0.0")
    assert (project.path / "CI.md").read_text() == "CI runs on gitlab.\n"
    assert (project.path / "README.md").read_text() == "# Demo Project\n\nMine.\n"
    assert store.get(project.id).template_version == "2.0.0"


@pytest.mark.skipif(sys.platform == "win32", reason="fake editors are POSIX scripts")
def test_conflicts_are_listed_with_a_button_that_opens_each_in_the_editor(
    qtbot: QtBot, project: Project, template_dir: Path, store: Store, tmp_path: Path
) -> None:
    (project.path / "settings.toml").write_text("[server]\nport = 8000\nworkers = 16\n")
    git(project.path, "commit", "-q", "-am", "Sixteen workers")
    move_to_v2(template_dir)
    fakes = FakePrograms(tmp_path / "bin", tmp_path / "records")
    fakes.install("code")
    save_settings(store, Settings(editor="vscode"))
    dialog = open_dialog(qtbot, project, store, host=fakes.host(tmp_path / "root", tmp_path / "home"))

    with qtbot.waitSignal(dialog.updated, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.update_button, Qt.MouseButton.LeftButton)

    assert "settings.toml" in dialog.result_label.text() and "git merge --continue" in dialog.result_label.text()
    button = dialog.findChild(QPushButton, "update-open-settings.toml")
    assert button is not None
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert fakes.record("code")["argv"] == [str(project.path / "settings.toml")]


def test_backing_out_of_a_conflict_when_the_user_chose_it_changes_nothing(
    qtbot: QtBot, project: Project, template_dir: Path, store: Store
) -> None:
    (project.path / "settings.toml").write_text("[server]\nport = 8000\nworkers = 16\n")
    git(project.path, "commit", "-q", "-am", "Sixteen workers")
    move_to_v2(template_dir)
    dialog = open_dialog(qtbot, project, store)
    head = git(project.path, "rev-parse", "HEAD")

    dialog.abort_on_conflict.setChecked(True)
    qtbot.mouseClick(dialog.update_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.result_page, timeout=WAIT_MS)

    assert "backed out" in dialog.result_label.text()
    assert git(project.path, "rev-parse", "HEAD") == head and git(project.path, "status", "--porcelain") == ""


def test_a_dirty_tree_is_refused_with_the_cores_sentence_and_nothing_changes(
    qtbot: QtBot, project: Project, template_dir: Path, store: Store
) -> None:
    move_to_v2(template_dir)
    (project.path / "README.md").write_text("not yet committed\n")
    before = tree_snapshot(project.path)

    dialog = open_dialog(qtbot, project, store)

    assert dialog.pages.currentWidget() is dialog.result_page
    assert "1 uncommitted change;" in dialog.result_label.text()
    assert "git stash -u" in dialog.result_label.text()
    assert tree_snapshot(project.path) == before


def test_a_project_without_the_ref_is_offered_link_which_then_plans_the_update(
    qtbot: QtBot, project: Project, template_dir: Path, store: Store
) -> None:
    git(project.path, "update-ref", "-d", "refs/scaffolder/template")

    dialog = open_dialog(qtbot, project, store)

    assert "refs/scaffolder/template" in dialog.result_label.text()
    assert dialog.link_button.isVisible()
    qtbot.mouseClick(dialog.link_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.result_page, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "up to date" in dialog.result_label.text(), timeout=WAIT_MS)
    assert git(project.path, "rev-parse", "--verify", "refs/scaffolder/template")


def test_the_project_page_says_an_update_is_available_and_opens_the_dialog(
    qtbot: QtBot, project: Project, template_dir: Path, store: Store
) -> None:
    state = PortfolioState(store)
    state.reload()
    page = ProjectPage(state)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.update_banner.checked, timeout=WAIT_MS) as checked:
        page.show_project(store.get(project.id))
    assert checked.args == [None] and not page.update_banner.isVisible()  # same version: no banner

    move_to_v2(template_dir)
    with qtbot.waitSignal(page.update_banner.checked, timeout=WAIT_MS):
        page.show_project(store.get(project.id))
    assert page.update_banner.isVisible()

    assert page.update_banner.label.text() == "Template 1.0.0 → 2.0.0 available"
    qtbot.mouseClick(page.update_banner.button, Qt.MouseButton.LeftButton)
    dialog = page.update_banner.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.review_page, timeout=WAIT_MS)
    with qtbot.waitSignal(dialog.updated, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.update_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.update_banner.isVisible(), timeout=WAIT_MS)


def test_a_refusal_at_merge_time_is_shown_on_the_review_page_and_nothing_changes(
    qtbot: QtBot, project: Project, template_dir: Path, store: Store
) -> None:
    move_to_v2(template_dir)
    dialog = open_dialog(qtbot, project, store)
    (project.path / "README.md").write_text("edited while the dialog was open\n")
    before = tree_snapshot(project.path)

    qtbot.mouseClick(dialog.update_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.review_error.isVisible(), timeout=WAIT_MS)

    assert dialog.pages.currentWidget() is dialog.review_page
    assert "1 uncommitted change;" in dialog.review_error.text()
    assert tree_snapshot(project.path) == before
