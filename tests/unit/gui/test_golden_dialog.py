"""A user reviews the golden questions drafted from their documents: accepts some, rejects one,
rewords one in place, adds their own, saves; the eval's file holds exactly the accepted ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from scaffolder.core.corpus import scan_corpus
from scaffolder.core.golden import GOLDEN_FILE, REVIEW_FILE
from scaffolder.core.knowledge_base import add_knowledge_base
from scaffolder.core.store import Store
from scaffolder.gui import messages
from scaffolder.gui.golden_dialog import GoldenDialog
from scaffolder.gui.main_window import MainWindow
from tests.helpers.documents import two_topic_corpus
from tests.helpers.fake_openai import MODEL, drafted_question, fake_openai


def project_with_documents(root: Path, corpus: Path, *, private: bool = False) -> Path:
    """A real repository with a knowledge base added the way the wizard adds it."""
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    (root / "README.md").write_text("# Docs QA\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), "commit", "-q", "-m", "first"], check=True)
    add_knowledge_base(root, scan_corpus(corpus), private=private, slug="docs-qa")
    return root


@pytest.fixture(autouse=True)
def closing_drops_unsaved_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dialog closed at the end of a test is asked about unsaved changes: the answer is no."""
    monkeypatch.setattr(messages, "ask_confirm", lambda *_args, **_kwargs: False)


@pytest.fixture
def project(isolated_user: Path, tmp_path: Path) -> Path:
    return project_with_documents(tmp_path / "docs-qa", two_topic_corpus(tmp_path / "corpus"))


def open_dialog(qtbot: QtBot, project: Path) -> GoldenDialog:
    dialog = GoldenDialog(project)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def row_of(dialog: GoldenDialog, question: str) -> int:
    rows = [r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == question]
    assert rows, f"{question!r} is not in the table"
    return rows[0]


def select(dialog: GoldenDialog, *questions: str) -> None:
    dialog.table.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for question in questions:
        index = dialog.table.model().index(row_of(dialog, question), 0)
        dialog.table.selectionModel().select(index, flags)


def golden_lines(project: Path) -> list[dict[str, object]]:
    text = (project / GOLDEN_FILE).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_accepted_edited_and_added_questions_are_exactly_what_the_eval_runs_on(qtbot: QtBot, project: Path) -> None:
    dialog = open_dialog(qtbot, project)
    table = dialog.table
    assert [table.horizontalHeaderItem(c).text() for c in range(4)] == [
        "Question",
        "Expected source",
        "Drafted by",
        "Status",
    ]
    lease = row_of(dialog, "What is a lease?")
    assert table.item(lease, 1).text() == "tenancy/lease.md"
    assert table.item(lease, 2).text() == "a definition (offline)"
    assert table.item(lease, 3).text() == "pending"
    assert "0 accepted, 7 pending, 0 rejected." in dialog.status.text()

    select(dialog, "What is a lease?", "What is a swarm?")
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    select(dialog, "What is a super?")
    qtbot.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)
    assert table.item(row_of(dialog, "What is a lease?"), 3).text() == "accepted"
    assert table.item(row_of(dialog, "What is a super?"), 3).text() == "rejected"

    # Reword in place: Edit opens the cell's editor, the user types, Enter commits it.
    table.setCurrentCell(row_of(dialog, "How do I inspect a hive?"), 0)
    qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
    editor = table.viewport().findChild(QLineEdit)
    assert isinstance(editor, QLineEdit) and editor.isVisible()
    assert editor.text() == "How do I inspect a hive?"
    editor.selectAll()
    qtbot.keyClicks(editor, "When should I open a hive for inspection?")
    with qtbot.waitSignal(table.itemChanged, timeout=5000):  # the delegate commits on its next turn
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    edited = row_of(dialog, "When should I open a hive for inspection?")
    assert table.item(edited, 3).text() == "accepted"  # a reworded question counts as accepted

    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    add = dialog.add_dialog
    assert add is not None
    qtbot.waitExposed(add)
    sources = [add.source.itemText(i) for i in range(add.source.count())]
    assert sources == sorted(["bees/hives.rst", "bees/swarming.md", "tenancy/lease.md", "tenancy/notice.pdf"])
    add.buttons.accepted.emit()  # OK with nothing typed: refused, the dialog stays open
    assert add.isVisible() and "needs its text and the file that answers it" in add.problem.text()
    qtbot.keyClicks(add.question, "How long does the landlord have to return my deposit?")
    add.source.setCurrentText("tenancy/lease.md")
    add.buttons.accepted.emit()
    assert not add.isVisible()
    added = row_of(dialog, "How long does the landlord have to return my deposit?")
    assert table.item(added, 2).text() == "added by you"
    assert "4 accepted, 3 pending, 1 rejected. Not saved yet." in dialog.status.text()
    assert golden_lines(project) == []  # nothing is written until Save

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Saved to evals/my-golden.jsonl" in dialog.status.text()
    assert golden_lines(project) == [
        {"question": "What is a swarm?", "sources": ["bees/swarming.md"]},
        {"question": "What is a lease?", "sources": ["tenancy/lease.md"]},
        {"question": "When should I open a hive for inspection?", "sources": ["bees/hives.rst"]},
        {"question": "How long does the landlord have to return my deposit?", "sources": ["tenancy/lease.md"]},
    ]
    review = json.loads((project / REVIEW_FILE).read_text(encoding="utf-8"))
    statuses = {q["question"]: q["status"] for q in review["questions"]}
    assert statuses["What is a super?"] == "rejected" and statuses["What is a notice period?"] == "pending"

    reopened = open_dialog(qtbot, project)  # what was saved is what the next review starts from
    assert reopened.table.rowCount() == 8
    assert reopened.table.item(row_of(reopened, "What is a super?"), 3).text() == "rejected"


