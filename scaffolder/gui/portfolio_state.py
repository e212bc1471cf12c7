"""The GUI's view of the portfolio: projects from the store, git summaries filled in later, and
each project folder's presence followed on disk.

Reading the store is quick; git summaries are not (one repository each), so they are
computed on a worker after the window is up and arrive by `summaries_changed`; the offline
readiness checks run in a child process (`offline_readiness`) and arrive by `reports_changed`.
A file watcher on the folders that hold the projects notices a project folder moved, renamed or
deleted in a shell (and one that comes back) within PRESENCE_DEBOUNCE_MS, without polling.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QFileSystemWatcher, QObject, QTimer, Signal

from scaffolder.core import git
from scaffolder.core.errors import Cancelled
from scaffolder.core.paths import BUNDLED_KINDS
from scaffolder.core.store import Project, Store
from scaffolder.gui import workers

if TYPE_CHECKING:  # the readiness engine is imported by the project page only, not at start
    from scaffolder.core.readiness.model import PortfolioReport, Report

log = logging.getLogger(__name__)
PRESENCE_DEBOUNCE_MS = 150  # a `mv` or `rm -rf` is a burst of events: stat once it settles
SLOT_SETTING = "slot.{kind}"  # which project of a kind the dashboard shows in its slot


def summarize_projects(projects: list[Project]) -> dict[int, git.RepoSummary | None]:
    return {p.id: git.summarize(p.path) if p.exists else None for p in projects}


def check_offline(
    store: Store, projects: list[Project], cancel: threading.Event | None = None
) -> PortfolioReport | None:
    """The offline readiness of `projects`, from a child process (`offline_readiness`); None when
    cancelled (a newer check replaced it). Any other failure is the message channel's to say."""
    from scaffolder.gui.offline_readiness import check_in_child  # with pickle: not before the window is built

    try:
        return check_in_child(store, projects, cancel=cancel)
    except Cancelled:
        return None


def nearest_existing(path: Path) -> Path | None:
    for candidate in (path, *path.parents):
        if candidate.is_dir():
            return candidate
    return None


def presence_watch_paths(projects: list[Project]) -> set[str]:
    """What to watch so that a project folder's move, rename or removal is an event: the folder
    that holds it (and the project folder itself, which reports its own removal). For a missing
    project, the nearest folder that exists, where it would reappear."""
    wanted: set[str] = set()
    for project in projects:
        if project.path.is_dir():
            wanted.add(str(project.path))
        holder = nearest_existing(project.path.parent)
        if holder is not None:
            wanted.add(str(holder))
    return wanted


