"""A project's readiness level as a coloured badge that names the level in words (never colour
alone), and its score as a bar: for the readiness header and the dashboard's project slots.

It reads a Report by duck typing so the dashboard can paint before the readiness vocabulary is
imported, and never needs the engine (the Markdown parser under it): the dashboard's reports come
from a child process (offline_readiness.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from scaffolder.gui import theme

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent

    from scaffolder.core.readiness.model import Level, Report

# By level slug; each has white text at a contrast of 4.5:1 or more, in light and dark mode alike.
LEVEL_COLOURS = {
    "not-started": "#616161",
    "draft": "#5d4037",
    "shareable": "#1565c0",
    "deployed": "#2e7d32",
    "portfolio-ready": "#6a1b9a",
}


class LevelName(QLabel):
    """The level's name in white on the level's colour, in a box with rounded corners. Painted
    here rather than by a style sheet: each styled widget gets a style object of its own, which
    costs the dashboard's three badges ~20 ms and 0.6 MB (benchmarks/bench_startup.py)."""

    def __init__(self) -> None:
        super().__init__()
        self.background: QColor | None = None  # None: plain text, as the palette says

    def set_background(self, colour: str | None) -> None:
        self.background = QColor(colour) if colour else None
        font = self.font()
        font.setWeight(QFont.Weight.DemiBold if colour else QFont.Weight.Normal)
        self.setFont(font)
        if colour:
            self.setContentsMargins(8, 2, 8, 2)
        else:
            self.setContentsMargins(0, 0, 0, 0)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.background is None:
            super().paintEvent(event)
            return
        from PySide6.QtGui import QPainter  # its Python enums are built at the first coloured badge, after start

        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self.background)
        painter.setBrush(self.background)
        painter.drawRoundedRect(self.rect().adjusted(0, 0, -1, -1), 4, 4)
        painter.setPen(QColor("white"))  # 4.5:1 or more on every level's colour
        painter.drawText(self.contentsRect(), self.alignment(), self.text())
        painter.end()


class LevelBadge(QWidget):
    """`set_report(report)`, or `set_report(None)` while unknown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = LevelName()
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
            self.label.set_background(None)
            theme.tint(self.label, "muted")
            self.bar.setValue(0)
            self.setToolTip("")
            return
        self.set_level(report.level, report.score)
        todo = "; ".join(r.check.title for r in report.next_checks())
        self.setToolTip(f"Next: {todo}" if todo else "Every check passes.")

    def set_level(self, level: Level, score: int) -> None:
        self.label.setText(level.label)
        self.label.set_background(LEVEL_COLOURS[level.slug])
        self.bar.setValue(score)
