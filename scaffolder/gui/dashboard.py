"""The dashboard: the three recommended projects as slots, other projects in a table below.

Widgets here only show the portfolio state and send intents (signals); the main window acts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, SignalInstance, Slot
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from scaffolder.gui import theme
from scaffolder.gui.level_badge import LevelBadge
from scaffolder.gui.models.portfolio_model import PROJECT_ID_ROLE, PortfolioTableModel, last_commit_text
from scaffolder.gui.portfolio_state import PortfolioState

if TYPE_CHECKING:  # types only: the dashboard paints before the readiness engine is imported
    from PySide6.QtWidgets import QTableView

    from scaffolder.core.catalogue import TemplateInfo
    from scaffolder.core.readiness.model import Report
    from scaffolder.core.store import Project

SLOT_TITLE = {"rag": "RAG application", "agent": "AI agent", "fullstack": "full-stack AI product"}
SLOT_PITCH = {
    "rag": "Answers questions over a knowledge base, with citations.",
    "agent": "An LLM that chooses and calls tools: search, a database, HTTP APIs.",
    "fullstack": "A real web product: accounts, a database, a streaming AI feature.",
}
SLOT_MIN_WIDTH = 240
# Below these widths (of the visible area) the three cards take two rows, then one column each.
THREE_COLUMNS_FROM = 880
TWO_COLUMNS_FROM = 560
OTHERS_VISIBLE_ROWS = 6  # the table grows with its rows up to this many, then scrolls


def _label(
    text: str = "", *, bold: bool = False, wrap: bool = False, muted: bool = False, selectable: bool = False
) -> QLabel:
    """`selectable` for what a user may want to copy (a name, a path): each selectable label
    carries its own text-editing machinery, which the dashboard's other labels need not pay for."""
    label = QLabel(text)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        theme.emphasize(label)
    if muted:
        theme.tint(label, "muted")
    return label


# A card's parts, top to bottom, then its buttons left to right. Each is built the first time it
# is shown (or asked for): a filled card never needs its call to action, an empty one never its
# project's lines, and few cards ever show "folder missing" (benchmarks/bench_startup.py).
SLOT_LINES = ("pitch", "name", "path", "commit", "readiness", "missing", "description")
SLOT_BUTTONS = ("generate_button", "open_button", "locate_button", "forget_button")


