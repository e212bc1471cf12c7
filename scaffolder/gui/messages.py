"""One road for errors and questions to the user.

A `UserError` is shown as its sentence and hint; anything else is a bug: shown with its
traceback under "Show Details…" and logged. Dialog helpers are small `ask_*` functions so
tests can replace them instead of clicking real message boxes.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

from scaffolder.core.errors import UserError

log = logging.getLogger("scaffolder")


def error_text(err: BaseException) -> tuple[str, str]:
    """(message, hint) for showing an error inline or in a dialog."""
    if isinstance(err, UserError):
        return err.message, err.hint
    return f"Something went wrong: {type(err).__name__}: {err}", "This is a bug; the details are in the log file."


# The dialog classes are imported when first needed: the main window imports this module at start.


def report_error(parent: QWidget | None, err: BaseException, details: str = "") -> None:
    from PySide6.QtWidgets import QMessageBox

    message, hint = error_text(err)
    if isinstance(err, UserError):
        log.info("user error: %s", err)
    else:
        log.error("unexpected error: %s\n%s", err, details)
    box = QMessageBox(
        QMessageBox.Icon.Warning if isinstance(err, UserError) else QMessageBox.Icon.Critical,
        "AI Portfolio Scaffolder",
        message,
        QMessageBox.StandardButton.Ok,
        parent,
    )
    if hint:
        box.setInformativeText(hint)
    if details and not isinstance(err, UserError):
        box.setDetailedText(details)
    box.exec()


def ask_confirm(parent: QWidget | None, title: str, text: str, confirm_label: str = "OK") -> bool:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
    confirm = box.addButton(confirm_label, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is confirm


def ask_directory(parent: QWidget | None, title: str, start: Path | None = None) -> Path | None:
    from PySide6.QtWidgets import QFileDialog

    chosen = QFileDialog.getExistingDirectory(parent, title, str(start or Path.home()))
    return Path(chosen) if chosen else None


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """A line of text from the user, or None if they cancelled."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return value if ok else None
