"""A user makes the RAG project theirs in the wizard: picks a folder of their own documents, sees what
was found before generating, and gets a project whose knowledge base is their corpus."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from scaffolder.gui import messages, workers
from scaffolder.gui.golden_dialog import GoldenDialog
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.wizard import NewProjectWizard
from scaffolder.gui.wizard.documents_choice import DocumentsMode
from scaffolder.gui.wizard.generate_page import GeneratePage
from tests.helpers.documents import two_topic_corpus

CORPUS_FILES = {"tenancy/lease.md", "tenancy/notice.pdf", "bees/hives.rst", "bees/swarming.md"}


@pytest.fixture
def chosen_folders(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folder chooser answers with the first folder on this list; what it was asked is kept."""
    answers: list[Path] = []

    def ask(_parent: object, title: str, start: Path | None = None) -> Path | None:
        return answers.pop(0) if answers else None

    monkeypatch.setattr(messages, "ask_directory", ask)
    return answers


def git_files(project: Path) -> set[str]:
    listed = subprocess.run(["git", "-C", str(project), "ls-files"], capture_output=True, text=True, check=True)
    return set(listed.stdout.splitlines())


def wizard_at_review(qtbot: QtBot, window: MainWindow, name: str, kind: str = "rag") -> NewProjectWizard:
    """The wizard on its review page, for a project named `name` (typed as a user types it)."""
    wizard = window.new_project(kind)
    qtbot.waitExposed(wizard)
    wizard.next()
    name_field = wizard.questions_page.editors["project_name"].widget
    name_field.setFocus()
    name_field.selectAll()
    qtbot.keyClicks(name_field, name)
    wizard.next()
    assert wizard.currentPage() is wizard.location_page
    return wizard


def pick(qtbot: QtBot, wizard: NewProjectWizard, mode: DocumentsMode) -> None:
    """Click the choice's radio; the folder chooser opens and the scan runs on a worker."""
    documents = wizard.location_page.documents
    radio = documents.radios[mode]
    with qtbot.waitSignal(documents.scanned, timeout=20000):
        qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
        assert documents.scanning  # on a worker: the UI is still turning
        assert not generate_button(wizard).isEnabled()
        assert "Reading your documents" in wizard.location_page.problem.text()


def generate_button(wizard: NewProjectWizard):
    return wizard.button(QWizard.WizardButton.NextButton)


