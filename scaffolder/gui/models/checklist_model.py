"""One readiness checklist as a table model: check, evidence, how to fix. The readiness view
shows one per checklist; manual checks are checkable and their evidence URL editable, and both
changes leave as intents (signals) for the view to record through a worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from scaffolder.core.readiness import CheckResult, Kind, Result

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
        self.fill: Callable[[str], str] = lambda text: text

    def set_results(
        self, results: list[CheckResult], evidence_urls: dict[str, str], fill: Callable[[str], str] | None = None
    ) -> None:
        """`fill` puts what the app knows into a fix hint's placeholders."""
        self.beginResetModel()
        self.results, self.evidence_urls = list(results), dict(evidence_urls)
        if fill is not None:
            self.fill = fill
        self.endResetModel()

    def is_manual(self, row: int) -> bool:
        return 0 <= row < len(self.results) and self.results[row].check.kind is Kind.MANUAL

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
            return (r.check.title, r.evidence, self.fill(r.fix))[column]
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
                return "Select the row and use “Evidence URL…” to give a URL that shows it (a post, a recording…)"
            return (None, r.evidence, self.fill(r.fix))[column] or None
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
