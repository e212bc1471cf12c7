"""Updating a project from a newer template version: the project page's banner and the dialog.

The dialog plans on a worker (the core renders the new version in a child process), shows the
new questions and each file the template changes with its diff, merges on a worker with
progress, and ends with the result: merged, or the conflicted files with a button each to open
them in the editor. Every step's work is the core's; the widgets show it and send intents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QFontDatabase, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from scaffolder.core.editors import EditorProblem, EditorState, Host, launch, load_editor_state, plan_open
from scaffolder.core.editors.launch import LaunchPlan
from scaffolder.core.errors import HooksNotApproved, UserError
from scaffolder.core.settings import load_settings
from scaffolder.core.store import Project, Store
from scaffolder.core.update import (
    AvailableUpdate,
    NoTemplateRef,
    UpdateOutcome,
    UpdatePlan,
    UpdateResult,
    apply_update,
    available_update,
    link_template,
    plan_update,
)
from scaffolder.gui import messages, workers
from scaffolder.gui.wizard.question_widgets import QuestionEditor

_STATUS_MARKS = {"added": "A", "modified": "M", "deleted": "D", "renamed": "R"}


def open_file_plan(state: EditorState, folder: Path, relative: str) -> LaunchPlan:
    """The command that opens one file of the project in the project's editor (a console editor
    opens the folder in a terminal instead, as the project page does)."""
    editor = state.preferred
    if editor is None:
        raise state.problem or UserError("No editor was found on this computer.")
    if editor.terminal:
        return plan_open(editor, folder, state.detected.terminals)
    return LaunchPlan(editor.name, tuple(editor.argv(folder / relative)), folder)


class DiffHighlighter(QSyntaxHighlighter):
    """Added lines green, removed lines red, hunk headers blue: the colours of `git diff`."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.formats: dict[str, QTextCharFormat] = {}
        for prefix, colour in (("+", "#116329"), ("-", "#b31d28"), ("@", "#0550ae")):
            text_format = QTextCharFormat()
            text_format.setForeground(QColor(colour))
            self.formats[prefix] = text_format

    def highlightBlock(self, text: str) -> None:
        if text.startswith(("+++", "---", "diff --git", "index ")):
            return
        text_format = self.formats.get(text[:1])
        if text_format is not None:
            self.setFormat(0, len(text), text_format)


