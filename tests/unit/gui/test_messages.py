"""The message channel: every error is logged, posted and shown, without a caller wiring a parent."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from scaffolder.core.errors import StoreError
from scaffolder.core.store import Store
from scaffolder.gui import messages, workers
from scaffolder.gui.main_window import MainWindow


@contextmanager
def portfolio_held_by_another_program(store: Store) -> Iterator[None]:
    """Another process's exclusive lock on the portfolio file: every read waits, then gives up."""
    holder = sqlite3.connect(store.path, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE settings SET value = value")  # WAL mode: only a write takes the lock
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_portfolio_refresh_that_fails_says_why_in_the_status_bar(
    qtbot: QtBot, isolated_user: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store(timeout=0.2)  # gives up on a lock quickly
    store.add_project(
        name="docs-qa", kind="rag", path=isolated_user / "docs-qa", template="rag", template_version="1", answers={}
    )
    store.set_live_url("docs-qa", "https://docs-qa.example.com")  # its recorded probes are read on refresh
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.first_run_checked, timeout=10000):
        window.start()
    workers.wait_for_all()
    caplog.set_level(logging.WARNING, logger="scaffolder")

    with portfolio_held_by_another_program(store), qtbot.waitSignal(messages.channel().posted, timeout=10000) as posted:
        window.state.refresh_in_background()  # connects no failure handler: the channel must say it
    workers.wait_for_all()

    (message,) = posted.args
    assert not message.bug and "stayed locked by another program" in message.text
    assert window.statusBar().currentMessage() == message.sentence
    assert "let it finish or close it, then try again" in window.statusBar().currentMessage()
    assert [r for r in caplog.records if "check_offline failed and no caller handled it" in r.getMessage()]
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_a_user_error_with_no_window_to_hold_its_sentence_opens_a_box_that_does_not_block(qtbot: QtBot) -> None:
    with qtbot.waitSignal(messages.channel().posted, timeout=1000):
        messages.show(StoreError("The portfolio is busy.", "Try again."))
    (box,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert (box.icon(), box.text(), box.informativeText()) == (
        QMessageBox.Icon.Warning,
        "The portfolio is busy.",
        "Try again.",
    )
    assert box.detailedText() == ""  # a user error's sentence says it all
    box.close()
