"""A worker thread never frees the UI's Qt objects: garbage cycles are collected on the UI thread.

CI once aborted inside `processEvents` while a readiness scan ran on a pool thread: the scan
allocated, Python's cycle collector ran there, and freed a QTimer that belonged to the UI thread."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from scaffolder.gui import workers


def test_a_qt_object_in_a_garbage_cycle_is_freed_on_the_ui_thread_even_while_a_worker_allocates(
    qtbot: QtBot,
) -> None:
    started, go, allocated = threading.Event(), threading.Event(), threading.Event()
    results: list[list[int]] = []

    def allocate_like_a_scan() -> None:
        started.set()
        go.wait(10)
        results.extend([i] for i in range(50_000))  # far past the collector's threshold
        allocated.set()

    workers.run_in_background(allocate_like_a_scan)
    qtbot.waitUntil(started.is_set, timeout=10000)

    freed_on: list[str] = []
    timer = QTimer()
    timer.itself = timer  # type: ignore[attr-defined]  # a cycle only the collector can free
    weakref.finalize(timer, lambda: freed_on.append(threading.current_thread().name))
    del timer
    go.set()
    assert allocated.wait(10)  # the UI thread waits without allocating: only the worker could collect

    qtbot.waitUntil(lambda: bool(freed_on), timeout=10000)
    assert freed_on == [threading.main_thread().name]
    results.clear()


def test_with_automatic_collection_off_the_ui_thread_still_frees_cycles_on_its_timer(qtbot: QtBot) -> None:
    assert not gc.isenabled()
    freed: list[bool] = []

    class Node:
        pass

    node = Node()
    node.itself = node  # type: ignore[attr-defined]
    weakref.finalize(node, lambda: freed.append(True))
    del node
    kept = [[] for _ in range(5000)]  # allocate past the threshold, as the app does all day
    qtbot.waitUntil(lambda: bool(freed), timeout=10000)
    del kept
