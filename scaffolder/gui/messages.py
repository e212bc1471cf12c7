"""One road for errors and questions to the user, in the manner of qutebrowser's `utils/message.py`.

Every error goes through here: it is logged (a bug with its traceback), posted on the message
channel, and shown. A `UserError` is shown as its sentence and hint; anything else is a bug:
shown with its traceback under "Show Details…". Callers do not wire a parent widget: `show()`
finds the main window itself. Dialog helpers are small `ask_*` functions so tests can replace
them instead of clicking real message boxes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from scaffolder.core.errors import UserError

log = logging.getLogger("scaffolder")

APP_TITLE = "AI Portfolio Scaffolder"


@dataclass(frozen=True)
class Message:
    """What the user is told about one error."""

    text: str
    hint: str
    details: str = ""  # a bug's traceback; empty for a user error, whose sentence says it all
    bug: bool = False

    @property
    def sentence(self) -> str:
        return f"{self.text} {self.hint}".strip()


class MessageChannel(QObject):
    """Every message, once logged. The window shows them; tests and observers listen here."""

    posted = Signal(Message)


_channel: MessageChannel | None = None


def channel() -> MessageChannel:
    """The application's one channel, made on first use (after the QApplication, on its thread)."""
    global _channel
    if _channel is None:
        _channel = MessageChannel()
    return _channel


def error_text(err: BaseException) -> tuple[str, str]:
    """(message, hint) for showing an error inline or in a dialog."""
    if isinstance(err, UserError):
        return err.message, err.hint
    return f"Something went wrong: {type(err).__name__}: {err}", "This is a bug; the details are in the log file."


def message_for(err: BaseException, details: str = "") -> Message:
    text, hint = error_text(err)
    bug = not isinstance(err, UserError)
    return Message(text, hint, details if bug else "", bug)


def post(err: BaseException, details: str = "", *, unhandled: str = "") -> Message:
    """Log `err` and post it on the channel; showing it is the caller's (`show`, `report_error`).

    `unhandled` names a background task whose failure no caller handled: that is logged as a
    warning at least, with the traceback, because nobody else will have said anything."""
    message = message_for(err, details)
    if unhandled:
        level = logging.ERROR if message.bug else logging.WARNING
        log.log(level, "%s failed and no caller handled it: %s\n%s", unhandled, err, details)
    elif message.bug:
        log.error("unexpected error: %s\n%s", err, details)
    else:
        log.info("user error: %s", err)
    channel().posted.emit(message)
    return message


def show(err: BaseException, details: str = "", *, unhandled: str = "") -> Message:
    """Tell the user of a failure nobody else reports: a user error as a sentence in the main
    window's status bar, a bug as a dialog with its details. The dialog is opened, not `exec()`d:
    a background task's failure must not start a nested event loop under whatever runs now."""
    message = post(err, details, unhandled=unhandled)
    window = main_window()
    if window is not None and not message.bug:
        window.statusBar().showMessage(message.sentence)
    else:
        box = _message_box(message, window)
        _keep_until_closed(box)
        box.open()
    return message


def report_error(parent: QWidget | None, err: BaseException, details: str = "") -> None:
    """For an action the user just asked for: logged, posted, and shown in a dialog they close."""
    message = post(err, details)
    _message_box(message, parent).exec()


def main_window() -> QMainWindow | None:
    """The window messages belong to: the active one's main window, else a visible one."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    active = QApplication.activeWindow()
    while active is not None and not isinstance(active, QMainWindow):
        active = active.parentWidget()  # a dialog: its owner
    if isinstance(active, QMainWindow):
        return active
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
    return shown[-1] if shown else None


# The dialog classes are imported when first needed: the main window imports this module at start.


def _message_box(message: Message, parent: QWidget | None) -> QMessageBox:
    from PySide6.QtWidgets import QMessageBox

    icon = QMessageBox.Icon.Critical if message.bug else QMessageBox.Icon.Warning
    box = QMessageBox(icon, APP_TITLE, message.text, QMessageBox.StandardButton.Ok, parent)
    if message.hint:
        box.setInformativeText(message.hint)
    if message.details:
        box.setDetailedText(message.details)
    return box


_open_boxes: dict[int, QMessageBox] = {}


def _keep_until_closed(box: QMessageBox) -> None:
    """A box shown without `exec()` outlives this call; without a parent only Python holds it.

    The slot holds the box's id, not the box: a box referring to itself through its own signal
    would be a cycle, freed by the garbage collector on whichever thread it happens to run, and
    a widget must be destroyed on the UI thread. Dropped from here, it goes at once."""
    key = id(box)
    _open_boxes[key] = box
    box.finished.connect(lambda _result: _open_boxes.pop(key, None))


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
