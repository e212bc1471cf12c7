"""The agent data parts of the app keep the layout promise (no text cut off at 800 px, at 100 % and
200 %): the wizard's review with the data and API reports, the Done page, the task review."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from scaffolder.gui import messages, workers
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.task_review_dialog import TaskReviewDialog
from scaffolder.gui.wizard import data_choice
from tests.helpers.agent_data import garden_csv_folder, garden_openapi
from tests.unit.gui.test_layout import SCALES, assert_readable, scaled_font, settle

__all__ = ["scaled_font"]  # the fixture, used by name


@pytest.mark.parametrize(("scaled_font", "width"), SCALES, indirect=["scaled_font"])
def test_the_review_with_data_and_api_reports_the_done_page_and_the_task_review_fit(
    qtbot: QtBot, scaled_font: int, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    garden = garden_csv_folder(tmp_path / "a folder with a rather long name for my garden's data")
    spec = garden_openapi(tmp_path / "allotment.yaml")
    monkeypatch.setattr(messages, "ask_directory", lambda *_args, **_kwargs: garden)
    monkeypatch.setattr(data_choice, "ask_file", lambda *_args, **_kwargs: spec)
    monkeypatch.setattr(messages, "ask_confirm", lambda *_args, **_kwargs: False)
    wizard = window.new_project("agent")
    wizard_width = 760 * scaled_font
    settle(qtbot, wizard, wizard_width, 600 * scaled_font)
    wizard.next()
    wizard.next()
    data = wizard.location_page.data
    assert_readable(wizard, wizard_width)  # the choice before anything is chosen
    with qtbot.waitSignal(data.scanned, timeout=20000):
        data.mine.click()
    with qtbot.waitSignal(data.scanned, timeout=20000):
        data.choose_openapi.click()
    qtbot.wait(50)
    assert "api_list_beds" in wizard.location_page.summary.toPlainText()
    assert_readable(wizard, wizard_width)
    with qtbot.waitSignal(wizard.project_created, timeout=90000):
        wizard.next()
    qtbot.wait(50)
    page = wizard.generate_page
    assert page.review_tasks.isVisible()
    assert_readable(wizard, wizard_width)

    page.review_tasks.click()
    dialog = page.task_dialog
    assert isinstance(dialog, TaskReviewDialog)
    settle(qtbot, dialog, wizard_width, 520 * scaled_font)
    assert_readable(dialog, wizard_width)
    dialog.add_button.click()
    add = dialog.add_task_dialog
    assert add is not None
    qtbot.waitExposed(add)
    qtbot.wait(50)
    assert_readable(add, add.width())
    add.reject()
    dialog.reject()
    workers.wait_for_all()
