"""A user agrees to run one third-party template in the wizard, then picks another with
Browse…: the agreement never carries over, and the second template's code does not run."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from scaffolder.gui import messages
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.wizard import NewProjectWizard
from tests.helpers.template_tree import minimal_template


def marking_hook(marker: Path) -> str:
    return f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n"


def open_wizard(qtbot: QtBot, window: MainWindow) -> NewProjectWizard:
    window.new_action.trigger()
    wizard = window.wizard
    assert wizard is not None
    qtbot.waitExposed(wizard)
    return wizard


def browse_to(qtbot: QtBot, wizard: NewProjectWizard, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Click Browse… and choose `folder` (the file dialog itself is the user's, not ours)."""
    monkeypatch.setattr(messages, "ask_directory", lambda *_args, **_kw: folder)
    qtbot.mouseClick(wizard.template_page.browse, Qt.MouseButton.LeftButton)


def agree(qtbot: QtBot, wizard: NewProjectWizard) -> None:
    box = wizard.template_page.hooks_agreed
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def test_agreeing_to_template_a_does_not_agree_to_template_b_chosen_afterwards(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker_a, marker_b = tmp_path / "a-ran", tmp_path / "b-ran"
    template_a = minimal_template(tmp_path / "a", files={"hooks/post_gen_project.py": marking_hook(marker_a)})
    template_b = minimal_template(tmp_path / "b", files={"hooks/pre_gen_project.py": marking_hook(marker_b)})
    wizard = open_wizard(qtbot, window)
    next_button = wizard.button(QWizard.WizardButton.NextButton)

    browse_to(qtbot, wizard, template_a, monkeypatch)
    agree(qtbot, wizard)
    assert next_button.isEnabled() and wizard.template_page.accept_hooks
    browse_to(qtbot, wizard, template_b, monkeypatch)

    page = wizard.template_page
    assert not page.hooks_agreed.isChecked() and not page.accept_hooks
    assert not next_button.isEnabled()
    assert "hooks/pre_gen_project.py" in page.status.text() and "its files are code" in page.status.text()
    assert "hooks/post_gen_project.py" not in page.status.text()
    assert not page.selected().trusted
    assert not marker_a.exists() and not marker_b.exists()


def test_a_template_agreed_to_once_is_not_asked_again_until_it_changes(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, projects_dir: Path
) -> None:
    marker = tmp_path / "ran"
    template = minimal_template(tmp_path / "tpl", files={"hooks/post_gen_project.py": marking_hook(marker)})
    wizard = open_wizard(qtbot, window)
    browse_to(qtbot, wizard, template, monkeypatch)
    agree(qtbot, wizard)
    wizard.next()
    wizard.next()
    with qtbot.waitSignal(wizard.project_created, timeout=60000):
        wizard.next()
    assert marker.read_text() == "ran"
    wizard.reject()

    again = open_wizard(qtbot, window)
    browse_to(qtbot, again, template, monkeypatch)
    assert not again.template_page.hooks_agreed.isVisible()
    assert again.button(QWizard.WizardButton.NextButton).isEnabled()
    assert "You agreed to run this template" in again.template_page.status.text()

    (template / "hooks" / "post_gen_project.py").write_text("print('changed')\n", encoding="utf-8")
    browse_to(qtbot, again, template, monkeypatch)  # chosen again: read again
    assert again.template_page.hooks_agreed.isVisible()
    assert not again.button(QWizard.WizardButton.NextButton).isEnabled()
