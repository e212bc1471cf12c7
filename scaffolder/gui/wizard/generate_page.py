"""Wizard page 4: generate on a worker thread, show progress, then success or the error.

Everything it generates comes from the draft. What the user brought (the rag template's documents,
the agent's data and API) goes in after the template's own commit, in a commit of its own, on a
worker too."""

from __future__ import annotations

import html
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from scaffolder.core.agent_data import DataReport
from scaffolder.core.agent_project import DATABASE_FILE, AgentData, add_agent_data
from scaffolder.core.corpus import CorpusReport
from scaffolder.core.corpus_answers import with_corpus_answers
from scaffolder.core.errors import UserError
from scaffolder.core.generate import GenerationResult, Progress, generate
from scaffolder.core.knowledge_base import KnowledgeBase, add_knowledge_base
from scaffolder.core.openapi_tools import OpenApiReport
from scaffolder.core.settings import Settings
from scaffolder.core.store import Store
from scaffolder.gui import theme, workers
from scaffolder.gui.messages import error_text, log
from scaffolder.gui.models.portfolio_model import count_text
from scaffolder.gui.wizard.draft import WizardDraft
from scaffolder.gui.wizard.index_build import IndexBuildLine
from scaffolder.gui.wizard.next_steps import CommandList, project_commands

SAMPLE_CORPUS = "data/sample"  # where the rag template's README ingests from

if TYPE_CHECKING:
    from scaffolder.gui.wizard import NewProjectWizard


def without_tracebacks(text: str) -> str:
    """The text with Python tracebacks cut out (a template's output may carry cookiecutter's own):
    the "Traceback" line, its indented frames and the exception line that ends it."""
    kept: list[str] = []
    in_traceback = False
    for line in text.splitlines():
        if line.startswith("Traceback (most recent call last):"):
            in_traceback = True
            continue
        if in_traceback:
            if line.startswith((" ", "\t")) or not line.strip():
                continue
            in_traceback = False
            continue  # the exception's own line: its sentence is already the message
        kept.append(line)
    return "\n".join(kept)


def add_documents(project: Path, report: CorpusReport, *, private: bool, slug: str) -> KnowledgeBase:
    """`add_knowledge_base`: all of it or none of it, a vanished document said as a sentence (core)."""
    return add_knowledge_base(project, report, private=private, slug=slug)


def agent_data_sentence(added: AgentData) -> str:
    """What the Done page says once the agent's data and API are in."""
    parts = [f"your data ({count_text(added.tables, 'table')}, in {DATABASE_FILE})"] if added.tables else []
    if added.http_tools:
        parts.append(f"{count_text(added.http_tools, 'HTTP tool')} from your OpenAPI document")
    brought = " and ".join(parts) or "your OpenAPI document's address (recorded for later)"
    sentence = (
        f"Added in a commit of its own: {brought}. {count_text(added.drafted_tasks, 'eval task')} drafted from"
        " it for you to review; the project's eval runs on the ones you accept."
    )
    if added.tables:
        sentence += " Push the repository only if you may publish the database."
    return sentence


