"""One project's readiness: the level and score, the next three checks, the README / Deployment /
Write-up checklists (plus the git-history check) with evidence, fix and why, manual check boxes,
the live and write-up URLs, and a Re-check button.

Every check run and store write goes through `workers.run_in_background`; the widget only shows
the last `Report` and turns clicks into intents. A file watcher on the project folder, its
README/write-up and `.git` re-checks (offline, debounced) when something changes on disk.
Only the Re-check button, a URL change and the first load probe the URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QFileSystemWatcher,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStyle,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from scaffolder.core.readiness import (
    Checklist,
    CheckResult,
    InvalidUrl,
    Kind,
    Level,
    Report,
    Result,
    Surface,
    check_projects,
    validate_url,
)
from scaffolder.core.readiness.snapshot import README_NAMES, WRITEUP_NAMES
from scaffolder.core.store import Project, Store
from scaffolder.gui import workers
from scaffolder.gui.messages import error_text

ModelIndex = QModelIndex | QPersistentModelIndex

RESULT_ICONS = {
    Result.PASSED: QStyle.StandardPixmap.SP_DialogApplyButton,
    Result.FAILED: QStyle.StandardPixmap.SP_MessageBoxCritical,
    Result.NOT_CHECKED: QStyle.StandardPixmap.SP_MessageBoxQuestion,
    Result.NOT_APPLICABLE: QStyle.StandardPixmap.SP_DialogNoButton,
}
RESULT_WORDS = {
    Result.PASSED: "Passed",
    Result.FAILED: "Failed",
    Result.NOT_CHECKED: "Not checked yet",
    Result.NOT_APPLICABLE: "Not applicable",
}
LEVEL_COLOURS = {
    Level.NOT_STARTED: "#9e9e9e",
    Level.DRAFT: "#757575",
    Level.SHAREABLE: "#1565c0",
    Level.DEPLOYED: "#2e7d32",
    Level.PORTFOLIO_READY: "#6a1b9a",
}
# Folders whose new or removed files can change a result (Dockerfile, tests/, workflows, refs…).
WATCHED_DIRS = (
    "",
    "docs",
    "tests",
    ".github",
    ".github/workflows",
    ".git",
    ".git/refs",
    ".git/refs/heads",
    ".git/refs/remotes",
)
DEFAULT_DEBOUNCE_MS = 1500


@dataclass(frozen=True)
class ReadinessState:
    """What one check run brings back to the UI thread."""

    report: Report
    project: Project


def load_readiness(store: Store, project_id: int, probe: bool) -> ReadinessState:
    """Runs on a worker: re-read the project, check it, probe its URLs if asked."""
    project = store.get(project_id)
    return ReadinessState(check_projects(store, [project], offline=not probe, surface=Surface.APP)[0], project)


def save_url(store: Store, project_id: int, field: str, url: str | None) -> None:
    name = store.get(project_id).name
    (store.set_live_url if field == "live-url" else store.set_writeup_url)(name, url)


def save_tick(store: Store, project_id: int, check_id: str, ticked: bool, evidence_url: str | None) -> None:
    name = store.get(project_id).name
    if ticked:
        store.tick(name, check_id, evidence_url)
    else:
        store.untick(name, check_id)


def watch_paths(root: Path) -> set[str]:
    """The folders and files whose change can change a check, as they exist now."""
    wanted = {root / d for d in WATCHED_DIRS if (root / d).is_dir()}
    remotes = root / ".git" / "refs" / "remotes"
    if remotes.is_dir():
        wanted.update(p for p in remotes.iterdir() if p.is_dir())
    wanted.update(root / name for name in (*README_NAMES, *WRITEUP_NAMES) if (root / name).is_file())
    return {str(p) for p in wanted}


class ChecklistModel(QAbstractTableModel):
    """One checklist's results as a table: check, evidence, how to fix. Manual checks are
    checkable, and their evidence URL is editable; both changes leave as intents."""

    COLUMNS = ("Check", "Evidence", "How to fix")
    CHECK_ID_ROLE = Qt.ItemDataRole.UserRole + 1

    tick_requested = Signal(str, bool)  # check id, ticked
    evidence_url_entered = Signal(str, str)  # check id, URL as typed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.results: list[CheckResult] = []
        self.evidence_urls: dict[str, str] = {}

    def set_results(self, results: list[CheckResult], evidence_urls: dict[str, str]) -> None:
        self.beginResetModel()
        self.results, self.evidence_urls = list(results), dict(evidence_urls)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008  (Qt's own default)
        return 0 if parent.isValid() else len(self.results)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def _manual(self, index: ModelIndex) -> bool:
        return self.results[index.row()].check.kind is Kind.MANUAL

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._manual(index) and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        if self._manual(index) and index.column() == 1:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.results):
            return None
        r, column = self.results[index.row()], index.column()
        if role == self.CHECK_ID_ROLE:
            return r.check.id
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.check.title, r.evidence, r.fix)[column]
        if role == Qt.ItemDataRole.EditRole and column == 1:
            return self.evidence_urls.get(r.check.id, "")
        if role == Qt.ItemDataRole.DecorationRole and column == 0 and r.check.kind is Kind.AUTO:
            return _icon(r.result)
        if role == Qt.ItemDataRole.CheckStateRole and column == 0 and r.check.kind is Kind.MANUAL:
            return Qt.CheckState.Checked if r.result is Result.PASSED else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return f"{RESULT_WORDS[r.result]}. Why it matters: {r.check.why}"
            if column == 1 and r.check.kind is Kind.MANUAL:
                return "Double-click to enter a URL that shows it (a post, a recording…)"
            return (None, r.evidence, r.fix)[column] or None
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not self._manual(index):
            return False
        check_id = self.results[index.row()].check.id
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 0:
            self.tick_requested.emit(check_id, Qt.CheckState(value) == Qt.CheckState.Checked)
            return True
        if role == Qt.ItemDataRole.EditRole and index.column() == 1:
            self.evidence_url_entered.emit(check_id, str(value or "").strip())
            return True
        return False


def _icon(result: Result) -> QIcon:
    style = QApplication.style()
    return style.standardIcon(RESULT_ICONS[result]) if style is not None else QIcon()


class LevelBadge(QWidget):
    """A project's level as a coloured label and its score as a bar: for the readiness header
    and the dashboard's project slots (`set_report(report)`, or `set_report(None)` while unknown)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setObjectName("level-badge")
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setFormat("%p% of checks")
        self.bar.setMaximumHeight(16)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar, 1)
        self.set_report(None)

    def set_report(self, report: Report | None) -> None:
        if report is None:
            self.label.setText("Not checked yet")
            self.label.setStyleSheet("color: palette(placeholder-text)")
            self.bar.setValue(0)
            self.setToolTip("")
            return
        self.set_level(report.level, report.score)
        todo = "; ".join(r.check.title for r in report.next_checks())
        self.setToolTip(f"Next: {todo}" if todo else "Every check passes.")

    def set_level(self, level: Level, score: int) -> None:
        self.label.setText(level.label)
        self.label.setStyleSheet(
            f"background: {LEVEL_COLOURS[level]}; color: white; border-radius: 4px; padding: 2px 8px; font-weight: 600"
        )
        self.bar.setValue(score)


