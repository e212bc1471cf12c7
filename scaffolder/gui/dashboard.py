"""The dashboard: the three recommended projects as slots, other projects in a table below.

Widgets here only show the portfolio state and send intents (signals); the main window acts.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from scaffolder.core.catalogue import TemplateInfo
from scaffolder.core.readiness.model import Report
from scaffolder.core.store import Project
from scaffolder.gui.models.portfolio_model import PROJECT_ID_ROLE, PortfolioTableModel, last_commit_text
from scaffolder.gui.portfolio_state import PortfolioState
from scaffolder.gui.readiness_view import LevelBadge

SLOT_TITLE = {"rag": "RAG application", "agent": "AI agent", "fullstack": "full-stack AI product"}
SLOT_PITCH = {
    "rag": "Answers questions over a knowledge base, with citations.",
    "agent": "An LLM that chooses and calls tools: search, a database, HTTP APIs.",
    "fullstack": "A real web product: accounts, a database, a streaming AI feature.",
}


def _label(text: str = "", *, bold: bool = False, wrap: bool = False, muted: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    style = []
    if bold:
        style.append("font-weight: 600")
    if muted:
        style.append("color: palette(placeholder-text)")
    if style:
        label.setStyleSheet("; ".join(style))
    return label


class ProjectSlot(QFrame):
    """One recommended project: filled with a project, or empty with a call to action."""

    generate_requested = Signal(str)
    open_requested = Signal(int)
    locate_requested = Signal(int)
    forget_requested = Signal(int)

    def __init__(self, template: TemplateInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = template.kind
        self.project: Project | None = None
        self.setObjectName(f"slot-{self.kind}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(260)

        self.heading = _label(template.title, bold=True)
        self.heading.setStyleSheet("font-weight: 600; font-size: 13pt")
        self.pitch = _label(SLOT_PITCH.get(self.kind, template.description), wrap=True, muted=True)
        self.name = _label(bold=True, wrap=True)
        self.path = _label(wrap=True, muted=True)
        self.commit = _label(wrap=True)
        self.readiness = LevelBadge()
        self.missing = _label("The project folder is missing: it was moved or deleted.", wrap=True)
        self.missing.setStyleSheet("color: #b3261e")
        self.description = _label(template.description, wrap=True)

        self.generate_button = QPushButton(f"Generate {template.title}…")
        self.open_button = QPushButton("Open")
        self.locate_button = QPushButton("Locate…")
        self.forget_button = QPushButton("Forget")
        self.generate_button.clicked.connect(lambda: self.generate_requested.emit(self.kind))
        self.open_button.clicked.connect(self._emit_with_id(self.open_requested))
        self.locate_button.clicked.connect(self._emit_with_id(self.locate_requested))
        self.forget_button.clicked.connect(self._emit_with_id(self.forget_requested))

        buttons = QHBoxLayout()
        for button in (self.generate_button, self.open_button, self.locate_button, self.forget_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        for widget in (
            self.heading,
            self.pitch,
            self.name,
            self.path,
            self.commit,
            self.readiness,
            self.missing,
            self.description,
        ):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.show_project(None, None)

    def _emit_with_id(self, signal: Signal) -> Slot:
        def emit() -> None:
            if self.project is not None:
                signal.emit(self.project.id)  # type: ignore[attr-defined]

        return emit

    def show_project(self, project: Project | None, commit_text: str | None, report: Report | None = None) -> None:
        self.project = project
        filled = project is not None
        missing = filled and not project.exists  # type: ignore[union-attr]
        for widget in (self.pitch, self.name, self.path, self.commit, self.readiness, self.open_button):
            widget.setVisible(filled)
        self.missing.setVisible(missing)
        self.locate_button.setVisible(missing)
        self.forget_button.setVisible(missing)
        self.description.setVisible(not filled)
        self.generate_button.setVisible(not filled)
        if project is not None:
            self.name.setText(project.name)
            self.path.setText(str(project.path))
            self.commit.setText(f"Last commit: {commit_text}" if commit_text else "")
            self.open_button.setEnabled(project.exists)
            self.readiness.set_report(report)


class DashboardPage(QWidget):
    generate_requested = Signal(str)
    open_requested = Signal(int)
    locate_requested = Signal(int)
    forget_requested = Signal(int)

    def __init__(self, state: PortfolioState, templates: list[TemplateInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        title = _label("Your AI portfolio", bold=True)
        title.setStyleSheet("font-weight: 600; font-size: 16pt")
        intro = _label(
            "Hiring managers look for three projects: a RAG application, an AI agent and a full-stack AI product. "
            "Generate each, make it yours, and keep it honest until it is shown.",
            wrap=True,
        )
        self.portfolio_level = _label()
        self.portfolio_level.setObjectName("portfolio-level")
        self.portfolio_level.setTextFormat(Qt.TextFormat.RichText)
        self.slots = {t.kind: ProjectSlot(t) for t in templates}
        grid = QGridLayout()
        for column, slot in enumerate(self.slots.values()):
            grid.addWidget(slot, 0, column)
            slot.generate_requested.connect(self.generate_requested)
            slot.open_requested.connect(self.open_requested)
            slot.locate_requested.connect(self.locate_requested)
            slot.forget_requested.connect(self.forget_requested)

        self.others_model = PortfolioTableModel()
        self.others = QTableView()
        self.others.setObjectName("other-projects")
        self.others.setModel(self.others_model)
        self.others.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.others.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.others.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.others.verticalHeader().hide()
        self.others.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.others.horizontalHeader().setStretchLastSection(True)
        self.others.doubleClicked.connect(lambda index: self.open_requested.emit(index.data(PROJECT_ID_ROLE)))
        self.others_empty = _label(
            "Other projects (custom templates, imported repositories) appear here. File → Import… adds one.",
            wrap=True,
            muted=True,
        )
        self.open_other = QPushButton("Open")
        self.locate_other = QPushButton("Locate…")
        self.forget_other = QPushButton("Forget…")
        self.open_other.clicked.connect(lambda: self._emit_selected(self.open_requested))
        self.locate_other.clicked.connect(lambda: self._emit_selected(self.locate_requested))
        self.forget_other.clicked.connect(lambda: self._emit_selected(self.forget_requested))
        other_buttons = QHBoxLayout()
        for button in (self.open_other, self.locate_other, self.forget_other):
            other_buttons.addWidget(button)
        other_buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.portfolio_level)
        layout.addLayout(grid)
        layout.addWidget(_label("Other projects", bold=True))
        layout.addWidget(self.others_empty)
        layout.addWidget(self.others, 1)
        layout.addLayout(other_buttons)

        state.projects_changed.connect(self.refresh)
        state.summaries_changed.connect(self.refresh)
        state.reports_changed.connect(self.refresh)
        self.refresh()

    def _emit_selected(self, signal: Signal) -> None:
        rows = self.others.selectionModel().selectedRows()
        if rows:
            signal.emit(rows[0].data(PROJECT_ID_ROLE))  # type: ignore[attr-defined]

    @Slot()
    def refresh(self) -> None:
        for kind, slot in self.slots.items():
            project = self.state.slot_project(kind)
            summary = self.state.summaries.get(project.id) if project else None
            report = self.state.reports.get(project.id) if project else None
            slot.show_project(project, last_commit_text(summary, project) if project else None, report)
        portfolio = self.state.portfolio_report
        if portfolio is None:
            self.portfolio_level.setText("Portfolio readiness: checking…")
        else:
            weakest = portfolio.weakest
            held_back = f" (held back by your {SLOT_TITLE.get(weakest, weakest)})" if weakest else ""
            self.portfolio_level.setText(f"Portfolio readiness: <b>{portfolio.level.label}</b>{held_back}")
        others = self.state.other_projects()
        self.others_model.set_projects(others, self.state.summaries)
        self.others_empty.setVisible(not others)
        for button in (self.open_other, self.locate_other, self.forget_other):
            button.setEnabled(bool(others))
