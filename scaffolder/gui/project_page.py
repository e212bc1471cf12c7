"""One project: where it is, its git state, and actions on it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from scaffolder.core.store import Project
from scaffolder.gui import messages
from scaffolder.gui.deploy_dialog import DeployDialog
from scaffolder.gui.models.portfolio_model import last_commit_text
from scaffolder.gui.open_in_editor import OpenInEditorButton
from scaffolder.gui.portfolio_state import PortfolioState
from scaffolder.gui.publish_dialog import PublishDialog
from scaffolder.gui.readiness_view import ReadinessView
from scaffolder.gui.update_dialog import UpdateBanner


class ProjectPage(QWidget):
    back_requested = Signal()
    forget_requested = Signal(int)
    locate_requested = Signal(int)

    def __init__(self, state: PortfolioState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.project: Project | None = None
        self.readiness: ReadinessView | None = None
        self.dialog: PublishDialog | DeployDialog | None = None
        self.back = QPushButton("← &Dashboard")
        self.back.clicked.connect(self.back_requested)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600; font-size: 16pt")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setObjectName("project-details")
        self.open_in_editor = OpenInEditorButton(self._project_path, state.store)
        self.open_in_editor.setObjectName("project-open-in-editor")
        self.locate = QPushButton("&Locate…")
        self.locate.clicked.connect(lambda: self.project and self.locate_requested.emit(self.project.id))
        self.forget = QPushButton("Forget…")
        self.forget.clicked.connect(lambda: self.project and self.forget_requested.emit(self.project.id))
        self.update_banner = UpdateBanner(state.store)  # "Template 1.0.0 → 1.1.0 available" + Update…
        self.update_banner.updated.connect(lambda _result: state.reload())
        self.publish = QPushButton("Publish to &GitHub…")
        self.publish.clicked.connect(lambda: self._open_dialog(PublishDialog, "published"))
        self.deploy = QPushButton("De&ploy…")
        self.deploy.clicked.connect(lambda: self._open_dialog(DeployDialog, "live_url_recorded"))
        self.actions = QHBoxLayout()
        for button in (self.open_in_editor, self.publish, self.deploy, self.locate, self.forget):
            self.actions.addWidget(button)
        self.actions.addStretch(1)
        self.body = QVBoxLayout()
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addStretch(1)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.update_banner)
        layout.addLayout(self.actions)
        layout.addLayout(self.body, 1)
        state.summaries_changed.connect(self.refresh)
        state.projects_changed.connect(self._reload_project)

    def _open_dialog(self, dialog_class: type[PublishDialog | DeployDialog], changed: str) -> None:
        """Publishing and deploying change the remote or the live URL: re-check when they do."""
        if self.project is not None:
            self.dialog = dialog_class(self.state.store, self.project, self)
            getattr(self.dialog, changed).connect(
                lambda _: (self.readiness and self.readiness.recheck(), self.state.reload())
            )
            self.dialog.open()

    def _project_path(self) -> Path | None:
        return self.project.path if self.project is not None and self.project.exists else None

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
        self.body.addWidget(view)
        self.readiness = view

    def _reload_project(self) -> None:
        if self.project is not None:
            fresh = self.state.project(self.project.id)
            if fresh is None:
                self.back_requested.emit()
            else:
                self.project = fresh
                self.refresh()

    def refresh(self) -> None:
        project = self.project
        if project is None:
            return
        self.title.setText(project.name)
        summary = self.state.summaries.get(project.id)
        lines = [
            f"<b>{project.kind}</b> project at {project.path}",
            f"Last commit: {last_commit_text(summary, project)}",
        ]
        if summary is not None:
            lines.append(f"{summary.commit_count} commits" + (", uncommitted changes" if summary.dirty else ""))
        if project.template:
            lines.append(f"Template: {project.template} {project.template_version or ''}")
        self.details.setText("<br>".join(lines))
        self.open_in_editor.setVisible(project.exists)
        self.publish.setVisible(project.exists)
        self.deploy.setVisible(project.exists)
        self.locate.setVisible(not project.exists)