class GeneratePage(QWizardPage):
    show_in_portfolio = Signal(int)
    generation_finished = Signal(object)  # GenerationResult
    generation_failed = Signal(object)  # the exception

    def __init__(self, draft: WizardDraft, store: Store, settings: Settings) -> None:
        """`store`: the portfolio the project joins; `settings`: the identity git falls back to."""
        super().__init__()
        self.setTitle("Generating")
        self.draft = draft
        self.store = store
        self.settings = settings
        self.worker: workers.FunctionWorker | None = None
        self.result: GenerationResult | None = None
        self.documents: tuple[CorpusReport, bool] | None = None  # (the corpus, private?) to add after generating
        self.agent_data: tuple[DataReport | None, OpenApiReport | None] | None = None  # (data, API) to add
        self.knowledge_base: KnowledgeBase | None = None
        self.added_data: AgentData | None = None
        self._documents_next = False  # generated; what the user brought goes in when its worker is done
        self.progress = QProgressBar()
        self.progress.setObjectName("generation-progress")
        self.progress.setRange(0, 1000)
        self.status = QLabel()
        self.status.setObjectName("generation-status")
        self.status.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("generation-error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(theme.error_style())
        self.back_to_answers = QPushButton("&Back to the answers")
        self.back_to_answers.setIcon(theme.standard_icon(QStyle.StandardPixmap.SP_ArrowBack))
        self.back_to_answers.clicked.connect(self._go_back)

        self.success = QWidget()
        self.success_actions = QHBoxLayout()
        self.show_button = QPushButton("&Readiness page")
        self.show_button.setToolTip(
            "Close the wizard and open the project's page: what it still needs before it is shown"
        )
        self.show_button.clicked.connect(self._show_in_portfolio)
        self.success_actions.addWidget(self.show_button)
        self.success_actions.addStretch(1)
        self.success_message = QLabel()
        self.success_message.setObjectName("generation-success")
        self.success_message.setWordWrap(True)
        self.documents_message = QLabel()
        self.documents_message.setObjectName("documents-added")
        self.documents_message.setWordWrap(True)
        self.review_golden = QPushButton("Review &golden questions…")
        self.review_golden.setObjectName("review-golden")
        self.review_golden.setToolTip("Accept, edit or reject the questions drafted from your documents")
        self.review_golden.clicked.connect(self.open_golden_review)
        self.golden_dialog: QDialog | None = None
        self.review_tasks = QPushButton("Review eval &tasks…")
        self.review_tasks.setObjectName("review-tasks")
        self.review_tasks.setToolTip("Accept, edit or reject the eval tasks drafted from your data and API")
        self.review_tasks.clicked.connect(self.open_task_review)
        self.task_dialog: QDialog | None = None
        documents_row = QHBoxLayout()
        documents_row.addWidget(self.documents_message, 1)
        documents_row.addWidget(self.review_golden)
        documents_row.addWidget(self.review_tasks)
        self.commands_intro = QLabel("In a terminal in the project folder, install and run it, then run its tests:")
        self.commands_intro.setWordWrap(True)
        self.commands = CommandList()
        self.commands.setObjectName("project-commands")
        success_layout = QVBoxLayout(self.success)
        success_layout.setContentsMargins(0, 0, 0, 0)
        success_layout.addWidget(self.success_message)
        success_layout.addLayout(documents_row)
        self.index_build = IndexBuildLine()  # a RAG project with the user's documents: its index, built next
        success_layout.addWidget(self.index_build)
        success_layout.addWidget(QLabel("<b>What to do next</b>"))
        success_layout.addLayout(self.success_actions)
        success_layout.addWidget(self.commands_intro)
        success_layout.addWidget(self.commands)

        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.back_to_answers)
        layout.addWidget(self.success)
        layout.addStretch(1)

    def wizard(self) -> NewProjectWizard:
        return cast("NewProjectWizard", super().wizard())

    @property
    def running(self) -> bool:
        return self.worker is not None

    def initializePage(self) -> None:
        draft = self.draft
        template = draft.template
        assert template is not None
        self.result = None
        self.knowledge_base = None
        self.added_data = None
        self._documents_next = False
        self.documents_message.setText("")
        self.documents_message.setStyleSheet("")
        self.index_build.hide()
        self.documents = draft.documents_to_add()
        self.agent_data = draft.agent_data_to_add()
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText(f"Rendering {template.title}…")
        self.error.hide()
        self.back_to_answers.hide()
        self.success.hide()
        self.setTitle("Generating")
        answers = draft.full_answers
        if self.documents is not None:  # the README's pitch, sample questions and web UI placeholder: about the corpus
            answers = with_corpus_answers(answers, self.documents[0], {q.name for q in template.asked_questions})
        worker = workers.FunctionWorker(
            generate,
            template,
            answers,
            draft.output_dir,
            store=self.store,
            accept_hooks=draft.accept_hooks,
            fallback_identity=self.settings.identity,
            isolate=True,  # render in a child process: the UI thread never competes for the GIL
        )
        worker.signals.progress.connect(self._on_progress)
        worker.signals.finished.connect(self._on_finished)
        worker.signals.failed.connect(self._on_failed)
        worker.signals.done.connect(self._on_done)
        self.worker = worker
        workers.start(worker)
        self._set_cancel(enabled=True, text="Cancel")
        self.completeChanged.emit()

    def _set_cancel(self, *, enabled: bool, text: str) -> None:
        button = self.wizard().button(QWizard.WizardButton.CancelButton)
        if button is not None:
            button.setEnabled(enabled)
            button.setText(text)

    def cancel(self) -> None:
        if self.worker is not None and self.result is not None:
            # The project is committed; its documents' (or data's) copy and commit are short: they finish first.
            what = "your data is" if self.agent_data is not None else "your documents are"
            self.status.setText(f"Closing once {what} added (the project is already committed)…")
        elif self.worker is not None:
            self.status.setText("Cancelling… (nothing will be left on disk)")
            self.worker.cancel()

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        self.progress.setValue(int(progress.fraction * 1000))
        self.status.setText(progress.message)

    @Slot(object)
    def _on_finished(self, result: GenerationResult) -> None:
        self.result = result
        if self.documents is not None or self.agent_data is not None:
            self.status.setText(
                "Adding your data and drafting eval tasks…"
                if self.agent_data is not None
                else "Adding your documents and drafting golden questions…"
            )
            self._documents_next = True
            return  # the success is shown once they are in (see _on_documents_added, _on_agent_data_added)
        self._show_success(result)

    def _show_success(self, result: GenerationResult, documents_problem: str = "") -> None:
        self.progress.setValue(1000)
        self.setTitle("Your project is ready")
        self.status.setText("")
        self.success_message.setText(
            f"<b>{html.escape(result.project.name)}</b> was created at {html.escape(str(result.project.path))}"
            f" and committed on <i>{html.escape(result.branch)}</i> ({result.commit[:10]})."
            + (
                f" The template's hook made the repository itself ({result.commit_count} commits)."
                if result.template_made_repository
                else ""
            )
        )
        kb = self.knowledge_base
        self.review_golden.setVisible(kb is not None)
        self.review_tasks.setVisible(self.added_data is not None)
        self.documents_message.setVisible(kb is not None or self.documents is not None or self.agent_data is not None)
        self.documents_message.setStyleSheet(theme.error_style() if documents_problem else "")
        if documents_problem:
            what = "data was" if self.agent_data is not None else "documents were"
            self.documents_message.setText(f"The project was created, but your {what} not added: {documents_problem}")
        elif self.added_data is not None:
            self.documents_message.setText(agent_data_sentence(self.added_data))
        elif kb is not None:
            where = "referenced privately (not in git)" if kb.private else "copied into data/mine/ and committed"
            self.documents_message.setText(
                f"Your {kb.documents} documents were {where}; {kb.drafted_questions} golden questions were"
                " drafted from them for you to review. The project's eval runs on the ones you accept."
            )
        commands = project_commands(result.project.path)
        if kb is not None:  # serve the user's corpus, not the sample the README starts with
            corpus = shlex.quote(kb.corpus_path)
            commands = [command.replace(f"--ingest {SAMPLE_CORPUS}", f"--ingest {corpus}") for command in commands]
        self.commands.set_commands(commands)
        self.commands_intro.setVisible(bool(commands))
        self.success.show()
        self._set_cancel(enabled=False, text="Cancel")  # nothing left to cancel, from the first paint
        self.generation_finished.emit(result)

    def _add_documents(self, result: GenerationResult) -> None:
        """The project is committed: bring the documents (or the agent's data and API) in, in a commit
        of their own, on a worker."""
        slug = str(result.project.answers.get("project_slug") or result.project.path.name)
        if self.agent_data is not None:
            data, openapi = self.agent_data
            worker = workers.FunctionWorker(add_agent_data, result.project.path, data, openapi, slug=slug)
            worker.signals.finished.connect(self._on_agent_data_added)
        else:
            assert self.documents is not None
            report, private = self.documents
            worker = workers.FunctionWorker(add_documents, result.project.path, report, private=private, slug=slug)
            worker.signals.finished.connect(self._on_documents_added)
        worker.signals.failed.connect(self._on_documents_failed)
        worker.signals.done.connect(self._on_done)
        self.worker = worker
        workers.start(worker)
        self._set_cancel(enabled=False, text="Cancel")  # a short copy and one commit: let it finish

    @Slot(object)
    def _on_documents_added(self, kb: KnowledgeBase) -> None:
        self.knowledge_base = kb
        assert self.result is not None
        self._show_success(self.result)
        self.index_build.start(self.result.project.path, kb.corpus_path)  # the project answers about them

    @Slot(object)
    def _on_agent_data_added(self, added: AgentData) -> None:
        self.added_data = added
        assert self.result is not None
        self._show_success(self.result)

    @Slot(object, str)
    def _on_documents_failed(self, err: BaseException, details: str) -> None:
        assert self.result is not None
        message, hint = error_text(err)
        if details and not isinstance(err, UserError):
            what = "data" if self.agent_data is not None else "documents"
            log.error("adding the %s failed unexpectedly\n%s", what, details)
        self._show_success(self.result, f"{message} {hint}".strip())  # the project itself exists, committed

    def open_golden_review(self) -> None:
        from scaffolder.gui.golden_dialog import GoldenDialog

        if self.result is not None:
            dialog = GoldenDialog(self.result.project.path, self)
            self.golden_dialog = dialog
            dialog.open()

    def open_task_review(self) -> None:
        from scaffolder.gui.task_review_dialog import TaskReviewDialog

        if self.result is not None:
            dialog = TaskReviewDialog(self.result.project.path, self)
            self.task_dialog = dialog
            dialog.open()

    @Slot(object, str)
    def _on_failed(self, err: BaseException, details: str) -> None:
        message, hint = error_text(err)
        self.setTitle("Generation failed")
        self.progress.hide()  # a bar stopped part-way says nothing a sentence does not
        self.status.setText("Nothing was written to disk.")
        self.error.setText(without_tracebacks(f"{message}\n{hint}").strip())
        self.error.show()
        self.back_to_answers.show()
        if details and not isinstance(err, UserError):
            log.error("generation failed unexpectedly\n%s", details)
        self.generation_failed.emit(err)

    @Slot()
    def _on_done(self) -> None:
        self.worker = None
        if self._documents_next and self.result is not None:
            self._documents_next = False
            self._add_documents(self.result)  # the generation's worker is done: the documents' turn
            return
        # Nothing left to cancel: after a success Finish closes; after a failure Close does.
        succeeded = self.result is not None
        self._set_cancel(enabled=not succeeded, text="Cancel" if succeeded else "Close")
        self.completeChanged.emit()
        self.wizard().generation_done()

    def _go_back(self) -> None:
        self.wizard().back()

    def _show_in_portfolio(self) -> None:
        if self.result is not None:
            self.show_in_portfolio.emit(self.result.project.id)
            self.wizard().accept()

    def isComplete(self) -> bool:
        return self.result is not None and not self.running  # Finish waits for the documents too

    def add_success_action(self, widget: Any) -> None:
        """Put another action (e.g. "Open in editor") first among the success buttons."""
        self.success_actions.insertWidget(0, widget)
