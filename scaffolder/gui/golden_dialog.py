"""Review the golden questions drafted from the user's documents: accept, reject, reword, add.

Everything goes through `GoldenReview` (the core validates); Save writes the review and the
accepted questions (`evals/my-golden.jsonl`, what the project's eval runs on) in one call.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scaffolder.core.corpus import SUPPORTED
from scaffolder.core.errors import UserError
from scaffolder.core.golden import (
    GOLDEN_FILE,
    REVIEW_FILE,
    GoldenQuestion,
    GoldenReview,
    origin_label,
    providers_with_keys,
)
from scaffolder.core.knowledge_base import corpus_folder, drafts_from_corpus
from scaffolder.core.rag_runs import EvalRun, IndexBuilt, build_index, run_your_eval
from scaffolder.gui import messages, theme, workers

COLUMNS = ("Question", "Expected source", "Drafted by", "Status")
QUESTION, SOURCE, ORIGIN, STATUS = range(len(COLUMNS))
MAX_LISTED_DOCUMENTS = 5000


def golden_summary(project: Path) -> str | None:
    """One line on the project's golden set for its page, or None when it has none."""
    if not (Path(project) / REVIEW_FILE).is_file():
        return None
    try:
        review = GoldenReview.load(project)
    except UserError as err:
        return err.message
    accepted = len(review.accepted)
    pending = sum(q.status == "pending" for q in review.questions)
    where = "private documents" if review.corpus.startswith("private:") else f"the documents in {review.corpus}"
    return f"Golden set from {where}: {len(review.questions)} questions, {accepted} accepted" + (
        f", {pending} still to review." if pending else "."
    )


def corpus_documents(project: Path, review: GoldenReview) -> list[str]:
    """The corpus's documents (relative paths, as the questions cite them), for choosing a source."""
    found = {source for question in review.questions for source in question.sources}
    folder = corpus_folder(project, review)
    if folder is not None and folder.is_dir():
        for parent, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                if Path(name).suffix.lower() in SUPPORTED and not name.startswith("."):
                    found.add((Path(parent) / name).relative_to(folder).as_posix())
            if len(found) > MAX_LISTED_DOCUMENTS:
                break
    return sorted(found)


