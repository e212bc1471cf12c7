"""Finds text that a person could not read whole: a label, button or placeholder narrower or
shorter than its text needs, or a widget pushed outside the window."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QLabel,
    QLineEdit,
    QTabBar,
    QWidget,
)

SLACK = 1  # rounding of fractional font metrics


def _name(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, QLabel | QAbstractButton):
        text = widget.text()
    elif isinstance(widget, QLineEdit):
        text = widget.placeholderText()
    return f"{type(widget).__name__}({widget.objectName() or '-'}: {text[:60]!r})"


def _inside_scroll_area(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def clipped_widgets(top: QWidget) -> list[str]:
    """Every visible widget under `top` whose text does not fit, with what it needs and has."""
    problems: list[str] = []
    for widget in top.findChildren(QWidget):
        if not widget.isVisibleTo(top) or widget.width() <= 0:
            continue
        if isinstance(widget.parentWidget(), QTabBar):
            continue  # tab bars scroll their tabs by design
        size, hint = widget.size(), widget.sizeHint()
        if isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                needed = widget.heightForWidth(size.width())
                if needed > size.height() + SLACK:
                    problems.append(
                        f"{_name(widget)} needs {needed} px of height at width {size.width()}, has {size.height()}"
                    )
            elif hint.width() > size.width() + SLACK or hint.height() > size.height() + SLACK:
                problems.append(
                    f"{_name(widget)} needs {hint.width()}×{hint.height()}, has {size.width()}×{size.height()}"
                )
        elif isinstance(widget, QAbstractButton) and widget.text():
            if hint.width() > size.width() + SLACK:
                problems.append(f"{_name(widget)} needs {hint.width()} px of width, has {size.width()}")
        elif isinstance(widget, QLineEdit) and widget.placeholderText() and not widget.text():
            room = widget.contentsRect().width() - 8  # the line edit's own text margins
            needed = widget.fontMetrics().horizontalAdvance(widget.placeholderText())
            if needed > room:
                problems.append(f"{_name(widget)} placeholder needs {needed} px, has {room}")
        if not _inside_scroll_area(widget, top):
            box = QRect(widget.mapTo(top, QPoint(0, 0)), size)
            if not top.rect().contains(box):
                problems.append(f"{_name(widget)} at {box.getRect()} is outside the window {top.rect().getRect()}")
    return problems
