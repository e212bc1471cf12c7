"""Builds the QApplication, installs the exception hook and shows the main window."""

from __future__ import annotations

import sys


def run_gui(argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication(argv or sys.argv)
    window = QLabel("AI Portfolio Scaffolder")
    window.resize(800, 500)
    window.show()
    return int(app.exec())
