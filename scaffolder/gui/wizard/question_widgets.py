"""One editor widget per cookiecutter question kind, behind a tiny common interface."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from scaffolder.core.catalogue import Question, QuestionKind


class QuestionEditor:
    """Wraps the widget for one question: get/set its value without firing `on_edit`."""

    def __init__(self, question: Question, on_edit: Callable[[str], None]) -> None:
        self.question = question
        self.widget: QWidget = self._build(on_edit)
        self.widget.setObjectName(f"question-{question.name}")
        self.widget.setToolTip(f"{question.help}\n({question.name})" if question.help else question.name)

    def _build(self, on_edit: Callable[[str], None]) -> QWidget:
        q = self.question
        notify = lambda *_: on_edit(q.name)  # noqa: E731
        if q.kind is QuestionKind.CHOICE:
            combo = QComboBox()
            for choice in q.choices:
                combo.addItem(q.choice_labels.get(str(choice), str(choice)), choice)
            combo.currentIndexChanged.connect(notify)
            return combo
        if q.kind is QuestionKind.BOOLEAN:
            box = QCheckBox(q.help or q.name.replace("_", " "))
            box.toggled.connect(notify)
            return box
        if q.kind is QuestionKind.DICT:
            editor = QPlainTextEdit()
            editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            editor.setTabChangesFocus(True)
            # Fixed height: an expanding editor would take the form's spare room and sit centred
            # in it, far below its label.
            editor.setFixedHeight(8 * editor.fontMetrics().lineSpacing())
            editor.textChanged.connect(notify)
            return editor
        line = QLineEdit()
        line.textEdited.connect(notify)
        return line

    def value(self) -> Any:
        w = self.widget
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()  # JSON text; the catalogue coerces and reports bad JSON
        assert isinstance(w, QLineEdit)
        return w.text()

    def set_value(self, value: Any) -> None:
        w = self.widget
        blocked = w.blockSignals(True)
        try:
            if isinstance(w, QComboBox):
                index = w.findData(value)
                if index < 0:
                    index = next((i for i in range(w.count()) if str(w.itemData(i)) == str(value)), 0)
                w.setCurrentIndex(index)
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(value))
            elif isinstance(w, QPlainTextEdit):
                text = value if isinstance(value, str) else json.dumps(value, indent=2)
                if w.toPlainText() != text:
                    w.setPlainText(text)
            elif isinstance(w, QLineEdit) and w.text() != str(value):
                w.setText(str(value))
        finally:
            w.blockSignals(blocked)

    def set_choices(self, options: list[Any]) -> None:
        """Replace a combo box's options (choices are rendered against earlier answers)."""
        combo = self.widget
        if not isinstance(combo, QComboBox) or [combo.itemData(i) for i in range(combo.count())] == options:
            return
        current = combo.currentIndex()
        blocked = combo.blockSignals(True)
        try:
            combo.clear()
            for option in options:
                combo.addItem(self.question.choice_labels.get(str(option), str(option)), option)
            combo.setCurrentIndex(max(0, min(current, combo.count() - 1)))
        finally:
            combo.blockSignals(blocked)

    def set_flagged(self, flagged: bool) -> None:
        self.widget.setStyleSheet("border: 2px solid #b3261e;" if flagged else "")
