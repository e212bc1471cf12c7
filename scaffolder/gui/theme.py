"""Colours, icons and the light/dark palette: one place, so every widget follows the system's
colour scheme (Qt 6.5+ `styleHints().colorScheme()`) and says what a colour means in words too."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QWidget

ICON_PATH = Path(__file__).resolve().parent / "resources" / "app-icon.svg"
_LIGHT = {"error": "#b3261e", "muted": "#5f6368", "ok": "#1b5e20"}
_DARK = {"error": "#f2b8b5", "muted": "#a8acb3", "ok": "#a5d6a7"}


def is_dark() -> bool:
    app = QGuiApplication.instance()
    if app is None:
        return False
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)  # Qt 6.5+
    if scheme is not None and scheme() == Qt.ColorScheme.Dark:
        return True
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 110


def colour(name: str) -> str:
    return (_DARK if is_dark() else _LIGHT)[name]


def error_style() -> str:
    return f"color: {colour('error')}"


def muted_style() -> str:
    return f"color: {colour('muted')}"


def dark_palette() -> QPalette:
    palette = QPalette()
    window, base, text = QColor("#202124"), QColor("#2b2c2f"), QColor("#e8eaed")
    for role, value in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, QColor("#303134")),
        (QPalette.ColorRole.ToolTipBase, base),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, QColor("#35363a")),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.Highlight, QColor("#8ab4f8")),
        (QPalette.ColorRole.HighlightedText, QColor("#202124")),
        (QPalette.ColorRole.Link, QColor("#8ab4f8")),
        (QPalette.ColorRole.PlaceholderText, QColor("#9aa0a6")),
    ):
        palette.setColor(role, value)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#80868b"))
    return palette


def follow_color_scheme(app: QApplication) -> None:
    """Fusion with a dark palette when the system asks for dark, and again whenever it changes.
    Fusion draws the same on every platform, so both schemes are the ones we looked at."""
    app.setStyle("Fusion")
    light = app.style().standardPalette()

    def apply(*_args: object) -> None:
        hints = QGuiApplication.styleHints()
        dark = getattr(hints, "colorScheme", None) is not None and hints.colorScheme() == Qt.ColorScheme.Dark
        app.setPalette(dark_palette() if dark else light)

    apply()
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "colorSchemeChanged"):
        hints.colorSchemeChanged.connect(apply)


@cache
def app_icon() -> QIcon:
    return QIcon(str(ICON_PATH))


def standard_icon(pixmap: QStyle.StandardPixmap) -> QIcon:
    style = QApplication.style()
    return style.standardIcon(pixmap) if style is not None else QIcon()


def fit_to_width(window: QWidget, width: int) -> None:
    """Size a dialog to `width` and the height its wrapped text needs at that width: a top-level
    window's minimum size ignores height-for-width, so word-wrapped labels would be squeezed."""
    layout = window.layout()
    height = layout.totalHeightForWidth(width) if layout is not None and layout.hasHeightForWidth() else -1
    window.resize(width, max(height, window.minimumSizeHint().height()))
