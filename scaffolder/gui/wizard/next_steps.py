"""What the Done page offers next: the project's own install-and-run and test commands, read
from its README's code blocks (each template documents them there), each with a Copy button."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_INSTALL = re.compile(r"^(python -m )?pip install\b")


def project_commands(root: Path, limit: int = 2) -> list[str]:
    """The first `limit` "pip install … && …" lines of the README's code blocks, comments dropped."""
    try:
        text = (root / "README.md").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found: list[str] = []
    for block in _FENCE.findall(text):
        for line in block.splitlines():
            command = line.split("  #", 1)[0].strip()
            if _INSTALL.match(command) and command not in found:
                found.append(command)
    return found[:limit]


class CommandList(QWidget):
    """Read-only command lines, each with a Copy button that puts it on the clipboard."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = QVBoxLayout(self)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.lines: list[QLineEdit] = []

    def set_commands(self, commands: list[str]) -> None:
        while self.rows.count():
            item = self.rows.takeAt(0)
            row = item.layout() if item is not None else None
            while row is not None and row.count():
                child = row.takeAt(0)
                widget = child.widget() if child is not None else None
                if widget is not None:
                    widget.deleteLater()
        self.lines = []
        for command in commands:
            line = QLineEdit(command)
            line.setReadOnly(True)
            line.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            line.setCursorPosition(0)
            copy = QPushButton("Copy")
            copy.setToolTip("Copy this command to the clipboard")
            copy.clicked.connect(lambda _checked=False, text=command: QGuiApplication.clipboard().setText(text))
            row = QHBoxLayout()
            row.addWidget(line, 1)
            row.addWidget(copy)
            self.rows.addLayout(row)
            self.lines.append(line)
