"""A newcomer on a machine where git knows nobody: the first start asks who they are, once, and
their very first Generate succeeds."""

from __future__ import annotations

import subprocess
from pathlib import Path

import git
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from scaffolder.core.settings import load_settings
from scaffolder.core.store import Store
from scaffolder.gui import workers
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.welcome_dialog import WelcomeDialog


def start_window(qtbot: QtBot, store: Store) -> MainWindow:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.first_run_checked, timeout=10000):
        window.start()
    return window


def type_into(qtbot: QtBot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    qtbot.keyClicks(widget, text)


def git_global(key: str) -> str:
    result = subprocess.run(["git", "config", "--global", "--get", key], capture_output=True, text=True, check=False)
    return result.stdout.strip()


def test_first_start_without_identity_welcomes_saves_and_the_first_generate_succeeds(
    qtbot: QtBot, store: Store, no_git_identity: Path, tmp_path: Path
) -> None:
    window = start_window(qtbot, store)
    welcome = window.welcome
    assert isinstance(welcome, WelcomeDialog) and welcome.isVisible()
    assert not welcome.write_git_config.isChecked()  # git's config is only written when asked
    assert not welcome.save_button.isEnabled()  # no name, no e-mail yet

    type_into(qtbot, welcome.author_name, "Grace Hopper")
    type_into(qtbot, welcome.author_email, "grace@navy")
    assert not welcome.save_button.isEnabled()
    assert welcome.email_error.isVisible() and "not an e-mail address" in welcome.email_error.text()
    type_into(qtbot, welcome.author_email, "grace@example.com")
    assert welcome.save_button.isEnabled() and not welcome.email_error.isVisible()
    type_into(qtbot, welcome.github_username, "ghopper")
    type_into(qtbot, welcome.projects_dir, str(tmp_path / "work"))
    qtbot.mouseClick(welcome.save_button, Qt.MouseButton.LeftButton)

    saved = load_settings(store)
    assert (saved.author_name, saved.author_email, saved.github_username) == (
        "Grace Hopper",
        "grace@example.com",
        "ghopper",
    )
    assert saved.projects_dir == str(tmp_path / "work")
    assert no_git_identity.read_text(encoding="utf-8") == ""  # unticked: git's global config untouched

    wizard = window.new_project("rag")
    qtbot.waitExposed(wizard)
    wizard.next()
    editors = wizard.questions_page.editors
    assert editors["author_name"].widget.text() == "Grace Hopper"  # prefilled from the welcome step
    assert editors["author_email"].widget.text() == "grace@example.com"
    assert editors["github_username"].widget.text() == "ghopper"
    wizard.next()
    assert wizard.location_page.folder.text() == str(tmp_path / "work")
    with qtbot.waitSignal(wizard.project_created, timeout=60000) as created:
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    project = created.args[0].project
    repo = git.Repo(project.path)
    try:
        author = repo.head.commit.author
        assert (author.name, author.email) == ("Grace Hopper", "grace@example.com")
    finally:
        repo.close()
    workers.wait_for_all()


def test_the_welcome_step_writes_gits_global_config_only_when_ticked(
    qtbot: QtBot, store: Store, no_git_identity: Path
) -> None:
    window = start_window(qtbot, store)
    welcome = window.welcome
    assert welcome is not None
    type_into(qtbot, welcome.author_name, "Ada Lovelace")
    type_into(qtbot, welcome.author_email, "ada@example.org")
    welcome.write_git_config.setChecked(True)
    with qtbot.waitSignal(window.statusBar().messageChanged, timeout=10000, check_params_cb=lambda m: "git" in m):
        qtbot.mouseClick(welcome.save_button, Qt.MouseButton.LeftButton)
    assert git_global("user.name") == "Ada Lovelace"
    assert git_global("user.email") == "ada@example.org"
    assert window.git_identity_known


def test_the_welcome_step_is_prefilled_from_what_git_knows(qtbot: QtBot, store: Store, no_git_identity: Path) -> None:
    no_git_identity.write_text("[user]\n\tname = Linus Half\n", encoding="utf-8")  # a name, no e-mail
    window = start_window(qtbot, store)
    assert window.welcome is not None
    assert window.welcome.author_name.text() == "Linus Half"
    assert window.welcome.author_email.text() == ""


def test_no_welcome_when_git_or_the_settings_know_the_user(qtbot: QtBot, store: Store) -> None:
    window = start_window(qtbot, store)  # the test git config has an identity
    assert window.welcome is None


def test_skipping_the_welcome_step_the_wizard_refuses_the_placeholder_author(
    qtbot: QtBot, store: Store, no_git_identity: Path
) -> None:
    window = start_window(qtbot, store)
    assert window.welcome is not None
    window.welcome.reject()  # "Later"
    wizard = window.new_project("rag")
    qtbot.waitExposed(wizard)
    wizard.next()
    page = wizard.questions_page
    assert page.editors["author_name"].widget.text() == "Your Name"
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    where, sentence = page.shown_problem()
    assert where == "author_name" and "placeholder" in sentence
    assert page.errors["author_name"].isVisible()
    type_into(qtbot, page.editors["author_name"].widget, "Grace Hopper")
    where, sentence = page.shown_problem()
    assert where == "author_email" and "placeholder" in sentence
    type_into(qtbot, page.editors["author_email"].widget, "grace@example.com")
    assert page.shown_problem() == (None, "")
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
