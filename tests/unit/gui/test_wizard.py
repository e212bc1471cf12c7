"""A user opens the New Project wizard, answers by typing, and gets a committed project."""

from __future__ import annotations

from pathlib import Path

import git
import pytest
from PySide6.QtCore import QElapsedTimer, QPoint, Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWizard
from pytestqt.qtbot import QtBot

from scaffolder.core.catalogue import load_template
from scaffolder.core.settings import load_settings
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.wizard import NewProjectWizard
from tests.helpers.template_tree import PROJECT_DIR, minimal_template


def open_wizard(qtbot: QtBot, window: MainWindow, kind: str = "") -> NewProjectWizard:
    if kind:
        qtbot.mouseClick(window.dashboard.slots[kind].generate_button, Qt.MouseButton.LeftButton)
    else:
        window.new_action.trigger()
    wizard = window.wizard
    assert wizard is not None
    qtbot.waitExposed(wizard)
    return wizard


def type_into(qtbot: QtBot, widget: QLineEdit, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    qtbot.keyClicks(widget, text)


def wizard_at_review(qtbot: QtBot, window: MainWindow, template: Path, agree_to_hooks: bool = True) -> NewProjectWizard:
    """Open the wizard on a custom template folder, agree to run it, and go to the review page
    with its defaults."""
    wizard = open_wizard(qtbot, window)
    type_into(qtbot, wizard.template_page.custom_path, str(template))
    assert wizard.template_page.custom_radio.isChecked()
    wizard.template_page.hooks_agreed.setChecked(agree_to_hooks)
    wizard.next()
    wizard.next()
    assert wizard.currentPage() is wizard.location_page
    return wizard


def editor(wizard: NewProjectWizard, name: str):
    return wizard.questions_page.editors[name].widget


def next_button(wizard: NewProjectWizard):
    return wizard.button(QWizard.WizardButton.NextButton)


@pytest.mark.parametrize("kind", ["rag", "agent", "fullstack"])
def test_a_user_generates_each_bundled_template_and_sees_it_on_the_dashboard(
    qtbot: QtBot, window: MainWindow, projects_dir: Path, kind: str
) -> None:
    wizard = open_wizard(qtbot, window)
    radio = wizard.template_page.radios[kind]
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))  # on the indicator
    assert wizard.template_page.selected().kind == kind
    qtbot.mouseClick(next_button(wizard), Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.questions_page

    type_into(qtbot, editor(wizard, "project_name"), f"Portfolio {kind.title()} Demo")
    assert editor(wizard, "project_slug").text() == f"portfolio-{kind}-demo"
    assert editor(wizard, "author_name").text() == "Grace Hopper"  # prefilled from settings
    qtbot.mouseClick(next_button(wizard), Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.location_page
    assert wizard.location_page.folder.text() == str(projects_dir)
    assert str(projects_dir / f"portfolio-{kind}-demo") in wizard.location_page.summary.toPlainText()

    with qtbot.waitSignal(wizard.project_created, timeout=60000) as created:
        qtbot.mouseClick(next_button(wizard), Qt.MouseButton.LeftButton)
    project = created.args[0].project
    assert project.path == projects_dir / f"portfolio-{kind}-demo"
    repo = git.Repo(project.path)
    assert repo.active_branch.name == "main"
    assert not repo.is_dirty(untracked_files=True)
    assert repo.head.commit.author.name == "Ada Tester"  # git's own identity wins over settings
    repo.close()
    assert wizard.generate_page.success.isVisible()

    qtbot.waitUntil(lambda: window.dashboard.slots[kind].project is not None, timeout=10000)
    slot = window.dashboard.slots[kind]
    assert slot.name.text() == f"Portfolio {kind.title()} Demo"
    assert not slot.generate_button.isVisible()
    qtbot.waitUntil(lambda: "on main" in slot.commit.text(), timeout=10000)


def test_typing_a_name_updates_the_slug_until_the_user_edits_the_slug(qtbot: QtBot, window: MainWindow) -> None:
    wizard = open_wizard(qtbot, window, "rag")
    wizard.next()
    type_into(qtbot, editor(wizard, "project_name"), "Search Buddy")
    assert editor(wizard, "project_slug").text() == "search-buddy"
    assert editor(wizard, "package_name").text() == "search_buddy"
    type_into(qtbot, editor(wizard, "project_slug"), "my-own-slug")
    type_into(qtbot, editor(wizard, "project_name"), "Another Name")
    assert editor(wizard, "project_slug").text() == "my-own-slug"
    assert editor(wizard, "package_name").text() == "my_own_slug"


@pytest.mark.parametrize("slug", ["../escape", "-rf", "con", "a:b"])
def test_an_invalid_slug_blocks_next_with_a_message_that_says_what_to_fix(
    qtbot: QtBot, window: MainWindow, slug: str
) -> None:
    wizard = open_wizard(qtbot, window, "agent")
    wizard.next()
    type_into(qtbot, editor(wizard, "project_slug"), slug)
    assert not next_button(wizard).isEnabled()
    problem = wizard.questions_page.errors["project_slug"]  # beside the field it is about
    assert problem.isVisible()
    assert "not allowed" in problem.text() and "Use letters, digits" in problem.text()
    type_into(qtbot, editor(wizard, "project_slug"), "fine-slug")
    assert next_button(wizard).isEnabled()
    assert not problem.isVisible() and wizard.questions_page.shown_problem() == (None, "")


def test_an_existing_non_empty_folder_blocks_next_and_is_left_untouched(
    qtbot: QtBot, window: MainWindow, projects_dir: Path
) -> None:
    occupied = projects_dir / "taken"
    occupied.mkdir(parents=True)
    (occupied / "notes.txt").write_text("mine", encoding="utf-8")
    wizard = open_wizard(qtbot, window, "rag")
    wizard.next()
    type_into(qtbot, editor(wizard, "project_name"), "Taken")
    assert not next_button(wizard).isEnabled()
    where, sentence = wizard.questions_page.shown_problem()
    assert where == "project_slug" and "already exists and is not empty" in sentence
    assert (occupied / "notes.txt").read_text(encoding="utf-8") == "mine"


def every_kind_template(root: Path) -> Path:
    return minimal_template(
        root,
        description="A demo",
        license=["MIT", "Apache-2.0"],
        python_version=["{{ '3.12' }}", "3.11"],
        use_docker=True,
        settings={"region": "eu", "replicas": 2},
        _private_note="not asked",
        __rendered_secret="{{ cookiecutter.project_slug }}-secret",
        __prompts__={
            "description": "What it does",
            "license": {"__prompt__": "Which license", "MIT": "MIT (permissive)", "Apache-2.0": "Apache 2.0 (patents)"},
        },
    )


def test_a_custom_template_gets_one_correct_widget_per_question(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    template = every_kind_template(tmp_path / "custom")
    wizard = open_wizard(qtbot, window)
    type_into(qtbot, wizard.template_page.custom_path, str(template))
    assert wizard.template_page.custom_radio.isChecked()
    assert not next_button(wizard).isEnabled()  # a third-party template is code: agree first
    wizard.template_page.hooks_agreed.setChecked(True)
    assert next_button(wizard).isEnabled()
    wizard.next()
    widgets = {name: e.widget for name, e in wizard.questions_page.editors.items()}
    assert list(widgets) == [
        "project_name",
        "project_slug",
        "description",
        "license",
        "python_version",
        "use_docker",
        "settings",
    ]
    assert isinstance(widgets["project_name"], QLineEdit)
    assert isinstance(widgets["license"], QComboBox)
    assert [widgets["license"].itemText(i) for i in range(2)] == ["MIT (permissive)", "Apache 2.0 (patents)"]
    assert widgets["python_version"].currentText() == "3.12"  # templated choice rendered
    assert isinstance(widgets["use_docker"], QCheckBox) and widgets["use_docker"].isChecked()
    assert isinstance(widgets["settings"], QPlainTextEdit)
    assert '"replicas": "2"' in widgets["settings"].toPlainText()  # cookiecutter renders dict values as text
    labels = [label.text() for label in wizard.questions_page.form_host.findChildren(QLabel)]
    assert "What it does:" in labels and "Which license:" in labels  # __prompts__ as labels

    widgets["settings"].setPlainText("{not json")
    assert not next_button(wizard).isEnabled()
    assert "must be a JSON object" in wizard.questions_page.shown_problem()[1]
    widgets["settings"].setPlainText('{"region": "us"}')
    assert next_button(wizard).isEnabled()


def test_a_template_with_hooks_asks_before_running_them(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    template = minimal_template(tmp_path / "hooked", files={"hooks/post_gen_project.py": "print('hello')\n"})
    wizard = open_wizard(qtbot, window)
    type_into(qtbot, wizard.template_page.custom_path, str(template))
    assert wizard.template_page.custom_radio.isChecked()
    assert wizard.template_page.hooks_agreed.isVisible()
    assert "It runs hooks (scripts): hooks/post_gen_project.py" in wizard.template_page.status.text()
    assert not next_button(wizard).isEnabled()
    box = wizard.template_page.hooks_agreed
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert next_button(wizard).isEnabled()


def test_a_failing_template_shows_the_error_and_leaves_no_folder(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, projects_dir: Path
) -> None:
    template = minimal_template(
        tmp_path / "broken",
        files={f"{PROJECT_DIR}/broken.txt": "{{ cookiecutter.no_such_question }}"},
    )
    wizard = wizard_at_review(qtbot, window, template)
    with qtbot.waitSignal(wizard.generate_page.generation_failed, timeout=30000):
        wizard.next()
    page = wizard.generate_page
    qtbot.waitUntil(lambda: not page.running)
    assert page.error.isVisible()
    assert "failed" in page.error.text() or "Jinja" in page.error.text()
    assert page.status.text() == "Nothing was written to disk."
    assert not (projects_dir / "demo-project").exists()
    assert not list(projects_dir.glob(".scaffolder-staging-*")) if projects_dir.exists() else True
    assert window.store.projects() == []
    qtbot.mouseClick(page.back_to_answers, Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.location_page


def test_the_window_stays_responsive_while_a_slow_template_renders(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, projects_dir: Path
) -> None:
    files = {
        f"{PROJECT_DIR}/pkg/module_{i}.py": f"VALUE_{i} = '{{{{ cookiecutter.project_slug }}}}'\n" for i in range(300)
    }
    files["hooks/pre_gen_project.py"] = "import time\ntime.sleep(1.5)\n"
    template = minimal_template(tmp_path / "slow", files=files)
    wizard = wizard_at_review(qtbot, window, template, agree_to_hooks=True)

    gaps: list[int] = []
    clock = QElapsedTimer()
    heartbeat = QTimer()
    heartbeat.setInterval(10)

    def beat() -> None:
        gaps.append(clock.restart())

    heartbeat.timeout.connect(beat)
    clock.start()
    heartbeat.start()
    with qtbot.waitSignal(wizard.project_created, timeout=60000):
        wizard.next()
    heartbeat.stop()
    assert len(gaps) > 100, "the heartbeat barely ran: the UI thread was busy"
    worst = max(range(1, len(gaps)), key=gaps.__getitem__)
    assert gaps[worst] < 100, f"the UI thread froze for {gaps[worst]} ms at beat {worst} of {len(gaps)}"
    assert (projects_dir / "demo-project" / "pkg" / "module_299.py").is_file()


def test_cancelling_during_generation_leaves_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, projects_dir: Path
) -> None:
    files = {f"{PROJECT_DIR}/pkg/module_{i}.py": "X = 1\n" for i in range(200)}
    files["hooks/pre_gen_project.py"] = "import time\ntime.sleep(1)\n"
    template = minimal_template(tmp_path / "slow", files=files)
    wizard = wizard_at_review(qtbot, window, template, agree_to_hooks=True)
    with qtbot.waitSignal(wizard.generate_page.generation_failed, timeout=30000) as failed:
        wizard.next()
        wizard.reject()
    assert "cancelled" in str(failed.args[0]).lower()
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert not (projects_dir / "demo-project").exists()
    assert window.store.projects() == []


def test_settings_saved_in_the_dialog_prefill_the_next_wizard(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffolder.gui.settings_dialog import SettingsDialog

    def fill_and_save(dialog: SettingsDialog) -> int:
        dialog.author_name.setText("Katherine Johnson")
        dialog.author_email.setText("kj@example.com")
        return 1

    monkeypatch.setattr(SettingsDialog, "exec", fill_and_save)
    window.settings_action.trigger()
    assert load_settings(window.store).author_name == "Katherine Johnson"
    wizard = open_wizard(qtbot, window, "rag")
    wizard.next()
    assert editor(wizard, "author_name").text() == "Katherine Johnson"
    assert editor(wizard, "author_email").text() == "kj@example.com"


def test_the_catalogue_drives_the_form_for_the_bundled_templates(qtbot: QtBot, window: MainWindow) -> None:
    for kind in ("rag", "agent", "fullstack"):
        wizard = open_wizard(qtbot, window, kind)
        wizard.next()
        template = load_template(wizard.template_page.selected().path)
        assert list(wizard.questions_page.editors) == [q.name for q in template.asked_questions]
        wizard.reject()