def test_an_emptied_question_is_refused_and_keeps_its_wording(qtbot: QtBot, project: Path) -> None:
    dialog = open_dialog(qtbot, project)
    item = dialog.table.item(row_of(dialog, "What is a lease?"), 0)
    item.setText("   ")
    assert "The edited question is empty." in dialog.status.text()
    assert dialog.table.item(row_of(dialog, "What is a lease?"), 3).text() == "pending"


def test_closing_with_unsaved_changes_saves_them_when_the_user_says_so(
    qtbot: QtBot, project: Path, confirm_all: list[str]
) -> None:
    dialog = open_dialog(qtbot, project)
    select(dialog, "What is a notice period?")
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert confirm_all and "Save your changes" in confirm_all[0]
    assert golden_lines(project) == [{"question": "What is a notice period?", "sources": ["tenancy/notice.pdf"]}]


def test_a_project_without_a_review_file_says_how_to_get_one(qtbot: QtBot, isolated_user: Path, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, tmp_path)
    assert "nothing was drafted for this project to review" in dialog.status.text()
    assert not dialog.save_button.isEnabled() and not dialog.add_button.isEnabled()


def test_the_project_page_offers_golden_questions_only_when_there_is_a_review(
    qtbot: QtBot, window: MainWindow, store: Store, tmp_path: Path
) -> None:
    corpus = two_topic_corpus(tmp_path / "private corpus")
    (corpus / "bees" / "notes.txt").write_text("Notes on wax, honey and frames, kept over many seasons.\n")
    with_documents = project_with_documents(tmp_path / "mine", corpus, private=True)
    plain = tmp_path / "plain"
    plain.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(plain)], check=True)
    ids = {
        path: store.add_project(
            name=path.name, kind="rag", path=path, template="rag", template_version="1", answers={}
        ).id
        for path in (with_documents, plain)
    }
    window.state.reload()

    window.open_project(ids[plain])
    assert not window.project_page.golden.isVisible()
    window.open_project(ids[with_documents])
    assert window.project_page.golden.isVisible()
    summary = window.project_page.knowledge_text.text()
    assert summary == "Golden set from private documents: 7 questions, 0 accepted, 7 still to review."
    qtbot.mouseClick(window.project_page.golden, Qt.MouseButton.LeftButton)
    dialog = window.project_page.dialog
    assert isinstance(dialog, GoldenDialog)
    qtbot.waitExposed(dialog)
    assert dialog.table.rowCount() == 7
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.add_dialog is not None
    # A private corpus: its documents are listed from the folder this machine recorded, even one
    # that no drafted question cites.
    sources = [dialog.add_dialog.source.itemText(i) for i in range(dialog.add_dialog.source.count())]
    assert "bees/notes.txt" in sources and "tenancy/notice.pdf" in sources
    dialog.add_dialog.reject()
    select(dialog, "What is a lease?")
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    dialog.reject()
    assert window.project_page.knowledge_text.text().endswith("7 questions, 1 accepted, 6 still to review.")


