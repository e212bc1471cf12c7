"""Colours, icons and the light/dark palette: one place, so every widget follows the system's
colour scheme (Qt 6.5+ `styleHints().colorScheme()`) and says what a colour means in words too."""

from __future__ import annotations

import weakref
from functools import cache
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QWidget

# The PNG rendered from resources/app-icon.svg: an SVG icon would load Qt's SVG module at start.
ICON_PATH = Path(__file__).resolve().parent / "resources" / "app-icon.png"
_LIGHT = {"error": "#b3261e", "muted": "#5f6368", "ok": "#1b5e20"}
_DARK = {"error": "#f2b8b5", "muted": "#a8acb3", "ok": "#a5d6a7"}


def is_dark() -> bool:
    """Whether the application's palette is a dark one (follow_color_scheme sets it from the system)."""
    if QGuiApplication.instance() is None:
        return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


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


def apply_color_scheme(app: QApplication, scheme: Qt.ColorScheme) -> None:
    """Fusion's own light palette, or our dark one."""
    style = app.style()
    light = style.standardPalette() if style is not None else QPalette()
    app.setPalette(dark_palette() if scheme == Qt.ColorScheme.Dark else light)
    for widget, name in list(_tinted.items()):
        if shiboken6.isValid(widget):  # its C++ side may be gone while Python still holds it
            tint(widget, name)
        else:
            del _tinted[widget]


def follow_color_scheme(app: QApplication) -> None:
    """Fusion with a dark palette when the system asks for dark (Qt 6.5+ `colorScheme()`), and
    again whenever it changes. Fusion draws the same on every platform, so both schemes are the
    ones we looked at."""
    app.setStyle("Fusion")
    hints = QGuiApplication.styleHints()
    apply_color_scheme(app, hints.colorScheme())
    hints.colorSchemeChanged.connect(lambda scheme: apply_color_scheme(app, scheme))


@cache
def app_icon() -> QIcon:
    return QIcon(str(ICON_PATH))


@cache
def standard_icon(pixmap: QStyle.StandardPixmap) -> QIcon:
    """The style's icon, made once: the dashboard's cards ask for the same few many times, and
    each new one decodes its images again. (The app sets its style once, before any icon.)"""
    style = QApplication.style()
    return style.standardIcon(pixmap) if style is not None else QIcon()


def fit_to_width(window: QWidget, width: int) -> None:
    """Size a dialog to `width` and the height its wrapped text needs at that width: a top-level
    window's minimum size ignores height-for-width, so word-wrapped labels would be squeezed."""
    layout = window.layout()
    height = layout.totalHeightForWidth(width) if layout is not None and layout.hasHeightForWidth() else -1
    window.resize(width, max(height, window.minimumSizeHint().height()))


_tinted: weakref.WeakKeyDictionary[QWidget, str] = weakref.WeakKeyDictionary()


def tint(widget: QWidget, name: str) -> None:
    """Text in one of our colours (error, muted, ok), by palette: a style sheet per widget would
    give each its own style object, slower to build and heavier in memory. Tinted widgets are
    tinted again when the colour scheme changes."""
    _tinted[widget] = name
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(colour(name)))
    palette.setColor(QPalette.ColorRole.Text, QColor(colour(name)))
    widget.setPalette(palette)


def emphasize(widget: QWidget, *, bold: bool = True, scale: float = 1.0) -> None:
    """Bold and/or larger text, relative to the application's font (so it follows its size)."""
    font = widget.font()
    font.setBold(bold)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    widget.setFont(font)