class ReadinessView(QWidget):
    """The readiness page of one project (by store id). Emits `report_changed(Report)` after each
    check run. Re-checks itself when the project changes on disk."""

    report_changed = Signal(object)  # Report
    error_occurred = Signal(object, str)  # the exception, its traceback: for the app's message channel

    def __init__(
        self,
        store: Store,
        project_id: int,
        parent: QWidget | None = None,
        *,
        debounce_ms: int = DEFAULT_DEBOUNCE_MS,
        probe_on_start: bool = True,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.project_id = project_id
        self.report: Report | None = None
        self.project: Project | None = None
        self._running: workers.FunctionWorker | None = None
        self._queued_probe: bool | None = None  # a re-check asked for while one runs

        self.badge = LevelBadge()
        self.status = QLabel("Checking…")
        self.status.setObjectName("readiness-status")
        self.recheck_button = QPushButton("&Re-check")
        self.recheck_button.setToolTip("Check the files again and probe the live and write-up URLs")
        self.recheck_button.clicked.connect(lambda: self.recheck(probe=True))
        self.next_label = QLabel()
        self.next_label.setWordWrap(True)
        self.next_label.setObjectName("readiness-next")

        self.live_url = QLineEdit()
        self.live_url.setPlaceholderText("https://your-app.onrender.com")
        self.live_url.editingFinished.connect(lambda: self._on_url_edited("live-url", self.live_url))
        self.writeup_url = QLineEdit()
        self.writeup_url.setPlaceholderText("https://your-blog.dev/how-i-built-it")
        self.writeup_url.editingFinished.connect(lambda: self._on_url_edited("writeup-url", self.writeup_url))
        self.url_error = QLabel()
        self.url_error.setStyleSheet("color: #b3261e")
        self.url_error.setWordWrap(True)
        self.url_error.hide()

        self.tabs = QTabWidget()
        self.models: dict[Checklist, ChecklistModel] = {}
        self.tables: dict[Checklist, QTableView] = {}
        for checklist in Checklist:
            model = ChecklistModel(self)
            model.tick_requested.connect(self._on_tick_requested)
            model.evidence_url_entered.connect(self._on_evidence_url_entered)
            self.models[checklist] = model
            self.tables[checklist] = self._table(model)
            self.tabs.addTab(self.tables[checklist], checklist.label)

        header = QHBoxLayout()
        header.addWidget(self.badge, 1)
        header.addWidget(self.status)
        header.addWidget(self.recheck_button)
        urls = QFormLayout()
        urls.addRow("&Live URL:", self.live_url)
        urls.addRow("&Write-up URL:", self.writeup_url)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.next_label)
        layout.addLayout(urls)
        layout.addWidget(self.url_error)
        layout.addWidget(self.tabs, 1)

        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._on_disk_changed)
        self.watcher.directoryChanged.connect(self._on_disk_changed)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(debounce_ms)
        self.debounce.timeout.connect(lambda: self.recheck(probe=False))
        self.recheck(probe=probe_on_start)

    @staticmethod
    def _table(model: ChecklistModel) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setWordWrap(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        table.verticalHeader().hide()
        # Rows follow their wrapped text as columns resize, also on tabs not shown yet (nine rows at most).
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        return table

    # --- running checks ---------------------------------------------------------------------

    def recheck(self, probe: bool = True) -> None:
        """Check again on a worker; a request while one runs is queued (probing wins)."""
        if self._running is not None:
            self._queued_probe = bool(self._queued_probe) or probe
            return
        self.status.setText("Checking and probing URLs…" if probe else "Checking…")
        worker = workers.run_in_background(load_readiness, self.store, self.project_id, probe)
        worker.signals.finished.connect(self._on_checked)
        worker.signals.failed.connect(self._on_failed)
        worker.signals.done.connect(self._on_done)
        self._running = worker

    @property
    def busy(self) -> bool:
        return self._running is not None

    @Slot(object)
    def _on_checked(self, state: ReadinessState) -> None:
        self.report, self.project = state.report, state.project
        self._show(state)
        self._watch(state.project.path)
        self.report_changed.emit(state.report)

    @Slot(object, str)
    def _on_failed(self, err: BaseException, details: str) -> None:
        message, _hint = error_text(err)
        self.status.setText(message)
        self.error_occurred.emit(err, details)

    @Slot()
    def _on_done(self) -> None:
        self._running = None
        if self._queued_probe is not None:
            probe, self._queued_probe = self._queued_probe, None
            self.recheck(probe=probe)

    def _show(self, state: ReadinessState) -> None:
        report, project = state.report, state.project
        self.badge.set_report(report)
        self.status.setText(f"Checked {report.checked_at.astimezone().strftime('%H:%M:%S')}")
        todo = report.next_checks()
        self.next_label.setText(
            "Next: " + "  ·  ".join(f"{i}. {r.check.title}" for i, r in enumerate(todo, 1))
            if todo
            else "Every check passes: this project is portfolio-ready."
        )
        self.next_label.setToolTip("\n".join(f"{r.check.title}: {r.fix}" for r in todo))
        evidence_urls = {k: m.evidence_url for k, m in project.manual_checks.items() if m.evidence_url}
        for i, checklist in enumerate(Checklist):
            results = report.checklist(checklist)
            self.models[checklist].set_results(results, evidence_urls)
            applicable = [r for r in results if r.result is not Result.NOT_APPLICABLE]  # as the score counts
            done = sum(r.ok for r in applicable)
            self.tabs.setTabText(i, f"{checklist.label} ({done}/{len(applicable)})")
        for edit, url in ((self.live_url, project.live_url), (self.writeup_url, project.writeup_url)):
            if not edit.hasFocus():
                edit.setText(url or "")

    # --- watching the disk ------------------------------------------------------------------

    def _watch(self, root: Path) -> None:
        """Follow the paths that exist now (a save by rename drops a file from the watch)."""
        wanted = watch_paths(root)
        current = set(self.watcher.files()) | set(self.watcher.directories())
        if current - wanted:
            self.watcher.removePaths(sorted(current - wanted))
        if wanted - current:
            self.watcher.addPaths(sorted(wanted - current))

    @Slot(str)
    def _on_disk_changed(self, _path: str) -> None:
        self.debounce.start()  # restarts: a burst of changes (a save, a commit) gives one re-check

    # --- intents ----------------------------------------------------------------------------

    def _url_or_error(self, text: str) -> tuple[bool, str | None]:
        """(valid, url): an empty text is a valid "no URL"; an invalid one is explained inline."""
        try:
            url = validate_url(text) if text else None
        except InvalidUrl as err:
            self.url_error.setText(f"{err.message} {err.hint}".strip())
            self.url_error.show()
            return False, None
        self.url_error.hide()
        return True, url

    def _after_write(self, worker: workers.FunctionWorker, probe: bool) -> None:
        worker.signals.failed.connect(self._on_failed)
        worker.signals.finished.connect(self._recheck_probing if probe else self._recheck_offline)

    @Slot(object)
    def _recheck_probing(self, _result: object) -> None:
        self.recheck(probe=True)

    @Slot(object)
    def _recheck_offline(self, _result: object) -> None:
        self.recheck(probe=False)

    def _on_url_edited(self, field: str, edit: QLineEdit) -> None:
        text = edit.text().strip()
        recorded = (
            (self.project.live_url if field == "live-url" else self.project.writeup_url) if self.project else None
        )
        if text == (recorded or ""):
            self.url_error.hide()
            return
        valid, url = self._url_or_error(text)
        if valid:
            worker = workers.run_in_background(save_url, self.store, self.project_id, field, url)
            self._after_write(worker, probe=True)

    @Slot(str, bool)
    def _on_tick_requested(self, check_id: str, ticked: bool) -> None:
        evidence = None
        if ticked and self.project is not None and check_id in self.project.manual_checks:
            evidence = self.project.manual_checks[check_id].evidence_url
        worker = workers.run_in_background(save_tick, self.store, self.project_id, check_id, ticked, evidence)
        self._after_write(worker, probe=False)

    @Slot(str, str)
    def _on_evidence_url_entered(self, check_id: str, text: str) -> None:
        """Entering an evidence URL ticks the check with it; clearing it keeps the tick, without a URL."""
        valid, url = self._url_or_error(text)
        if valid:
            worker = workers.run_in_background(save_tick, self.store, self.project_id, check_id, True, url)
            self._after_write(worker, probe=False)