class PortfolioState(QObject):
    projects_changed = Signal()
    summaries_changed = Signal()
    reports_changed = Signal()
    presence_changed = Signal(int, bool)  # project id, whether its folder exists now

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.projects: list[Project] = []
        self.summaries: dict[int, git.RepoSummary | None] = {}
        self.reports: dict[int, Report] = {}
        self.portfolio_report: PortfolioReport | None = None
        self.slot_choice: dict[str, int] = {}
        self.present: dict[int, bool] = {}
        self._checking: workers.FunctionWorker | None = None  # the offline check running now
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop_checking)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._on_folder_event)
        self.presence_timer = QTimer(self)
        self.presence_timer.setSingleShot(True)
        self.presence_timer.setInterval(PRESENCE_DEBOUNCE_MS)
        self.presence_timer.timeout.connect(self.check_presence)

    def reload(self, *, background: bool = True) -> None:
        """Re-read the store now, then (unless `background` is False: the caller starts it with
        `refresh_in_background()` when it suits) refresh git summaries and readiness on workers."""
        self.projects = self.store.projects()
        settings = self.store.settings()
        self.slot_choice = {
            kind: int(settings[key])
            for kind in BUNDLED_KINDS
            if (key := SLOT_SETTING.format(kind=kind)) in settings and settings[key].isdigit()
        }
        self.present = {p.id: p.exists for p in self.projects}
        self._watch()
        self.projects_changed.emit()
        if background:
            self.refresh_in_background()

    def refresh_in_background(self, projects: list[Project] | None = None) -> None:
        """Git summaries of `projects` (default: all) and the readiness of all, on workers."""
        self.summarize_in_background(projects)
        self.check_readiness()

    def summarize_in_background(self, projects: list[Project] | None = None) -> None:
        """Git summaries of `projects` (default: all), on a worker."""
        projects = list(self.projects) if projects is None else projects
        worker = workers.run_in_background(summarize_projects, projects)
        worker.signals.finished.connect(self._on_summaries)

    def check_readiness(self) -> None:
        """The offline readiness of every project, from a child process (`offline_readiness`)."""
        if self._checking is not None:
            self._checking.cancel()  # its answer would be older than this one's
        checking = workers.run_in_background(check_offline, self.store, list(self.projects))
        checking.signals.finished.connect(self._on_reports)  # a failure takes the message channel's road
        checking.signals.done.connect(lambda: self._check_done(checking))
        self._checking = checking

    def resummarize(self, project_id: int) -> None:
        """The project's repository changed (a commit, an edit): its header follows."""
        project = self.project(project_id)
        if project is not None:
            worker = workers.run_in_background(summarize_projects, [project])
            worker.signals.finished.connect(self._on_summaries)

    def _on_summaries(self, summaries: dict[int, git.RepoSummary | None]) -> None:
        self.summaries.update(summaries)
        self.summaries_changed.emit()

    def _check_done(self, worker: workers.FunctionWorker) -> None:
        if self._checking is worker:
            self._checking = None

    def stop_checking(self) -> None:
        """The app is closing: the check's child process goes with it, now."""
        if self._checking is not None:
            self._checking.cancel()

    def _on_reports(self, portfolio: PortfolioReport | None) -> None:
        if portfolio is None:  # cancelled: a newer check replaced it
            return
        self.portfolio_report = portfolio
        self.reports = {r.project_id: r for r in portfolio.reports}
        self.reports_changed.emit()

    def update_report(self, report: Report) -> None:
        """A fresher report (the project page re-checked): the dashboard shows it too."""
        from scaffolder.core.readiness.model import PortfolioReport

        self.reports[report.project_id] = report
        if self.portfolio_report is not None:
            others = tuple(r for r in self.portfolio_report.reports if r.project_id != report.project_id)
            self.portfolio_report = PortfolioReport((*others, report), BUNDLED_KINDS)
        self.reports_changed.emit()

    # --- presence on disk ---------------------------------------------------------------------

    def _watch(self) -> None:
        wanted = presence_watch_paths(self.projects)
        current = set(self.watcher.directories())
        if current - wanted:
            self.watcher.removePaths(sorted(current - wanted))
        if wanted - current:
            self.watcher.addPaths(sorted(wanted - current))

    def _on_folder_event(self, _path: str) -> None:
        self.presence_timer.start()  # restarts: one look once the burst of events is over

    def check_presence(self) -> None:
        """Stat each project folder; say which went missing or came back (one stat each)."""
        changed = {p.id: now for p in self.projects if (now := p.exists) != self.present.get(p.id)}
        self._watch()  # a moved folder's watch is gone; a folder that came back is watched again
        if not changed:
            return
        self.present.update(changed)
        for project_id, exists in changed.items():
            self.presence_changed.emit(project_id, exists)
        self.projects_changed.emit()
        back = [p for p in self.projects if changed.get(p.id)]
        for project_id, exists in changed.items():
            if not exists:
                self.summaries[project_id] = None
        self.refresh_in_background(back)

    # --- which project is where ---------------------------------------------------------------

    def project(self, project_id: int) -> Project | None:
        return next((p for p in self.projects if p.id == project_id), None)

    def slot_project(self, kind: str) -> Project | None:
        """The project shown in a recommended slot: the one chosen for it, else the first of that kind."""
        chosen = self.slot_choice.get(kind)
        of_kind = [p for p in self.projects if p.kind == kind]
        return next((p for p in of_kind if p.id == chosen), of_kind[0] if of_kind else None)

    def other_projects(self) -> list[Project]:
        in_slots = {p.id for kind in BUNDLED_KINDS if (p := self.slot_project(kind))}
        return [p for p in self.projects if p.id not in in_slots]

    def choose_slot(self, kind: str, project_id: int) -> None:
        self.store.set_settings({SLOT_SETTING.format(kind=kind): str(project_id)})
        self.reload()

    def forget(self, project_id: int) -> None:
        project = self.project(project_id)
        if project is not None:
            self.store.forget(project.name)
        self.reload()

    def relocate(self, project_id: int, new_path: Path) -> None:
        project = self.project(project_id)
        if project is not None:
            self.store.relocate(project.name, new_path)
        self.reload()