class UpdateDialog(QDialog):
    """Plan → review (new questions, files and diffs) → merge with progress → result."""

    updated = Signal(UpdateResult)  # when the project's repository changed

    def __init__(self, project: Project, store: Store, parent: QWidget | None = None, *, host: Host | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Update {project.name} from its template")
        self.resize(900, 600)
        self.project, self.store, self._host = project, store, host
        self.plan: UpdatePlan | None = None
        self.result: UpdateResult | None = None  # type: ignore[assignment]  # shadows QDialog.result(), unused here
        self.editors: dict[str, QuestionEditor] = {}
        self.editor_state: EditorState | None = None
        self.launched: list[LaunchPlan] = []
        self._worker: workers.FunctionWorker | None = None
        self._accept_hooks = False

        self.pages = QStackedWidget()
        self.busy_page, self.busy_label, self.progress = self._busy_page()
        self.review_page = QWidget()
        self.result_page = QWidget()
        for page in (self.busy_page, self.review_page, self.result_page):
            self.pages.addWidget(page)
        self._build_review()
        self._build_result()
        self.buttons = QDialogButtonBox()
        self.update_button = self.buttons.addButton("&Update", QDialogButtonBox.ButtonRole.AcceptRole)
        self.update_button.setObjectName("update-apply")
        self.update_button.clicked.connect(self._on_update)
        self.link_button = self.buttons.addButton("&Link…", QDialogButtonBox.ButtonRole.ActionRole)
        self.link_button.setObjectName("update-link")
        self.link_button.clicked.connect(self._on_link)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.clicked.connect(self._on_cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.buttons)
        self._plan()

    # --- pages -------------------------------------------------------------------------------

    def _busy_page(self) -> tuple[QWidget, QLabel, QProgressBar]:
        page = QWidget()
        label = QLabel()
        label.setWordWrap(True)
        label.setObjectName("update-busy")
        bar = QProgressBar()
        bar.setRange(0, 1000)
        bar.setObjectName("update-progress")
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(label)
        layout.addWidget(bar)
        layout.addStretch(1)
        return page, label, bar

    def _build_review(self) -> None:
        self.heading = QLabel()
        self.heading.setObjectName("update-heading")
        self.heading.setWordWrap(True)
        self.questions_box = QWidget()
        self.questions_form = QFormLayout(self.questions_box)
        self.review_error = QLabel()
        self.review_error.setObjectName("update-error")
        self.review_error.setWordWrap(True)
        self.review_error.setStyleSheet("color: #b00020")
        self.review_error.setVisible(False)
        self.files = QListWidget()
        self.files.setObjectName("update-files")
        self.files.currentItemChanged.connect(self._on_file_selected)
        self.diff_view = QPlainTextEdit()
        self.diff_view.setObjectName("update-diff")
        self.diff_view.setReadOnly(True)
        self.diff_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.diff_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.highlighter = DiffHighlighter(self.diff_view.document())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.files)
        splitter.addWidget(self.diff_view)
        splitter.setStretchFactor(1, 3)
        self.abort_on_conflict = QCheckBox("If lines I changed conflict with the template's, back out of the update")
        self.abort_on_conflict.setObjectName("update-abort-on-conflict")
        layout = QVBoxLayout(self.review_page)
        layout.addWidget(self.heading)
        layout.addWidget(self.questions_box)
        layout.addWidget(self.review_error)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.abort_on_conflict)

    def _build_result(self) -> None:
        self.result_label = QLabel()
        self.result_label.setObjectName("update-result")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.conflicts_box = QWidget()
        self.conflicts_layout = QVBoxLayout(self.conflicts_box)
        self.conflicts_layout.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self.result_page)
        layout.addWidget(self.result_label)
        layout.addWidget(self.conflicts_box)
        layout.addStretch(1)

    def _show(self, page: QWidget) -> None:
        self.pages.setCurrentWidget(page)
        self.update_button.setVisible(page is self.review_page)
        self.link_button.setVisible(False)
        self.cancel_button.setVisible(page is not self.result_page)
        self.close_button.setVisible(page is self.result_page)

    # --- planning ----------------------------------------------------------------------------

    def _run(self, fn: Any, label: str, on_finished: Any, on_failed: Any, **kwargs: Any) -> None:
        self.busy_label.setText(label)
        self.progress.setValue(0)
        self._show(self.busy_page)
        worker = workers.FunctionWorker(fn, **kwargs)
        worker.signals.progress.connect(self._on_progress)
        worker.signals.finished.connect(on_finished)
        worker.signals.failed.connect(on_failed)
        self._worker = workers.start(worker)

    def _fallback_identity(self) -> Any:
        return load_settings(self.store).identity

    def _plan(self) -> None:
        self._run(
            plan_update,
            f"Rendering the template's current version for {self.project.name}…",
            self._on_planned,
            self._on_plan_failed,
            project=self.project,
            accept_hooks=self._accept_hooks,
            fallback_identity=self._fallback_identity(),
            isolate=True,
            store=self.store,
        )

    @Slot(object)
    def _on_progress(self, progress: Any) -> None:
        self.progress.setValue(int(progress.fraction * 1000))

    @Slot(object)
    def _on_planned(self, plan: UpdatePlan) -> None:
        self.plan = plan
        if plan.up_to_date:
            self._finish_with(
                f"{self.project.name} is up to date with template {plan.template.name} {plan.current_version}."
            )
            return
        self.heading.setText(
            f"<b>Template {plan.template.name} {plan.recorded_version or '(unknown)'} → {plan.current_version}</b>"
            f" into branch <b>{plan.branch}</b>: {len(plan.changes)} files change. Your own changes are kept;"
            " lines both you and the template changed are merged by git, or left for you to finish."
        )
        self.editors.clear()
        while self.questions_form.rowCount():
            self.questions_form.removeRow(0)
        for new in plan.new_questions:
            editor = QuestionEditor(new.question, lambda _name: self._set_review_error(""))
            editor.set_value(new.default)
            self.editors[new.question.name] = editor
            self.questions_form.addRow(f"New: {new.question.label}", editor.widget)
        self.questions_box.setVisible(bool(plan.new_questions))
        self.files.clear()
        for change in plan.changes:
            item = QListWidgetItem(f"{_STATUS_MARKS.get(change.status, '?')}  {change.path}")
            item.setData(Qt.ItemDataRole.UserRole, change.path)
            item.setToolTip(change.status + (f" from {change.old_path}" if change.old_path else ""))
            self.files.addItem(item)
        self.files.setCurrentRow(0)
        self._show(self.review_page)

    @Slot(object, str)
    def _on_plan_failed(self, err: BaseException, details: str) -> None:
        if isinstance(err, HooksNotApproved) and messages.ask_confirm(
            self, "Agree to run this template's code?", f"{err.message}\n{err.hint}", "Agree"
        ):
            self._accept_hooks = True
            self._plan()
            return
        if isinstance(err, NoTemplateRef):
            self._finish_with(
                f"{err.message}\n\nLink lays it from the recorded answers and version (at the commit that has the"
                " template's output, or with a merge commit that records it); your files do not change."
            )
            self.link_button.setVisible(True)
            return
        self._finish_with(*messages.error_text(err), error=err, details=details)

    @Slot()
    def _on_link(self) -> None:
        self._run(
            link_template,
            f"Rendering the template at {self.project.name}'s recorded version…",
            lambda _commit: self._plan(),
            self._on_plan_failed,
            project=self.project,
            accept_hooks=self._accept_hooks,
            fallback_identity=self._fallback_identity(),
            isolate=True,
            store=self.store,
        )

    def _set_review_error(self, text: str) -> None:
        self.review_error.setText(text)
        self.review_error.setVisible(bool(text))

    @Slot(object, object)
    def _on_file_selected(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is None or self.plan is None:
            self.diff_view.clear()
            return
        self.diff_view.setPlainText(self.plan.change(current.data(Qt.ItemDataRole.UserRole)).diff)

    # --- merging -----------------------------------------------------------------------------

    def answers(self) -> dict[str, Any]:
        return {name: editor.value() for name, editor in self.editors.items()}

    @Slot()
    def _on_update(self) -> None:
        assert self.plan is not None
        self._run(
            apply_update,
            f"Merging template {self.plan.template.name} {self.plan.current_version} into {self.plan.branch}…",
            self._on_applied,
            self._on_apply_failed,
            plan=self.plan,
            answers=self.answers(),
            abort_on_conflict=self.abort_on_conflict.isChecked(),
            store=self.store,
            isolate=True,
        )

    @Slot(object)
    def _on_applied(self, result: UpdateResult) -> None:
        self.result = result
        self._finish_with(result.message)
        if result.outcome is UpdateOutcome.CONFLICTS:
            self._show_conflicts(result.conflicts)
        if result.outcome is not UpdateOutcome.ABORTED:
            self.updated.emit(result)

    @Slot(object, str)
    def _on_apply_failed(self, err: BaseException, details: str) -> None:
        if isinstance(err, UserError) and self.plan is not None and not isinstance(err, NoTemplateRef):
            message, hint = messages.error_text(err)
            self._set_review_error(f"{message} {hint}".strip())
            self._show(self.review_page)  # nothing changed: fix the answer or cancel
            return
        self._finish_with(*messages.error_text(err), error=err, details=details)

    def _finish_with(
        self, message: str, hint: str = "", *, error: BaseException | None = None, details: str = ""
    ) -> None:
        self.result_label.setText(f"{message}\n{hint}".strip())
        if error is not None:
            messages.post(error, details)  # logged (a bug with its traceback); shown here, inline
        self._show(self.result_page)

    def _show_conflicts(self, conflicts: tuple[str, ...]) -> None:
        for relative in conflicts:
            row = QHBoxLayout()
            row.addWidget(QLabel(relative), 1)
            button = QPushButton("Open in Editor")
            button.setObjectName(f"update-open-{relative}")
            button.setEnabled(False)  # until the editors are detected
            button.clicked.connect(lambda _checked=False, path=relative: self.open_conflict(path))
            row.addWidget(button)
            self.conflicts_layout.addLayout(row)
        worker = workers.FunctionWorker(load_editor_state, self.store, self.project.path, self._host)
        worker.signals.finished.connect(self._on_editors)
        worker.signals.failed.connect(lambda err, details: messages.report_error(self, err, details))
        workers.start(worker)

    @Slot(object)
    def _on_editors(self, state: EditorState) -> None:
        self.editor_state = state
        for button in self.conflicts_box.findChildren(QPushButton):
            button.setEnabled(True)

    def open_conflict(self, relative: str) -> None:
        assert self.editor_state is not None
        try:
            plan = open_file_plan(self.editor_state, self.project.path, relative)
            launch(plan)
        except (EditorProblem, UserError) as err:
            messages.report_error(self, err)
            return
        self.launched.append(plan)

    @Slot()
    def _on_cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()  # a render stops (its child process is killed); a merge under way finishes
        self.reject()


class UpdateBanner(QWidget):
    """ "Template 1.0.0 → 1.1.0 available" with *Update…*, on the project page; hidden otherwise."""

    updated = Signal(UpdateResult)
    checked = Signal(object)  # AvailableUpdate | None (a signal type cannot say "or None"), after each check

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.project: Project | None = None
        self.available: AvailableUpdate | None = None
        self.dialog: UpdateDialog | None = None
        self.label = QLabel()
        self.label.setObjectName("update-available")
        self.button = QPushButton("&Update…")
        self.button.setObjectName("update-open-dialog")
        self.button.clicked.connect(self.open_dialog)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self.setVisible(False)

    def set_project(self, project: Project | None) -> None:
        """Check on a worker (it reads the project's answers and the template's version)."""
        self.project = project
        if project is None:
            self.setVisible(False)
            return
        worker = workers.FunctionWorker(available_update, project)
        worker.signals.finished.connect(lambda found, wanted=project.id: self._on_checked(wanted, found))
        workers.start(worker)

    def _on_checked(self, project_id: int, found: AvailableUpdate | None) -> None:
        if self.project is None or self.project.id != project_id:
            return  # an answer about a project no longer shown
        self.available = found
        self.label.setText(found.text if found else "")
        self.setVisible(found is not None)
        self.checked.emit(found)

    @Slot()
    def open_dialog(self) -> None:
        if self.project is None:
            return
        self.dialog = UpdateDialog(self.project, self.store, self)
        self.dialog.updated.connect(self.updated)
        self.dialog.finished.connect(lambda _code: self.set_project(self.project))
        self.dialog.open()