class AddQuestionDialog(QDialog):
    """A question of the user's own and the document that answers it."""

    def __init__(self, review: GoldenReview, documents: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a golden question")
        self.review = review
        self.added: GoldenQuestion | None = None
        self.question = QLineEdit()
        self.question.setObjectName("new-question")
        self.question.setPlaceholderText("As a user would ask it")
        self.source = QComboBox()
        self.source.setObjectName("new-question-source")
        self.source.addItems(documents)
        self.problem = QLabel()
        self.problem.setObjectName("add-question-problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(theme.error_style())
        self.problem.hide()
        form = QFormLayout()
        form.addRow("&Question:", self.question)
        form.addRow("Answered &by:", self.source)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        try:
            self.added = self.review.add(self.question.text(), self.source.currentText())
        except UserError as err:  # stays open: nothing typed is lost
            self.problem.setText(f"{err.message} {err.hint}")  # the core words it for the app
            self.problem.show()
            return
        super().accept()


def index_documents(project: Path, progress: Callable[[str], None], cancel: threading.Event) -> IndexBuilt:
    """The project's own ingest over its documents, in its .venv (core: whole or not at all)."""
    review = GoldenReview.load(project)
    folder = corpus_folder(project, review)
    if folder is None or not folder.is_dir():
        raise UserError("The documents of this project are not on this machine.", "Nothing can be indexed here.")
    corpus = review.corpus if not review.corpus.startswith("private:") else str(folder)
    return build_index(project, corpus, on_line=progress, cancel=cancel)


def evaluate(project: Path, progress: Callable[[str], None], cancel: threading.Event) -> EvalRun:
    return run_your_eval(project, on_line=progress, cancel=cancel)


def draft_with_model(
    project: Path, review: GoldenReview, provider: str, cancel: threading.Event
) -> list[GoldenQuestion]:
    return drafts_from_corpus(project, review, provider, cancel)


class GoldenDialog(QDialog):
    rag_runs = True  # the RAG project's own runs: draft with a model, build the index, run the eval

    def __init__(self, project: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Golden questions")
        self.setObjectName("golden-dialog")
        self.project = Path(project)
        self.review: GoldenReview | None = None
        self.add_dialog: AddQuestionDialog | None = None
        self.unsaved = False
        self._filling = False
        self.intro = QLabel(
            "Questions drafted from your documents, each with the file that answers it. The project's eval runs"
            f" on the ones you accept ({GOLDEN_FILE}). Double-click a question to reword it."
        )
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("golden-table")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QUESTION, QHeaderView.ResizeMode.Stretch)
        for column in (SOURCE, ORIGIN, STATUS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._on_item_changed)
        self.accept_button = QPushButton("&Accept")
        self.reject_button = QPushButton("&Reject")
        self.edit_button = QPushButton("&Edit")
        self.add_button = QPushButton("A&dd…")
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("save-golden")
        self.close_button = QPushButton("&Close")
        self.accept_button.clicked.connect(lambda: self.set_status("accepted"))
        self.reject_button.clicked.connect(lambda: self.set_status("rejected"))
        self.edit_button.clicked.connect(self.edit_current)
        self.add_button.clicked.connect(self.add_question)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        self.worker: workers.FunctionWorker | None = None
        self.providers = providers_with_keys()
        self.draft_button = QPushButton("Draft with a &model")
        self.draft_button.setObjectName("draft-with-model")
        self.draft_button.setEnabled(bool(self.providers))
        self.draft_button.setToolTip(
            f"Ask {self.providers[0]} for more questions from your documents (they arrive pending)"
            if self.providers
            else "Set a provider's key (OPENAI_API_KEY, ANTHROPIC_API_KEY or OLLAMA_HOST) to draft with a model"
        )
        self.draft_button.clicked.connect(self.draft_with_model)
        self.index_button = QPushButton("Build the &index")
        self.index_button.setObjectName("build-index")
        self.index_button.setToolTip("Run the project's own ingest over your documents, in its .venv")
        self.index_button.clicked.connect(lambda: self._run("index"))
        self.eval_button = QPushButton("Run the e&val")
        self.eval_button.setObjectName("run-eval")
        self.eval_button.setToolTip(
            "Save, then run the project's eval on the questions you accepted: its figures go into the README"
        )
        self.eval_button.clicked.connect(lambda: self._run("eval"))
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancel-golden-run")
        self.cancel_button.clicked.connect(self.cancel_run)
        self.cancel_button.hide()
        self.busy = QProgressBar()  # a run's length is not known ahead (pip, ingest, eval): a busy bar
        self.busy.setObjectName("golden-run-progress")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        runs = QHBoxLayout()
        for button in (self.draft_button, self.index_button, self.eval_button, self.cancel_button):
            button.setAutoDefault(False)  # Enter in the table must not start a model or an eval
            runs.addWidget(button)
        for button in (self.draft_button, self.index_button, self.eval_button):
            button.setVisible(self.rag_runs)
        runs.addWidget(self.busy)
        runs.addStretch(1)
        buttons = QHBoxLayout()
        for button in (self.accept_button, self.reject_button, self.edit_button, self.add_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        self.status = QLabel()
        self.status.setObjectName("golden-status")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(runs)
        layout.addLayout(buttons)
        self.resize(860, 520)
        self.load()

    def _load_review(self) -> GoldenReview:
        return GoldenReview.load(self.project)

    def load(self) -> None:
        try:
            self.review = self._load_review()
        except UserError as err:
            self.review = None
            self._show_problem(err)
            for button in (
                self.accept_button,
                self.reject_button,
                self.edit_button,
                self.add_button,
                self.draft_button,
                self.index_button,
                self.eval_button,
            ):
                button.setEnabled(False)
            self.save_button.setEnabled(False)
            return
        self._fill()
        self._show_counts()

    def _fill(self) -> None:
        assert self.review is not None
        self._filling = True
        self.table.setRowCount(len(self.review.questions))
        for row, question in enumerate(self.review.questions):
            cells = (question.question, ", ".join(question.sources), origin_label(question.origin), question.status)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, question.id)
                if column == ORIGIN and question.evidence:
                    item.setToolTip(question.evidence)
                if column != QUESTION:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
        self._filling = False

    def _show_counts(self) -> None:
        assert self.review is not None
        counts = {s: sum(q.status == s for q in self.review.questions) for s in ("accepted", "pending", "rejected")}
        unsaved = " Not saved yet." if self.unsaved else ""
        self.status.setStyleSheet("")
        self.status.setText(
            f"{counts['accepted']} accepted, {counts['pending']} pending, {counts['rejected']} rejected.{unsaved}"
        )

    def _show_problem(self, err: UserError) -> None:
        self.status.setStyleSheet(theme.error_style())
        self.status.setText(f"{err.message} {err.hint}".strip())

    def selected_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self._question_id(row) for row in rows]

    def _question_id(self, row: int) -> str:
        item = self.table.item(row, QUESTION)  # every filled row has its question cell
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def set_status(self, status: str) -> None:
        ids = self.selected_ids()
        if self.review is None or not ids:
            return
        self.review.set_status(ids, status)
        self._changed()

    def edit_current(self) -> None:
        row = self.table.currentRow()
        item = self.table.item(row, QUESTION) if row >= 0 else None
        if item is not None:
            self.table.editItem(item)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or self.review is None or item.column() != QUESTION:
            return
        try:
            self.review.edit(str(item.data(Qt.ItemDataRole.UserRole)), item.text())
        except UserError as err:
            self._fill()  # back to the wording it had
            self._show_problem(err)
            return
        self._changed()

    def add_question(self) -> None:
        if self.review is None:
            return
        dialog = AddQuestionDialog(self.review, corpus_documents(self.project, self.review), self)
        dialog.accepted.connect(self._changed)
        self.add_dialog = dialog
        dialog.open()

    def _changed(self) -> None:
        self.unsaved = True
        ids = self.selected_ids()
        self._fill()
        self._reselect(ids)
        self._show_counts()

    def _reselect(self, ids: list[str]) -> None:
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in range(self.table.rowCount()):
            if self._question_id(row) in ids:
                selection.select(self.table.model().index(row, QUESTION), flags)

    def save(self) -> bool:
        if self.review is None:
            return False
        try:
            self.review.save()
        except OSError as err:
            self._show_problem(UserError(f"The review could not be saved: {err}.", "Check the project folder."))
            return False
        self.unsaved = False
        self._show_counts()
        self.status.setText(f"{self.status.text()} Saved to {GOLDEN_FILE}.")
        return True

    # --- long work on a worker: drafting with a model, the index, the eval ---------------------------

    def draft_with_model(self) -> None:
        if self.review is None or not self.providers or self.worker is not None:
            return
        worker = workers.FunctionWorker(draft_with_model, self.project, self.review, self.providers[0])
        self._start(worker, f"Asking {self.providers[0]} for questions from your documents…")
        worker.signals.finished.connect(self._on_drafted)

    def _on_drafted(self, drafts: list[GoldenQuestion]) -> None:
        assert self.review is not None
        added = self.review.add_drafts(drafts)
        self._changed()
        models = sorted({d.origin.removeprefix("model:") for d in drafts if d.origin.startswith("model:")})
        by = f" by {', '.join(models)}" if models else " (the model had none: offline drafts)"
        self.status.setText(f"{self.status.text()} {added} new questions drafted{by}, pending your review.")

    def _run(self, what: str) -> None:
        if self.review is None or self.worker is not None:
            return
        if what == "eval" and self.unsaved and not self.save():
            return  # the eval runs on the saved set: a failed save is said, nothing runs
        fn = evaluate if what == "eval" else index_documents
        worker = workers.FunctionWorker(fn, self.project)
        intro = "Running the project's eval on the questions you accepted" if what == "eval" else "Building the index"
        self._start(worker, f"{intro} (the project's .venv is made first if it has none)…")
        worker.signals.finished.connect(self._on_evaluated if what == "eval" else self._on_indexed)

    def _start(self, worker: workers.FunctionWorker, text: str) -> None:
        self.worker = worker
        worker.signals.progress.connect(self._on_progress)
        worker.signals.failed.connect(self._on_run_failed)
        worker.signals.done.connect(self._on_run_done)
        for button in (self.draft_button, self.index_button, self.eval_button):
            button.setEnabled(False)
        self.cancel_button.show()
        self.busy.show()
        self.status.setStyleSheet("")
        self.status.setText(text)
        workers.start(worker)

    def cancel_run(self) -> None:
        if self.worker is not None:
            self.worker.cancel()  # the core stops the project's process group
            self.status.setText("Cancelling…")

    def _on_progress(self, line: object) -> None:
        self.status.setText(str(line)[:200])

    def _on_indexed(self, built: IndexBuilt) -> None:
        self.status.setText(f"Indexed {built.documents} documents ({built.chunks} chunks) into {built.path.name}.")

    def _on_evaluated(self, run: EvalRun) -> None:
        rows = [line for line in run.table.splitlines() if line.startswith("| your documents")]
        figures = rows[0] if rows else run.table.splitlines()[-1]
        self.status.setText(f"Measured on your documents: {figures} Written into README.md and evals/results.md.")

    def _on_run_failed(self, err: BaseException, details: str) -> None:
        message, hint = messages.error_text(err)
        self.status.setStyleSheet(theme.error_style())
        self.status.setText(f"{message} {hint}".strip())
        if details and not isinstance(err, UserError):
            messages.log.error("a golden-set run failed unexpectedly\n%s", details)

    def _on_run_done(self) -> None:
        self.worker = None
        self.cancel_button.hide()
        self.busy.hide()
        self.draft_button.setEnabled(bool(self.providers) and self.review is not None)
        self.index_button.setEnabled(self.review is not None)
        self.eval_button.setEnabled(self.review is not None)

    def reject(self) -> None:
        """Close; unsaved changes are saved or dropped only when the user says so."""
        asked = "Save your changes to the golden questions? Cancel closes without saving them."
        if self.unsaved and messages.ask_confirm(self, "Golden questions", asked, "Save") and not self.save():
            return  # the save failed: stay open, the sentence says why
        self.cancel_run()  # closing stops a run (and the project's processes); its partial index is not kept
        super().reject()
