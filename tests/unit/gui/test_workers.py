"""Workers run core functions off the UI thread and report back by signals."""

from __future__ import annotations

import gc
import logging
import threading
import weakref
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from scaffolder.gui import messages, workers


def count_to(n: int, progress: Callable[[int], None]) -> int:
    for i in range(n):
        progress(i)
    return n


def test_progress_is_throttled_but_the_last_value_always_arrives(qtbot: QtBot) -> None:
    seen: list[int] = []
    worker = workers.run_in_background(count_to, 20000)
    worker.signals.progress.connect(seen.append)
    with qtbot.waitSignal(worker.signals.finished, timeout=10000) as finished:
        pass
    assert finished.args == [20000]
    qtbot.waitUntil(lambda: bool(seen) and seen[-1] == 19999)
    assert len(seen) < 200, f"{len(seen)} progress signals would flood the UI thread"


def test_a_failure_is_reported_with_its_traceback_not_swallowed(qtbot: QtBot) -> None:
    def explode() -> None:
        raise LookupError("no such thing")

    worker = workers.run_in_background(explode)
    with qtbot.waitSignal(worker.signals.failed, timeout=10000) as failed:
        pass
    err, details = failed.args
    assert isinstance(err, LookupError) and "no such thing" in details and "Traceback" in details


def test_a_function_that_takes_cancel_gets_an_event_that_cancel_sets(qtbot: QtBot) -> None:
    started = threading.Event()

    def wait_for_cancel(cancel: threading.Event) -> str:
        started.set()
        return "cancelled" if cancel.wait(10) else "timed out"

    worker = workers.run_in_background(wait_for_cancel)
    qtbot.waitUntil(started.is_set, timeout=10000)
    with qtbot.waitSignal(worker.signals.finished, timeout=10000) as finished:
        worker.cancel()
    assert finished.args == ["cancelled"]


def test_a_finished_worker_is_freed_on_the_ui_thread_and_none_is_kept_alive(qtbot: QtBot) -> None:
    """Each worker used to keep itself alive through its own `done` connection (4000 of 4000 were
    never freed); once freed, its signals object must die on the UI thread that owns it."""
    freed_on: list[str] = []
    for _ in range(200):
        worker = workers.run_in_background(count_to, 10)
        weakref.finalize(worker.signals, lambda: freed_on.append(threading.current_thread().name))
        worker.signals.finished.connect(lambda _result: None)
        del worker
    qtbot.waitUntil(lambda: workers.active_count() == 0, timeout=20000)
    gc.collect()
    qtbot.waitUntil(lambda: len(freed_on) == 200, timeout=10000)
    assert set(freed_on) == {threading.main_thread().name}


def open_message_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_a_failure_nobody_handles_is_logged_with_its_traceback_and_shown_as_a_bug(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    def explode() -> None:
        raise LookupError("no such thing")

    caplog.set_level(logging.ERROR, logger="scaffolder")
    with qtbot.waitSignal(messages.channel().posted, timeout=10000) as posted:
        worker = workers.run_in_background(explode)  # nobody connects to worker.signals.failed
    (message,) = posted.args
    assert message.bug and "LookupError: no such thing" in message.text
    assert "Traceback" in message.details and 'raise LookupError("no such thing")' in message.details
    (record,) = [r for r in caplog.records if "no caller handled it" in r.getMessage()]
    assert record.levelno == logging.ERROR and "explode" in record.getMessage()
    assert "Traceback" in record.getMessage() and worker.signals.task.endswith("explode")
    (box,) = open_message_boxes()  # the bug dialog, which does not block the window
    assert box.text() == message.text and "Traceback" in box.detailedText()
    box.close()


def test_a_failure_a_caller_handles_is_left_to_that_caller(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    def explode() -> None:
        raise LookupError("no such thing")

    handled: list[BaseException] = []
    posted: list[messages.Message] = []
    messages.channel().posted.connect(posted.append)
    try:
        worker = workers.run_in_background(explode)
        worker.signals.failed.connect(lambda err, _details: handled.append(err))
        with qtbot.waitSignal(worker.signals.done, timeout=10000):
            pass
        qtbot.waitUntil(lambda: bool(handled))
    finally:
        messages.channel().posted.disconnect(posted.append)
    assert isinstance(handled[0], LookupError)
    assert posted == [] and open_message_boxes() == []
    assert not [r for r in caplog.records if "no caller handled it" in r.getMessage()]
