"""A user reviews the eval tasks drafted from their own data and API: accepts some, rejects one,
rewords one in place, adds their own with the answer it must contain, saves; the eval's file holds
exactly the accepted ones. The project page offers the review for an agent that has one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from scaffolder.core.agent_data import scan_data
from scaffolder.core.agent_project import add_agent_data
from scaffolder.core.agent_tasks import TASKS_FILE
from scaffolder.core.openapi_tools import scan_openapi
from scaffolder.core.store import Store
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.task_review_dialog import TaskReviewDialog
from tests.helpers.agent_data import garden_csv_folder, garden_openapi
from tests.unit.gui.test_dashboard import make_repo

# The same table and the same closing question as the golden review: its helpers and its fixture.
from tests.unit.gui.test_golden_dialog import closing_drops_unsaved_changes, row_of, select

__all__ = ["closing_drops_unsaved_changes"]  # the autouse fixture, active here by being imported

ROWS = "How many rows are in the plants table?"
TALLEST = "In the plants table, which row has the highest height_cm?"
HARVEST_TOTAL = "What is the total weight_g in the harvests table?"


def project_with_data(root: Path, garden: Path, spec: Path | None = None) -> Path:
    """A real repository with the user's data added the way the wizard adds it."""
    make_repo(root)
    data = scan_data(garden)
    try:
        add_agent_data(root, data, scan_openapi(str(spec)) if spec else None, slug="garden-agent")
    finally:
        data.discard()
    return root


@pytest.fixture
def project(isolated_user: Path, tmp_path: Path) -> Path:
    garden = garden_csv_folder(tmp_path / "garden")
    return project_with_data(tmp_path / "garden-agent", garden, garden_openapi(tmp_path / "allotment.yaml"))


def open_dialog(qtbot: QtBot, project: Path) -> TaskReviewDialog:
    dialog = TaskReviewDialog(project)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def accepted_tasks(project: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (project / TASKS_FILE).read_text(encoding="utf-8").splitlines()]


def test_accepted_edited_and_added_tasks_are_exactly_what_the_eval_runs_on(qtbot: QtBot, project: Path) -> None:
    dialog = open_dialog(qtbot, project)
    table = dialog.table
    assert [table.horizontalHeaderItem(c).text() for c in range(4)] == [
        "Task",
        "Tool and expected answer",
        "Drafted from",
        "Status",
    ]
    assert table.item(row_of(dialog, ROWS), 1).text() == "sql_query: = 4"
    assert table.item(row_of(dialog, TALLEST), 1).text() == "sql_query: contains Runner bean"
    assert table.item(row_of(dialog, ROWS), 2).text() == "schema:count"
    frost = row_of(dialog, "Frost risk for one bed tonight (bedId A1)")
    assert table.item(frost, 1).text() == "api_get_frost_risk: contains HTTP 200"
    assert table.item(frost, 2).text() == "openapi"
    assert "0 accepted, 8 pending, 0 rejected." in dialog.status.text()

    select(dialog, ROWS, TALLEST)
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    select(dialog, HARVEST_TOTAL)
    qtbot.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)
    assert table.item(row_of(dialog, HARVEST_TOTAL), 3).text() == "rejected"

    table.setCurrentCell(row_of(dialog, "List the beds of the allotment"), 0)
    qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
    editor = table.viewport().findChild(QLineEdit)
    assert isinstance(editor, QLineEdit) and editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, "Which beds does my allotment have?")
    with qtbot.waitSignal(table.itemChanged, timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert table.item(row_of(dialog, "Which beds does my allotment have?"), 3).text() == "accepted"

    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    add = dialog.add_task_dialog
    assert add is not None
    qtbot.waitExposed(add)
    tools = [add.tool.itemText(i) for i in range(add.tool.count())]
    assert tools == ["sql_query", "api_get_frost_risk", "api_list_beds"]  # the SQL tool first, then the API's
    qtbot.keyClicks(add.question, "Which bed grows sweet peas?")
    add.buttons.accepted.emit()  # no expected answer: refused in the dialog's own words, nothing lost
    assert add.isVisible()
    assert add.problem.text() == (
        "A task of your own needs the answer it must contain, or the eval could not fail it."
        " Fill in what the answer contains."
    )
    assert add.question.text() == "Which bed grows sweet peas?"
    qtbot.keyClicks(add.expect, "B2")
    add.buttons.accepted.emit()
    assert not add.isVisible()
    added = row_of(dialog, "Which bed grows sweet peas?")
    assert table.item(added, 1).text() == "sql_query: contains B2"
    assert table.item(added, 2).text() == "added by you"
    assert "4 accepted, 4 pending, 1 rejected. Not saved yet." in dialog.status.text()
    assert accepted_tasks(project) == []  # nothing is written until Save

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Saved to evals/my-tasks.jsonl" in dialog.status.text()
    saved = accepted_tasks(project)
    assert [t["question"] for t in saved] == [
        ROWS,
        TALLEST,
        "Which beds does my allotment have?",
        "Which bed grows sweet peas?",
    ]
    assert saved[0]["expected_tools"] == ["sql_query"] and saved[0]["check"]["value"] == 4
    assert saved[3]["check"] == {"type": "contains", "value": ["B2"]}

    reopened = open_dialog(qtbot, project)  # what was saved is what the next review starts from
    assert reopened.table.rowCount() == 9
    assert reopened.table.item(row_of(reopened, HARVEST_TOTAL), 3).text() == "rejected"


def test_the_task_review_offers_none_of_the_rag_projects_runs(qtbot: QtBot, project: Path) -> None:
    """Drafting from documents, building an index and the documents' eval belong to a RAG project:
    offered on an agent's tasks, they would run the RAG steps on the wrong project."""
    dialog = open_dialog(qtbot, project)
    assert dialog.accept_button.isVisible() and dialog.add_button.isVisible()
    assert not any(b.isVisible() for b in (dialog.draft_button, dialog.index_button, dialog.eval_button))


def test_closing_with_unsaved_changes_saves_them_when_the_user_says_so(
    qtbot: QtBot, project: Path, confirm_all: list[str]
) -> None:
    dialog = open_dialog(qtbot, project)
    select(dialog, ROWS)
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert confirm_all == ["Save your changes to the eval tasks? Cancel closes without saving them."]
    assert [t["question"] for t in accepted_tasks(project)] == [ROWS]


def test_the_project_page_offers_the_task_review_for_an_agent_with_drafted_tasks(
    qtbot: QtBot, window: MainWindow, store: Store, tmp_path: Path
) -> None:
    path = project_with_data(tmp_path / "garden-agent", garden_csv_folder(tmp_path / "garden"))
    project = store.add_project(
        name="Garden Agent", kind="agent", path=path, template="agent", template_version="1", answers={}
    )
    window.state.reload()
    window.open_project(project.id)
    page = window.project_page
    assert page.golden.isVisible() and page.golden.text() == "Eval &tasks…"
    assert page.knowledge_text.text() == (
        "Eval tasks from data: 2 tables from garden: 6 tasks, 0 accepted, 6 still to review."
    )
    qtbot.mouseClick(page.golden, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, TaskReviewDialog)
    qtbot.waitExposed(dialog)
    assert dialog.table.rowCount() == 6
    select(dialog, ROWS)
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    dialog.reject()
    assert page.knowledge_text.text().endswith("6 tasks, 1 accepted, 5 still to review.")