def test_a_user_brings_their_documents_and_the_project_commits_them_in_data_mine(
    qtbot: QtBot, window: MainWindow, projects_dir: Path, tmp_path: Path, chosen_folders: list[Path]
) -> None:
    corpus = two_topic_corpus(tmp_path / "my documents")
    chosen_folders.append(corpus)
    wizard = wizard_at_review(qtbot, window, "Tenancy and Bees")
    assert wizard.location_page.documents.isVisible()
    assert wizard.location_page.documents.radios[DocumentsMode.SAMPLE].isChecked()  # the sample unless told

    pick(qtbot, wizard, DocumentsMode.COPIED)
    review = wizard.location_page.summary.toPlainText()
    assert "4 documents" in review and "1 PDF pages" in review
    for kind in ("markdown", "pdf", "rst"):
        assert kind in review
    assert "bees/photo.jpg: .jpg is not a supported format" in review
    assert "empty.md: empty" in review
    assert "copied into data/mine/" in review
    assert "4 documents" in wizard.location_page.documents.status.text()
    assert generate_button(wizard).isEnabled()

    with qtbot.waitSignal(wizard.project_created, timeout=90000) as created:
        qtbot.mouseClick(generate_button(wizard), Qt.MouseButton.LeftButton)
    project = created.args[0].project.path
    assert project == projects_dir / "tenancy-and-bees"
    tracked = git_files(project)
    assert {f"data/mine/{name}" for name in CORPUS_FILES} <= tracked
    assert "data/mine/bees/photo.jpg" not in tracked
    assert {"evals/my-golden.review.json", "evals/my-golden.jsonl", ".scaffolder/corpus.json"} <= tracked
    status = subprocess.run(["git", "-C", str(project), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == ""
    drafted = json.loads((project / "evals/my-golden.review.json").read_text(encoding="utf-8"))["questions"]
    assert drafted and {q["sources"][0] for q in drafted} <= CORPUS_FILES
    readme = (project / "README.md").read_text(encoding="utf-8")  # the pitch is about the user's corpus
    assert "It answers questions about **Residential leases and Hives** (Residential leases, Hives" in readme

    page = wizard.generate_page
    assert page.success.isVisible()
    done = page.documents_message.text()
    assert f"Your 4 documents were copied into data/mine/ and committed; {len(drafted)} golden questions" in done
    assert page.review_golden.isVisible()
    assert any("--ingest data/mine" in command for command in (line.text() for line in page.commands.lines)), (
        "serves the user's corpus"
    )
    qtbot.mouseClick(page.review_golden, Qt.MouseButton.LeftButton)
    dialog = page.golden_dialog
    assert isinstance(dialog, GoldenDialog)
    qtbot.waitExposed(dialog)
    assert dialog.table.rowCount() == len(drafted)
    assert dialog.table.item(0, 0).text() == drafted[0]["question"]
    dialog.close()


def test_private_documents_are_referenced_and_never_reach_git(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, chosen_folders: list[Path]
) -> None:
    corpus = two_topic_corpus(tmp_path / "confidential")
    chosen_folders.append(corpus)
    wizard = wizard_at_review(qtbot, window, "Private Knowledge")
    pick(qtbot, wizard, DocumentsMode.PRIVATE)
    assert "kept out of git" in wizard.location_page.summary.toPlainText()

    with qtbot.waitSignal(wizard.project_created, timeout=90000) as created:
        qtbot.mouseClick(generate_button(wizard), Qt.MouseButton.LeftButton)
    project = created.args[0].project.path
    tracked = git_files(project)
    assert not any(path.startswith("data/mine") for path in tracked)
    assert not any(Path(path).name in {"lease.md", "notice.pdf", "hives.rst", "swarming.md"} for path in tracked)
    assert ".scaffolder/corpus.local.json" not in tracked
    local = json.loads((project / ".scaffolder/corpus.local.json").read_text(encoding="utf-8"))
    assert local == {"path": str(corpus.resolve())}
    ignored = subprocess.run(
        ["git", "-C", str(project), "check-ignore", ".scaffolder/corpus.local.json"], capture_output=True
    )
    assert ignored.returncode == 0
    committed = subprocess.run(
        ["git", "-C", str(project), "grep", "-I", "-l", str(corpus), "HEAD"], capture_output=True, text=True
    )
    assert committed.stdout == ""  # the private folder's path is in no committed file
    assert "They stay private" in (project / "README.md").read_text(encoding="utf-8")
    assert "referenced privately (not in git)" in wizard.generate_page.documents_message.text()


def test_a_folder_with_nothing_readable_blocks_generate_with_the_reason(
    qtbot: QtBot, window: MainWindow, projects_dir: Path, tmp_path: Path, chosen_folders: list[Path]
) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "receipt.jpg").write_bytes(b"\xff\xd8\xff" + bytes(32))
    (folder / "notes.md").write_text("   \n", encoding="utf-8")
    chosen_folders.append(folder)
    wizard = wizard_at_review(qtbot, window, "Nothing Here")
    pick(qtbot, wizard, DocumentsMode.COPIED)

    assert not generate_button(wizard).isEnabled()
    problem = wizard.location_page.problem.text()
    assert f"No document in {folder.resolve()} can be read (2 skipped)." in problem
    assert "Use Markdown, HTML, text, reStructuredText or PDF files." in problem
    assert problem in wizard.location_page.documents.status.text()
    assert not (projects_dir / "nothing-here").exists()

    radio = wizard.location_page.documents.radios[DocumentsMode.SAMPLE]
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    assert generate_button(wizard).isEnabled()  # back to the sample: nothing blocks
    assert wizard.location_page.problem.text() == ""


def test_cancelling_the_folder_chooser_leaves_generate_blocked_until_a_folder_is_chosen(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, chosen_folders: list[Path]
) -> None:
    wizard = wizard_at_review(qtbot, window, "Undecided")
    documents = wizard.location_page.documents
    radio = documents.radios[DocumentsMode.COPIED]
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))  # chooser cancelled
    assert not documents.scanning
    assert not generate_button(wizard).isEnabled()
    assert wizard.location_page.problem.text() == "Choose the folder that holds your documents."

    chosen_folders.append(two_topic_corpus(tmp_path / "docs"))
    with qtbot.waitSignal(documents.scanned, timeout=20000):
        qtbot.mouseClick(documents.choose, Qt.MouseButton.LeftButton)
    assert generate_button(wizard).isEnabled()


