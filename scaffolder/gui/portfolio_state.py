"""The GUI's view of the portfolio: projects from the store, git summaries filled in later.

Reading the store is quick; git summaries are not (one repository each), so they are
computed on a worker after the window is up and arrive by `summaries_changed`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from scaffolder.core import git
from scaffolder.core.paths import BUNDLED_KINDS
from scaffolder.core.readiness.engine import check_projects
from scaffolder.core.readiness.model import PortfolioReport, Report, Surface
from scaffolder.core.store import Project, Store
from scaffolder.gui import workers


def summarize_projects(projects: list[Project]) -> dict[int, git.RepoSummary | None]:
    return {p.id: git.summarize(p.path) if p.exists else None for p in projects}


def check_offline(store: Store, projects: list[Project]) -> PortfolioReport:
    """Readiness from files and git only: probing URLs is the project page's job."""
    return PortfolioReport(tuple(check_projects(store, projects, offline=True, surface=Surface.APP)), BUNDLED_KINDS)


class PortfolioState(QObject):
    projects_changed = Signal()
    summaries_changed = Signal()
    reports_changed = Signal()

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.projects: list[Project] = []
        self.summaries: dict[int, git.RepoSummary | None] = {}
        self.reports: dict[int, Report] = {}
        self.portfolio_report: PortfolioReport | None = None

    def reload(self) -> None:
        """Re-read the store now, then refresh git summaries in the background."""
        self.projects = self.store.projects()
        self.projects_changed.emit()
        worker = workers.run_in_background(summarize_projects, list(self.projects))
        worker.signals.finished.connect(self._on_summaries)
        checking = workers.run_in_background(check_offline, self.store, list(self.projects))
        checking.signals.finished.connect(self._on_reports)

    def _on_summaries(self, summaries: dict[int, git.RepoSummary | None]) -> None:
        self.summaries.update(summaries)
        self.summaries_changed.emit()

    def _on_reports(self, portfolio: PortfolioReport) -> None:
        self.portfolio_report = portfolio
        self.reports = {r.project_id: r for r in portfolio.reports}
        self.reports_changed.emit()

    def update_report(self, report: Report) -> None:
        """A fresher report (the project page re-checked): the dashboard shows it too."""
        self.reports[report.project_id] = report
        if self.portfolio_report is not None:
            others = tuple(r for r in self.portfolio_report.reports if r.project_id != report.project_id)
            self.portfolio_report = PortfolioReport((*others, report), BUNDLED_KINDS)
        self.reports_changed.emit()

    def project(self, project_id: int) -> Project | None:
        return next((p for p in self.projects if p.id == project_id), None)

    def slot_project(self, kind: str) -> Project | None:
        """The project shown in a recommended slot: the first of that kind."""
        return next((p for p in self.projects if p.kind == kind), None)

    def other_projects(self) -> list[Project]:
        in_slots = {p.id for kind in ("rag", "agent", "fullstack") if (p := self.slot_project(kind))}
        return [p for p in self.projects if p.id not in in_slots]

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
