"""A table model over the portfolio's "other projects" (those not in a recommended slot)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from scaffolder.core import git
from scaffolder.core.store import Project
from scaffolder.gui import theme

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Name", "Kind", "Last commit", "Path")
PROJECT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def count_text(count: int, noun: str) -> str:
    """ "1 commit", "2 commits", "0 commits"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def last_commit_text(summary: git.RepoSummary | None, project: Project) -> str:
    if not project.exists:
        return "folder missing"
    if summary is None:
        return "…"
    if summary.last_commit_at is None:
        return "no commits"
    return f"{summary.last_commit_at:%Y-%m-%d %H:%M} on {summary.branch or 'detached HEAD'}"


class PortfolioTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._projects: list[Project] = []
        self._summaries: dict[int, git.RepoSummary | None] = {}

    def set_projects(self, projects: list[Project], summaries: dict[int, git.RepoSummary | None]) -> None:
        self.beginResetModel()
        self._projects = list(projects)
        self._summaries = dict(summaries)
        self.endResetModel()

    def project_at(self, row: int) -> Project:
        return self._projects[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._projects)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._projects)):
            return None
        project = self._projects[index.row()]
        if role == PROJECT_ID_ROLE:
            return project.id
        if role == Qt.ItemDataRole.DisplayRole:
            summary = self._summaries.get(project.id)
            return (project.name, project.kind, last_commit_text(summary, project), str(project.path))[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(project.path) if project.exists else f"{project.path} is missing: locate or forget it"
        if role == Qt.ItemDataRole.ForegroundRole and not project.exists:
            return QColor(theme.colour("error"))
        return None
