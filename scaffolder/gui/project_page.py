"""One project: where it is, its git state (following the repository as it changes), and
actions on it. Actions sit in one row (`add_action`) so new ones are one call away."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QVBoxLayout, QWidget

from scaffolder.core.store import Project
from scaffolder.gui import messages, theme
from scaffolder.gui.deploy_dialog import DeployDialog
from scaffolder.gui.golden_dialog import golden_summary
from scaffolder.gui.models.portfolio_model import count_text, last_commit_text
from scaffolder.gui.open_in_editor import OpenInEditorButton
from scaffolder.gui.portfolio_state import PortfolioState
from scaffolder.gui.publish_dialog import PublishDialog
from scaffolder.gui.readiness_view import ReadinessView
from scaffolder.gui.task_review_dialog import task_summary
from scaffolder.gui.update_dialog import UpdateBanner


def header_lines(project: Project, state: PortfolioState) -> list[str]:
    """The header's facts, as rich-text lines: what, where, and the repository's state."""
    summary = state.summaries.get(project.id)
    lines = [f"<b>{html.escape(project.kind)}</b> project at {html.escape(str(project.path))}"]
    if not project.exists:
        return lines
    lines.append(f"Last commit: {html.escape(last_commit_text(summary, project))}")
    if summary is not None:
        facts = [count_text(summary.commit_count, "commit")]
        if summary.dirty:
            facts.append("uncommitted changes")
        lines.append(", ".join(facts))
    version = project.template_version if project.template_version not in (None, "", "unversioned") else ""
    if project.template:
        shown_version = f" {version[:10] if len(version or '') == 40 else version}" if version else ""
        lines.append(f"Template: {html.escape(project.template)}{html.escape(shown_version)}")
    return lines


class ProjectPage(QWidget):
    back_requested = Signal()
    forget_requested = Signal(int)
    locate_requested = Signal(int)

    def __init__(self, state: PortfolioState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.project: Project | None = None
        self.readiness: ReadinessView | None = None
        self.dialog: QDialog | None = None
        self.back = QPushButton(theme.standard_icon(QStyle.StandardPixmap.SP_ArrowBack), "&Dashboard")
        self.back.clicked.connect(self.back_requested)
        self.title = QLabel()
        self.title.setObjectName("project-title")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: 600; font-size: 16pt")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setObjectName("project-details")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.missing = QFrame()
        self.missing.setObjectName("project-missing")
        self.missing.setFrameShape(QFrame.Shape.StyledPanel)
        self.missing_text = QLabel()
        self.missing_text.setWordWrap(True)
        self.missing_text.setStyleSheet(f"{theme.error_style()}; font-weight: 600")
        self.locate = QPushButton(theme.standard_icon(QStyle.StandardPixmap.SP_DialogOpenButton), "&Locate…")
        self.locate.setToolTip("Tell the app where the folder is now")
        self.locate.clicked.connect(self._emit_locate)
        self.forget = QPushButton(theme.standard_icon(QStyle.StandardPixmap.SP_DialogDiscardButton), "&Forget…")
        self.forget.setToolTip("Stop tracking this project (no file is touched)")
        self.forget.clicked.connect(self._emit_forget)
        missing_row = QHBoxLayout(self.missing)
        missing_row.addWidget(self.missing_text, 1)
        missing_row.addWidget(self.locate)
        missing_row.addWidget(self.forget)

        self.open_in_editor = OpenInEditorButton(self._project_path, state.store)
        self.open_in_editor.setObjectName("project-open-in-editor")
        self.forget_present = QPushButton("Forget…")
        self.forget_present.setToolTip("Stop tracking this project (no file is touched)")
        self.forget_present.clicked.connect(self._emit_forget)
        self.actions_row = QHBoxLayout()  # not `actions`: QWidget.actions() is a method
        self.actions_row.addWidget(self.open_in_editor)
        self.actions_row.addStretch(1)
        self.actions_row.addWidget(self.forget_present)
        self.update_banner = UpdateBanner(state.store)  # "Template 1.0.0 → 1.1.0 available" + Update…
        self.update_banner.updated.connect(lambda _result: state.reload())
        self.publish = QPushButton("Publish to &GitHub…")
        self.publish.clicked.connect(lambda: self._open_dialog(PublishDialog, "published"))
        self.deploy = QPushButton("De&ploy…")
        self.deploy.clicked.connect(lambda: self._open_dialog(DeployDialog, "live_url_recorded"))
        self.record_demo = QPushButton("Record demo &GIF…")
        self.record_demo.setToolTip("Start the project offline, run docs/demo.toml in Chromium, write docs/demo.gif")
        self.record_demo.clicked.connect(lambda: self._open_show_dialog("RecordDemoDialog"))
        self.draft_writeup = QPushButton("Draft &write-up…")
        self.draft_writeup.setToolTip("Fill the WRITEUP.md sections that still hold the template's prompts")
        self.draft_writeup.clicked.connect(lambda: self._open_show_dialog("DraftWriteupDialog"))
        self.project_actions = (self.publish, self.deploy, self.record_demo, self.draft_writeup)
        for button in self.project_actions:
            self.add_action(button)
        # The project's own knowledge base (rag with the user's documents): a row of its own, under the actions.
        self.knowledge = QWidget()
        self.knowledge.setObjectName("project-knowledge-base")
        self.knowledge_text = QLabel()
        self.knowledge_text.setWordWrap(True)
        self.golden = QPushButton("Golden &questions…")
        self.golden.setObjectName("project-golden")
        self.golden.setToolTip("Review the questions drafted from your documents: the project's eval runs on them")
        self.golden.clicked.connect(self._open_golden_dialog)
        knowledge_row = QHBoxLayout(self.knowledge)
        knowledge_row.setContentsMargins(0, 0, 0, 0)
        knowledge_row.addWidget(self.knowledge_text, 1)
        knowledge_row.addWidget(self.golden)
        self.body = QVBoxLayout()
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addStretch(1)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.update_banner)
        layout.addWidget(self.missing)
        layout.addLayout(self.actions_row)
        layout.addWidget(self.knowledge)
        layout.addLayout(self.body, 1)
        state.summaries_changed.connect(self.refresh)
        state.projects_changed.connect(self._reload_project)
        state.presence_changed.connect(self._on_presence_changed)

    def add_action(self, widget: QWidget) -> None:
        """Another action for the project (Update…, Publish…): after the editor button, before Forget."""
        self.actions_row.insertWidget(self.actions_row.count() - 2, widget)

    def _open_dialog(self, dialog_class: type[PublishDialog | DeployDialog], changed: str) -> None:
        """Publishing and deploying change the remote or the live URL: re-check when they do."""
        if self.project is not None:
            dialog = dialog_class(self.state.store, self.project, self)
            getattr(dialog, changed).connect(self._on_published_or_deployed)
            self.dialog = dialog
            dialog.open()

    def _open_show_dialog(self, name: str) -> None:
        """Record the demo GIF or draft the write-up; the checklists re-check when it closes."""
        from scaffolder.gui import show_dialogs

        if self.project is not None:
            dialog = getattr(show_dialogs, name)(self.project, self)
            dialog.finished.connect(self._recheck_readiness)
            self.dialog = dialog
            dialog.open()

    def _open_golden_dialog(self) -> None:
        from scaffolder.core.agent_tasks import TaskReview
        from scaffolder.gui.golden_dialog import GoldenDialog
        from scaffolder.gui.task_review_dialog import TaskReviewDialog

        if self.project is not None:
            # An agent's eval tasks drafted from the user's data, or a rag project's golden questions.
            review = TaskReviewDialog if TaskReview.exists(self.project.path) else GoldenDialog
            dialog = review(self.project.path, self)
            dialog.finished.connect(self._on_golden_dialog_closed)
            self.dialog = dialog
            dialog.open()

    def _recheck_readiness(self, _code: int = 0) -> None:
        if self.readiness is not None:
            self.readiness.recheck()

    def _on_published_or_deployed(self, _what: object) -> None:
        self._recheck_readiness()
        self.state.reload()

    def _on_golden_dialog_closed(self, _code: int) -> None:
        self.refresh()
        self._recheck_readiness()

    def _emit_locate(self) -> None:
        if self.project is not None:
            self.locate_requested.emit(self.project.id)

    def _emit_forget(self) -> None:
        if self.project is not None:
            self.forget_requested.emit(self.project.id)

    def _project_path(self) -> Path | None:
        return self.project.path if self.project is not None else None

    def show_project(self, project: Project) -> None:
        self.project = project
        self.refresh()
        self.open_in_editor.refresh()
        self.update_banner.set_project(project)
        self._show_readiness(project)

    def _show_readiness(self, project: Project) -> None:
        if self.readiness is not None:
            self.body.removeWidget(self.readiness)
            self.readiness.deleteLater()
            self.readiness = None
        if not project.exists:
            return
        view = ReadinessView(self.state.store, project.id)
        view.setObjectName("project-readiness")
        view.report_changed.connect(self.state.update_report)
        view.error_occurred.connect(lambda err, details: messages.report_error(self, err, details))
        # The header follows the repository as the checklists do: the same debounced disk event.
        view.debounce.timeout.connect(lambda: self.state.resummarize(project.id))
        self.body.addWidget(view)
        self.readiness = view

    @Slot(int, bool)
    def _on_presence_changed(self, project_id: int, exists: bool) -> None:
        if self.project is None or project_id != self.project.id:
            return
        fresh = self.state.project(project_id) or self.project
        self.project = fresh
        self.refresh()
        if exists or self.readiness is not None:
            self._show_readiness(fresh)

    def _reload_project(self) -> None:
        if self.project is not None:
            fresh = self.state.project(self.project.id)
            if fresh is None:
                self.back_requested.emit()
                return
            moved = fresh.path != self.project.path
            self.project = fresh
            self.refresh()
            if moved:  # located: check the folder it is in now
                self._show_readiness(fresh)

    def refresh(self) -> None:
        project = self.project
        if project is None:
            return
        self.title.setText(project.name)
        self.details.setText("<br>".join(header_lines(project, self.state)))
        missing = not project.exists
        self.missing.setVisible(missing)
        if missing:
            self.missing_text.setText(
                f"The folder {project.path} is missing: it was moved, renamed or deleted. "
                "Locate it, or forget the project."
            )
        self.open_in_editor.setVisible(not missing)
        self.forget_present.setVisible(not missing)
        for button in self.project_actions:
            button.setVisible(not missing)
        tasks = task_summary(project.path) if not missing else None
        summary = tasks or (golden_summary(project.path) if not missing else None)
        self.golden.setText("Eval &tasks…" if tasks else "Golden &questions…")
        self.golden.setToolTip(
            "Review the eval tasks drafted from your data and API: the project's eval runs on them"
            if tasks
            else "Review the questions drafted from your documents: the project's eval runs on them"
        )
        self.knowledge.setVisible(summary is not None)
        self.knowledge_text.setText(summary or "")
