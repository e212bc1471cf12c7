"""One project's readiness: the level and score, the next three checks, the README / Deployment /
Write-up checklists (plus the git-history check) with evidence, fix and why, manual check boxes,
the live and write-up URLs, and a Re-check button.

Every check run and store write goes through `workers.run_in_background`; the widget only shows
the last `Report` and turns clicks into intents. A file watcher on the project folder, its
README/write-up and `.git` re-checks (offline, debounced) when something changes on disk.
Only the Re-check button, a URL change and the first load probe the URLs.

The parts: `models/checklist_model.py` (one checklist as a table model), `level_badge.py` (the
level and score), `readiness_tasks.py` (what runs on workers, what to watch); this module is
the view that puts them together.
"""

from __future__ import annotations

from PySide6.QtCore import QFileSystemWatcher, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from scaffolder.core.readiness import Checklist, InvalidUrl, Report, Result, validate_url
from scaffolder.core.store import Project, Store, UrlField
from scaffolder.gui import messages, theme, workers
from scaffolder.gui.level_badge import LevelBadge
from scaffolder.gui.messages import error_text
from scaffolder.gui.models.checklist_model import ChecklistModel
from scaffolder.gui.readiness_tasks import (
    ReadinessState,
    live_url_placeholder,
    load_readiness,
    save_tick,
    save_url,
    with_known_names,
)

# Quiet time after the last change before re-checking: long enough to coalesce a burst (a save,
# a commit, a `git checkout` writes many files within a few ms of each other), short enough that
# the page follows an edit or a commit in a shell within half a second.
DEFAULT_DEBOUNCE_MS = 200


class ReadinessView(QWidget):
    """The readiness page of one project (by store id). Emits `report_changed(Report)` after each
    check run. Re-checks itself when the project changes on disk."""

    report_changed = Signal(Report)
    error_occurred = Signal(BaseException, str)  # the exception, its traceback: for the app's message channel

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
        self.live_url.editingFinished.connect(lambda: self._on_url_edited(UrlField.LIVE, self.live_url))
        self.writeup_url = QLineEdit()
        self.writeup_url.setPlaceholderText("https://your-blog.dev/how-i-built-it")
        self.writeup_url.editingFinished.connect(lambda: self._on_url_edited(UrlField.WRITEUP, self.writeup_url))
        self.url_error = QLabel()
        self.url_error.setStyleSheet(theme.error_style())
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
            self.tables[checklist].selectionModel().selectionChanged.connect(self._update_evidence_button)
        self.tabs.currentChanged.connect(self._update_evidence_button)
        self.evidence_button = QPushButton("&Evidence URL…")
        self.evidence_button.setObjectName("evidence-url")
        self.evidence_button.setToolTip("Give a URL that shows the selected manual check is done; it ticks the check")
        self.evidence_button.clicked.connect(self.ask_evidence_url)
        self.evidence_button.setEnabled(False)
        self.manual_note = QLabel(
            "Manual checks: tick the box when it is done; select one to give a URL that shows it."
        )
        self.manual_note.setWordWrap(True)
        self.manual_note.setStyleSheet(theme.muted_style())

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
        evidence_row = QHBoxLayout()
        evidence_row.addWidget(self.manual_note, 1)
        evidence_row.addWidget(self.evidence_button)
        layout.addLayout(evidence_row)

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

    @Slot(object)
    def _on_checked(self, state: ReadinessState) -> None:
        self.report, self.project = state.report, state.project
        self._show(state)
        self._watch(set(state.watch))
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
        self.live_url.setPlaceholderText(live_url_placeholder(project))
        github_username = state.github_username

        def fill(text: str) -> str:
            return with_known_names(text, project, github_username)

        for i, checklist in enumerate(Checklist):
            results = report.checklist(checklist)
            self.models[checklist].set_results(results, evidence_urls, fill)
            applicable = [r for r in results if r.result is not Result.NOT_APPLICABLE]  # as the score counts
            done = sum(r.ok for r in applicable)
            self.tabs.setTabText(i, f"{checklist.label} ({done}/{len(applicable)})")
        for edit, url in ((self.live_url, project.live_url), (self.writeup_url, project.writeup_url)):
            if not edit.hasFocus():
                edit.setText(url or "")

    def selected_manual_check(self) -> tuple[str, str] | None:
        """(check id, title) of the manual check selected on the current tab, if one is."""
        table = self.tabs.currentWidget()
        if not isinstance(table, QTableView):
            return None
        model = table.model()
        rows = table.selectionModel().selectedRows() if table.selectionModel() else []
        if not isinstance(model, ChecklistModel) or not rows or not model.is_manual(rows[0].row()):
            return None
        check = model.results[rows[0].row()].check
        return check.id, check.title

    @Slot()
    def _update_evidence_button(self, *_args: object) -> None:
        self.evidence_button.setEnabled(self.selected_manual_check() is not None)

    @Slot()
    def ask_evidence_url(self) -> None:
        selected = self.selected_manual_check()
        if selected is None:
            return
        check_id, title = selected
        current = ""
        if self.project is not None and check_id in self.project.manual_checks:
            current = self.project.manual_checks[check_id].evidence_url or ""
        text = messages.ask_text(
            self, "Evidence URL", f"A URL that shows “{title}” is done (a post, a recording…):", current
        )
        if text is not None:
            self._on_evidence_url_entered(check_id, text.strip())

    # --- watching the disk ------------------------------------------------------------------

    def _watch(self, wanted: set[str]) -> None:
        """Follow the paths that exist now (a save by rename drops a file from the watch)."""
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

    def _on_url_edited(self, field: UrlField, edit: QLineEdit) -> None:
        text = edit.text().strip()
        recorded = self.project.url(field) if self.project else None
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