# --- drafting with a model, the index and the eval: long work on a worker, cancellable -------------


def wait_for_run(qtbot: QtBot, dialog: GoldenDialog) -> None:
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=60000)


def test_with_a_provider_set_up_a_model_drafts_more_and_the_table_says_which(
    qtbot: QtBot, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fake_openai() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")
        dialog = open_dialog(qtbot, project)
        assert dialog.draft_button.isEnabled() and "openai" in dialog.draft_button.toolTip()
        qtbot.mouseClick(dialog.draft_button, Qt.MouseButton.LeftButton)
        wait_for_run(qtbot, dialog)
    assert len(server.requests) == 4
    row = row_of(dialog, drafted_question("Swarming"))
    assert dialog.table.item(row, 1).text() == "bees/swarming.md"
    assert dialog.table.item(row, 2).text() == f"drafted by the model {MODEL}"
    assert dialog.table.item(row, 3).text() == "pending"
    assert "4 new questions drafted by fake-gpt-drafter, pending your review." in dialog.status.text()
    assert "Not saved yet." in dialog.status.text() and golden_lines(project) == []


def test_without_a_provider_the_model_is_not_offered_and_says_what_to_set(
    qtbot: QtBot, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "OLLAMA_HOST", "OLLAMA_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    dialog = open_dialog(qtbot, project)
    assert not dialog.draft_button.isEnabled() and "OPENAI_API_KEY" in dialog.draft_button.toolTip()


# The project's own command line, as a stand-in: its eval writes the README's table of your documents
# from the accepted questions, or hangs with a child of its own (the real eval is the end-to-end test's).
STAND_IN = """
import subprocess, sys, time
from pathlib import Path
if Path("hang").exists():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    Path("grandchild.pid").write_text(str(child.pid))
    print("indexing the sample corpus", flush=True)
    time.sleep(600)
accepted = len(Path("evals/my-golden.jsonl").read_text().splitlines())
readme = Path("README.md").read_text()
head, rest = readme.split("<!-- my-eval-results:start -->")
table = f"| corpus | questions | hit@3 |\\n| --- | --- | --- |\\n| your documents ({accepted} questions, accepted by you) | {accepted} | 1.000 |"
Path("README.md").write_text(head + "<!-- my-eval-results:start -->\\n" + table + "\\n<!-- my-eval-results:end -->" + rest.split("<!-- my-eval-results:end -->")[1])
print("updated the table of your documents in README.md", flush=True)
"""


def with_stand_in_project(project: Path) -> None:
    (project / "src" / "docs_qa").mkdir(parents=True)
    (project / "src" / "docs_qa" / "__main__.py").write_text(STAND_IN, encoding="utf-8")
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / ".venv" / "bin" / "python").symlink_to(sys.executable)


@pytest.mark.skipif(sys.platform == "win32", reason="the .venv layout and process groups are POSIX here")
def test_run_the_eval_saves_first_and_shows_the_figures_on_your_documents(
    qtbot: QtBot, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_stand_in_project(project)
    monkeypatch.setenv("PYTHONPATH", str(project / "src"))
    dialog = open_dialog(qtbot, project)
    select(dialog, "What is a lease?", "What is a swarm?")
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.eval_button, Qt.MouseButton.LeftButton)
    assert dialog.cancel_button.isVisible() and dialog.busy.isVisible() and not dialog.eval_button.isEnabled()
    wait_for_run(qtbot, dialog)
    assert len(golden_lines(project)) == 2  # saved before the eval ran on it
    assert "Measured on your documents: | your documents (2 questions, accepted by you) | 2 | 1.000 |" in (
        dialog.status.text()
    )
    assert not dialog.cancel_button.isVisible() and not dialog.busy.isVisible() and dialog.eval_button.isEnabled()


@pytest.mark.skipif(sys.platform == "win32", reason="the .venv layout and process groups are POSIX here")
def test_cancelling_the_eval_stops_the_projects_processes(
    qtbot: QtBot, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_stand_in_project(project)
    (project / "hang").write_text("", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(project / "src"))
    dialog = open_dialog(qtbot, project)
    qtbot.mouseClick(dialog.eval_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "indexing the sample corpus" in dialog.status.text(), timeout=30000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    wait_for_run(qtbot, dialog)
    assert "cancelled" in dialog.status.text()
    grandchild = int((project / "grandchild.pid").read_text())
    qtbot.waitUntil(lambda: not alive(grandchild), timeout=5000)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