class ProjectSlot(QFrame):
    """One recommended project: filled with a project, or empty with a call to action."""

    generate_requested = Signal(str)
    open_requested = Signal(int)
    locate_requested = Signal(int)
    forget_requested = Signal(int)

    def __init__(self, template: TemplateInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = template.kind
        self.template = template
        self.project: Project | None = None
        self.setObjectName(f"slot-{self.kind}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(SLOT_MIN_WIDTH)
        self._parts: dict[str, QWidget] = {}

        self.heading = _label(template.title, bold=True, wrap=True)
        theme.emphasize(self.heading, scale=1.3)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.lines = QVBoxLayout(self)
        self.lines.setSpacing(6)
        self.lines.addWidget(self.heading)
        self.lines.addStretch(1)
        self.lines.addLayout(self.buttons)
        self.show_project(None, None)

    # --- the parts, built on first use ---------------------------------------------------------

    def _build(self, part: str) -> QWidget:
        template = self.template
        icon = theme.standard_icon
        px = QStyle.StandardPixmap
        widget: QWidget
        if part == "pitch":
            widget = _label(SLOT_PITCH.get(self.kind, template.description), wrap=True, muted=True)
        elif part == "name":
            widget = _label(bold=True, wrap=True, selectable=True)
        elif part == "path":
            widget = _label(wrap=True, muted=True, selectable=True)
        elif part == "commit":
            widget = _label(wrap=True, selectable=True)
        elif part == "readiness":
            widget = LevelBadge()
        elif part == "missing":
            widget = _label("Folder missing: it was moved, renamed or deleted.", wrap=True)
            widget.setObjectName(f"slot-{self.kind}-missing")
            theme.tint(widget, "error")
            theme.emphasize(widget)
        elif part == "description":
            widget = _label(template.description, wrap=True)
        elif part == "generate_button":
            widget = QPushButton(icon(px.SP_FileDialogNewFolder), f"Generate {template.title}…")
            widget.clicked.connect(lambda: self.generate_requested.emit(self.kind))
        elif part == "open_button":
            widget = QPushButton(icon(px.SP_DirOpenIcon), "Open")
            widget.clicked.connect(self._emit_with_id(self.open_requested))
        elif part == "locate_button":
            widget = QPushButton(icon(px.SP_DialogOpenButton), "Locate…")
            widget.clicked.connect(self._emit_with_id(self.locate_requested))
        else:
            widget = QPushButton(icon(px.SP_DialogDiscardButton), "Forget…")
            widget.clicked.connect(self._emit_with_id(self.forget_requested))
        return widget

    def part(self, name: str) -> QWidget:
        """The part called `name`, built and put in its place (hidden) the first time."""
        widget = self._parts.get(name)
        if widget is None:
            widget = self._build(name)
            widget.hide()
            order, layout, before = (
                (SLOT_BUTTONS, self.buttons, 0) if name in SLOT_BUTTONS else (SLOT_LINES, self.lines, 1)
            )
            at = before + sum(1 for other in order[: order.index(name)] if other in self._parts)
            layout.insertWidget(at, widget)
            self._parts[name] = widget
        return widget

    def _show_part(self, name: str, visible: bool) -> None:
        if visible:
            self.part(name).show()
        elif name in self._parts:
            self._parts[name].hide()

    @property
    def pitch(self) -> QLabel:
        return self.part("pitch")  # type: ignore[return-value]

    @property
    def name(self) -> QLabel:
        return self.part("name")  # type: ignore[return-value]

    @property
    def path(self) -> QLabel:
        return self.part("path")  # type: ignore[return-value]

    @property
    def commit(self) -> QLabel:
        return self.part("commit")  # type: ignore[return-value]

    @property
    def readiness(self) -> LevelBadge:
        return self.part("readiness")  # type: ignore[return-value]

    @property
    def missing(self) -> QLabel:
        return self.part("missing")  # type: ignore[return-value]

    @property
    def description(self) -> QLabel:
        return self.part("description")  # type: ignore[return-value]

    @property
    def generate_button(self) -> QPushButton:
        return self.part("generate_button")  # type: ignore[return-value]

    @property
    def open_button(self) -> QPushButton:
        return self.part("open_button")  # type: ignore[return-value]

    @property
    def locate_button(self) -> QPushButton:
        return self.part("locate_button")  # type: ignore[return-value]

    @property
    def forget_button(self) -> QPushButton:
        return self.part("forget_button")  # type: ignore[return-value]

    def _emit_with_id(self, signal: SignalInstance) -> Callable[[], None]:
        def emit() -> None:
            if self.project is not None:
                signal.emit(self.project.id)

        return emit

    def show_project(self, project: Project | None, commit_text: str | None, report: Report | None = None) -> None:
        self.project = project
        filled = project is not None
        missing = filled and not project.exists  # type: ignore[union-attr]
        # A missing folder has no level to show: "folder missing" says it, not "Draft · 0 %".
        shown = {
            "pitch": filled,
            "name": filled,
            "path": filled,
            "commit": filled and not missing,
            "readiness": filled and not missing,
            "missing": missing,
            "description": not filled,
            "generate_button": not filled,
            "open_button": filled and not missing,
            "locate_button": missing,
            "forget_button": missing,
        }
        if project is not None:
            self.name.setText(project.name)
            self.path.setText(str(project.path))
            if not missing:
                self.commit.setText(f"Last commit: {commit_text}" if commit_text else "")
                self.readiness.set_report(report)
        for name, visible in shown.items():
            self._show_part(name, visible)


class DashboardScroll(QScrollArea):
    """Scrolls the dashboard vertically and tells it the visible width, so the cards reflow
    instead of being cut off (the dashboard's own width can never go below its minimum)."""

    def __init__(self, dashboard: DashboardPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dashboard = dashboard
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # A viewport of our own: asking Qt for the one it made would have PySide6 wrap it by
        # resolving every widget class it has not loaded yet, with their Python enums: ~15 ms of
        # start-up (benchmarks/bench_startup.py).
        self.own_viewport = QWidget()
        self.own_viewport.setObjectName("qt_scrollarea_viewport")  # as Qt's own, for styles
        self.own_viewport.setAutoFillBackground(True)
        self.own_viewport.setBackgroundRole(QPalette.ColorRole.NoRole)  # as QScrollArea sets its own
        self.setViewport(self.own_viewport)
        self.setWidget(dashboard)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.dashboard.reflow(self.own_viewport.width())
        super().resizeEvent(event)


class OtherProjects(QWidget):
    """The table of projects not in a slot, with Open / Locate… / Forget… for the selected row.
    Built only once there is such a project: a table view is the dashboard's costliest widget."""

    def __init__(self, dashboard: DashboardPage) -> None:
        # Imported here: PySide6 builds the Python enums of a Qt class on its first use, and the
        # item views' are many (benchmarks/bench_startup.py).
        from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

        super().__init__()
        self.setObjectName("other-projects-box")
        self.model = PortfolioTableModel()
        self.table = QTableView()
        self.table.setObjectName("other-projects")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.table.doubleClicked.connect(lambda index: dashboard.open_requested.emit(index.data(PROJECT_ID_ROLE)))
        self.table.selectionModel().selectionChanged.connect(lambda *_: dashboard._update_other_buttons())
        self.model.modelReset.connect(dashboard._update_other_buttons)
        icon = theme.standard_icon
        px = QStyle.StandardPixmap
        self.open_button = QPushButton(icon(px.SP_DirOpenIcon), "Open")
        self.locate_button = QPushButton(icon(px.SP_DialogOpenButton), "Locate…")
        self.forget_button = QPushButton(icon(px.SP_DialogDiscardButton), "Forget…")
        self.open_button.clicked.connect(lambda: dashboard._emit_selected(dashboard.open_requested))
        self.locate_button.clicked.connect(lambda: dashboard._emit_selected(dashboard.locate_requested))
        self.forget_button.clicked.connect(lambda: dashboard._emit_selected(dashboard.forget_requested))
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.open_button, self.locate_button, self.forget_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)


class DashboardPage(QWidget):
    generate_requested = Signal(str)
    open_requested = Signal(int)
    locate_requested = Signal(int)
    forget_requested = Signal(int)

    def __init__(self, state: PortfolioState, templates: list[TemplateInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        title = _label("Your AI portfolio", bold=True)
        theme.emphasize(title, scale=1.6)
        intro = _label(
            "Hiring managers look for three projects: a RAG application, an AI agent and a full-stack AI product. "
            "Generate each, make it yours, and keep it honest until it is shown.",
            wrap=True,
        )
        self.portfolio_level = _label(wrap=True)
        self.portfolio_level.setObjectName("portfolio-level")
        self.portfolio_level.setTextFormat(Qt.TextFormat.RichText)
        self.slots = {t.kind: ProjectSlot(t) for t in templates}
        self.grid = QGridLayout()
        self.grid.setSpacing(12)
        self.columns = 0
        for slot in self.slots.values():
            slot.generate_requested.connect(self.generate_requested)
            slot.open_requested.connect(self.open_requested)
            slot.locate_requested.connect(self.locate_requested)
            slot.forget_requested.connect(self.forget_requested)
        self.reflow(1024)

        self.others_empty = _label(
            "Projects from your own templates and repositories you import (File → Import…) are listed here.",
            wrap=True,
            muted=True,
        )
        self.others_empty.setObjectName("other-projects-empty")
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.portfolio_level)
        layout.addLayout(self.grid)
        layout.addSpacing(8)
        layout.addWidget(_label("Other projects", bold=True))
        layout.addWidget(self.others_empty)
        self.others_at = layout.count()  # where the table goes once there is a project to list
        layout.addStretch(1)
        self._others: OtherProjects | None = None

        state.projects_changed.connect(self.refresh)
        state.summaries_changed.connect(self.refresh)
        state.reports_changed.connect(self.refresh)
        self.refresh()

    @property
    def other_projects(self) -> OtherProjects:
        if self._others is None:
            self._others = OtherProjects(self)
            self._others.hide()
            column = self.layout()
            assert isinstance(column, QVBoxLayout)  # built in __init__
            column.insertWidget(self.others_at, self._others)
        return self._others

    # The table's parts, by the names the rest of the app and the tests use.
    @property
    def others(self) -> QTableView:
        return self.other_projects.table

    @property
    def others_model(self) -> PortfolioTableModel:
        return self.other_projects.model

    @property
    def open_other(self) -> QPushButton:
        return self.other_projects.open_button

    @property
    def locate_other(self) -> QPushButton:
        return self.other_projects.locate_button

    @property
    def forget_other(self) -> QPushButton:
        return self.other_projects.forget_button

    def reflow(self, width: int) -> None:
        """Three cards side by side where they fit, else two per row, else one."""
        columns = 3 if width >= THREE_COLUMNS_FROM else 2 if width >= TWO_COLUMNS_FROM else 1
        if columns == self.columns:
            return
        self.columns = columns
        for slot in self.slots.values():
            self.grid.removeWidget(slot)
        for index, slot in enumerate(self.slots.values()):
            self.grid.addWidget(slot, index // columns, index % columns)
        for column in range(3):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)

    def selected_project_id(self) -> int | None:
        if self._others is None:
            return None
        rows = self.others.selectionModel().selectedRows()
        return rows[0].data(PROJECT_ID_ROLE) if rows else None

    def _emit_selected(self, signal: SignalInstance) -> None:
        project_id = self.selected_project_id()
        if project_id is not None:
            signal.emit(project_id)

    def _update_other_buttons(self) -> None:
        """Open with a present project selected; Locate… and Forget… with any project selected."""
        if self._others is None:
            return
        project_id = self.selected_project_id()
        project = self.state.project(project_id) if project_id is not None else None
        self.open_other.setEnabled(project is not None and project.exists)
        self.locate_other.setEnabled(project is not None)
        self.forget_other.setEnabled(project is not None)

    def _fit_others_table(self, rows: int) -> None:
        """As tall as its rows (up to OTHERS_VISIBLE_ROWS): an empty or short list takes no more room."""
        shown = max(1, min(rows, OTHERS_VISIBLE_ROWS))
        row_height = self.others.verticalHeader().defaultSectionSize()
        frame = 2 * self.others.frameWidth()
        self.others.setFixedHeight(self.others.horizontalHeader().sizeHint().height() + shown * row_height + frame)

    def _portfolio_sentence(self) -> str:
        portfolio = self.state.portfolio_report
        in_slots = [kind for kind in self.slots if self.state.slot_project(kind) is not None]
        if not self.state.projects:
            return (
                "Your portfolio is empty. Start with the <b>RAG application</b>: <i>Generate</i> it below and it is "
                "committed to its own git repository, ready to run. Already have a project? <i>File → Import…</i>"
            )
        if portfolio is None:
            return "Portfolio readiness: checking…"
        missing = [kind for kind in self.slots if kind not in in_slots]
        if missing:
            done = len(self.slots) - len(missing)
            return (
                f"Portfolio readiness: <b>{portfolio.level.label}</b>. {done} of {len(self.slots)} projects generated;"
                f" next, generate your {SLOT_TITLE.get(missing[0], missing[0])}."
            )
        weakest = portfolio.weakest
        held_back = f" (held back by your {SLOT_TITLE.get(weakest, weakest)})" if weakest else ""
        return f"Portfolio readiness: <b>{portfolio.level.label}</b>{held_back}"

    @Slot()
    def refresh(self) -> None:
        for kind, slot in self.slots.items():
            project = self.state.slot_project(kind)
            summary = self.state.summaries.get(project.id) if project else None
            report = self.state.reports.get(project.id) if project else None
            slot.show_project(project, last_commit_text(summary, project) if project else None, report)
        self.portfolio_level.setText(self._portfolio_sentence())
        others = self.state.other_projects()
        self.others_empty.setVisible(not others)
        if not others and self._others is None:
            return
        selected = self.selected_project_id()
        self.others_model.set_projects(others, self.state.summaries)
        if selected is not None:
            row = next((i for i, p in enumerate(others) if p.id == selected), None)
            if row is not None:
                self.others.selectRow(row)
        self.other_projects.setVisible(bool(others))
        self._fit_others_table(len(others))
        self._update_other_buttons()