def test_closing_the_wizard_while_the_documents_are_added_waits_for_a_complete_project(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, chosen_folders: list[Path]
) -> None:
    chosen_folders.append(two_topic_corpus(tmp_path / "docs"))
    wizard = wizard_at_review(qtbot, window, "Closed Early")
    pick(qtbot, wizard, DocumentsMode.COPIED)
    page = wizard.generate_page
    generated: list[object] = []
    said: list[str] = []

    def close_as_soon_as_generated() -> None:
        generated.append(page.result)
        said.append(f"Finish enabled: {wizard.button(QWizard.WizardButton.FinishButton).isEnabled()}")
        wizard.reject()  # the user closes the window: the documents' worker is queued, not yet run
        said.append(page.status.text())

    with qtbot.waitSignal(wizard.finished, timeout=90000):
        qtbot.mouseClick(generate_button(wizard), Qt.MouseButton.LeftButton)
        assert page.worker is not None
        page.worker.signals.done.connect(close_as_soon_as_generated)
    assert generated and generated[0] is not None
    assert said == [
        "Finish enabled: False",
        "Closing once your documents are added (the project is already committed)…",
    ]
    project = generated[0].project.path  # type: ignore[attr-defined]
    assert "data/mine/tenancy/lease.md" in git_files(project)
    status = subprocess.run(["git", "-C", str(project), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == ""


def test_a_document_gone_since_the_scan_is_explained_and_the_project_is_kept(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, chosen_folders: list[Path]
) -> None:
    corpus = two_topic_corpus(tmp_path / "docs")
    chosen_folders.append(corpus)
    wizard = wizard_at_review(qtbot, window, "Moving Target")
    pick(qtbot, wizard, DocumentsMode.COPIED)
    (corpus / "tenancy" / "lease.md").unlink()  # the user tidies the folder before clicking Generate

    with qtbot.waitSignal(wizard.project_created, timeout=90000) as created:
        qtbot.mouseClick(generate_button(wizard), Qt.MouseButton.LeftButton)
    page = wizard.generate_page
    message = page.documents_message.text()
    assert message.startswith("The project was created, but your documents were not added: Your documents could not")
    assert "lease.md" in message and "The project itself is committed without them." in message
    assert "bug" not in message
    assert not page.review_golden.isVisible()
    project = created.args[0].project.path
    assert "README.md" in git_files(project)
    status = subprocess.run(["git", "-C", str(project), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == ""  # no half-copied data/mine left behind


def test_choosing_another_folder_while_one_is_read_shows_only_the_newer_folder(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, chosen_folders: list[Path]
) -> None:
    first = two_topic_corpus(tmp_path / "first")
    second = tmp_path / "second"
    second.mkdir()
    (second / "guide.md").write_text("# Guide\n\nA widget is a small part of a window.\n", encoding="utf-8")
    chosen_folders.extend([first, second])
    wizard = wizard_at_review(qtbot, window, "Second Thoughts")
    documents = wizard.location_page.documents
    documents.choose_folder()
    with qtbot.waitSignal(documents.scanned, timeout=20000):
        documents.choose_folder()  # before the first scan is back
    assert documents.report is not None and documents.report.root == second.resolve()
    assert "1 document (1 markdown)" in documents.status.text()
    assert workers.wait_for_all()
    assert documents.report.root == second.resolve()  # the first scan, finishing later, changed nothing


def test_with_a_provider_set_up_the_choice_says_where_a_model_can_draft(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, chosen_folders: list[Path]
) -> None:
    from scaffolder.gui.wizard.documents_choice import DocumentsChoice

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-not-real")
    chosen_folders.append(two_topic_corpus(tmp_path / "my documents"))
    choice = DocumentsChoice()
    qtbot.addWidget(choice)
    choice.show()
    assert not choice.model_note.isVisible()  # the sample: nothing is drafted
    with qtbot.waitSignal(choice.scanned, timeout=20000):
        choice.radios[DocumentsMode.COPIED].setChecked(True)
    assert choice.model_note.isVisible()
    assert "anthropic is set up, so a model can draft more in Review golden questions…" in choice.model_note.text()


def generated_with_copied_documents(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, chosen_folders: list[Path]
) -> tuple[GeneratePage, Path]:
    """Tenancy and Bees generated in the wizard with two topics' documents copied in: its Done page."""
    chosen_folders.append(two_topic_corpus(tmp_path / "my documents"))
    wizard = wizard_at_review(qtbot, window, "Tenancy and Bees")
    pick(qtbot, wizard, DocumentsMode.COPIED)
    with qtbot.waitSignal(wizard.project_created, timeout=90000) as created:
        qtbot.mouseClick(generate_button(wizard), Qt.MouseButton.LeftButton)
    return wizard.generate_page, created.args[0].project.path


@pytest.mark.slow  # the project's own environment is made (pip install -e .) before its ingest runs
def test_the_done_page_builds_the_index_and_the_project_answers_from_the_users_documents(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, chosen_folders: list[Path]
) -> None:
    page, project = generated_with_copied_documents(qtbot, window, tmp_path, chosen_folders)
    assert page.index_build.isVisible() and "Building the index" in page.index_build.status.text()

    with qtbot.waitSignal(page.index_build.ended, timeout=900000):
        pass
    assert page.index_build.outcome is not None, page.index_build.status.text()
    assert "Indexed 4 documents" in page.index_build.status.text()
    assert (project / "data/index.sqlite3").is_file() and not list((project / "data").glob(".index.sqlite3.partial*"))
    status = subprocess.run(["git", "-C", str(project), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == ""  # the index (and the environment) are the machine's, not the repository's
    python = project / ".venv" / "bin" / "python"
    listed = subprocess.run(
        [str(python), "-m", "tenancy_and_bees", "documents", "--json"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert listed.returncode == 0, listed.stderr
    assert {d["source"].removeprefix("data/mine/") for d in json.loads(listed.stdout)} == CORPUS_FILES


def test_stop_on_the_done_page_stops_the_index_build_and_leaves_nothing_half_built(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, chosen_folders: list[Path]
) -> None:
    page, project = generated_with_copied_documents(qtbot, window, tmp_path, chosen_folders)
    assert page.index_build.stop_button.isVisible()
    with qtbot.waitSignal(page.index_build.ended, timeout=60000):
        qtbot.mouseClick(page.index_build.stop_button, Qt.MouseButton.LeftButton)
    assert "not built (stopped)" in page.index_build.status.text() and page.index_build.outcome is None
    assert not (project / "data/index.sqlite3").exists() and not list((project / "data").glob(".index.sqlite3*"))
    assert not (project / ".venv").exists()  # a half-made environment is not kept either
    assert not page.index_build.stop_button.isVisible()


def test_quitting_the_app_during_the_index_build_stops_it_and_its_processes(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, chosen_folders: list[Path]
) -> None:
    page, project = generated_with_copied_documents(qtbot, window, tmp_path, chosen_folders)
    assert page.index_build.worker is not None
    with qtbot.waitSignal(page.index_build.ended, timeout=60000):
        window.close()
    assert "not built (stopped)" in page.index_build.status.text()
    assert not (project / ".venv").exists() and not list((project / "data").glob(".index.sqlite3*"))
