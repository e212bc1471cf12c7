"""A project's readiness level as a coloured badge that names the level in words (never colour
alone), and its score as a bar: for the readiness header and the dashboard's project slots.

It reads a Report by duck typing so the dashboard can paint before the readiness engine (and
the Markdown parser under it) is imported: that import happens on the worker that checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from scaffolder.gui import theme

if TYPE_CHECKING:
    from scaffolder.core.readiness.model import Level, Report

# By level slug; each has white text at a contrast of 4.5:1 or more, in light and dark mode alike.
LEVEL_COLOURS = {
    "not-started": "#616161",
    "draft": "#5d4037",
    "shareable": "#1565c0",
    "deployed": "#2e7d32",
    "portfolio-ready": "#6a1b9a",
}


class LevelBadge(QWidget):
    """`set_report(report)`, or `set_report(None)` while unknown."""

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
            self.label.setStyleSheet("")
            theme.tint(self.label, "muted")
            self.bar.setValue(0)
            self.setToolTip("")
            return
        self.set_level(report.level, report.score)
        todo = "; ".join(r.check.title for r in report.next_checks())
        self.setToolTip(f"Next: {todo}" if todo else "Every check passes.")

    def set_level(self, level: Level, score: int) -> None:
        self.label.setText(level.label)
        self.label.setStyleSheet(
            f"background: {LEVEL_COLOURS[level.slug]}; color: white; border-radius: 4px; padding: 2px 8px;"
            " font-weight: 600"
        )
        self.bar.setValue(score)
