"""The only place the GUI starts threads: run a core function on the thread pool and report
back by signals, which Qt delivers on the UI thread.

`run()` catches every exception and emits it (a QRunnable that raises dies silently). A
failure that no caller handles (nothing connected to `failed`) is not lost either: it is logged
with its traceback and shown through `messages`, as superqt's `create_worker` re-raises an
unhandled error and napari's workers notify. A progress callback and a cancel event are passed
to functions that accept them.
"""

from __future__ import annotations

import inspect
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import SIGNAL, QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

PROGRESS_INTERVAL_S = 0.04
FAILED_SIGNATURE = SIGNAL("failed(PyObject,QString)")  # for counting who listens to `failed`


class WorkerSignals(QObject):
    """Made on the UI thread with its worker, so every slot here runs there."""

    started = Signal()
    progress = Signal(object)  # whatever the function reports: a step's name, a fraction, a path
    finished = Signal(object)  # the function's return value, of the function's own type
    failed = Signal(BaseException, str)  # the exception, its formatted traceback
    done = Signal()  # after finished or failed, always

    def __init__(self, task: str = "A background task") -> None:
        super().__init__()
        self.task = task
        self.failed.connect(self._report_if_unhandled)  # first: it runs before any caller's slot

    @Slot(BaseException, str)
    def _report_if_unhandled(self, err: BaseException, details: str) -> None:
        """The failure road of last resort: if this is the only slot on `failed`, no caller will
        tell the user, so the message channel does."""
        if self.receivers(FAILED_SIGNATURE) <= 1:
            from scaffolder.gui import messages

            messages.show(err, details, unhandled=self.task)


class FunctionWorker(QRunnable):
    """Runs `fn(*args, **kwargs)` on a pool thread.

    If `fn` takes a `progress` parameter it gets a callback that emits `signals.progress`;
    if it takes `cancel` it gets a threading.Event that `cancel()` sets."""

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the caller keeps a reference; Python owns the object
        self.signals = WorkerSignals(task_name(fn))
        self.cancel_event = threading.Event()
        params = inspect.signature(fn).parameters
        if "progress" in params and "progress" not in kwargs:
            kwargs["progress"] = self._throttled_progress
        self._last_progress_at = 0.0
        self._held_progress: tuple[Any] | None = None
        if "cancel" in params and "cancel" not in kwargs:
            kwargs["cancel"] = self.cancel_event
        self._fn, self._args, self._kwargs = fn, args, kwargs

    def cancel(self) -> None:
        self.cancel_event.set()

    def _throttled_progress(self, value: Any) -> None:
        """At most one progress signal per PROGRESS_INTERVAL_S: a burst of queued signals (one per
        rendered file) would starve the UI thread's timers. The last value is never dropped."""
        now = time.monotonic()
        if now - self._last_progress_at >= PROGRESS_INTERVAL_S:
            self._last_progress_at = now
            self._held_progress = None
            self.signals.progress.emit(value)
        else:
            self._held_progress = (value,)

    def _flush_progress(self) -> None:
        if self._held_progress is not None:
            self.signals.progress.emit(self._held_progress[0])
            self._held_progress = None

    def run(self) -> None:
        self.signals.started.emit()
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as err:  # every failure must reach the UI
            self._flush_progress()
            self.signals.failed.emit(err, "".join(traceback.format_exception(err)))
        else:
            self._flush_progress()
            self.signals.finished.emit(result)
        finally:
            self.signals.done.emit()


def task_name(fn: Callable[..., Any]) -> str:
    """How the log names a task: `module.function`, which a developer can find."""
    name = getattr(fn, "__qualname__", None) or repr(fn)
    module = getattr(fn, "__module__", None)
    return f"{module}.{name}" if module else name


_active: set[FunctionWorker] = set()


def start(worker: FunctionWorker, pool: QThreadPool | None = None) -> FunctionWorker:
    """Queue `worker` on `pool` (the global pool by default) and keep it alive until it is done.

    The worker reaches the pool on the next turn of the event loop, not now: a caller connects
    to its signals right after this returns, and a fast function must not finish (and emit to
    nobody) before that."""
    _active.add(worker)
    worker.signals.done.connect(lambda: _active.discard(worker))
    target = pool or QThreadPool.globalInstance()
    QTimer.singleShot(0, lambda: target.start(worker))
    return worker


def run_in_background(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> FunctionWorker:
    """Shorthand: build a FunctionWorker and start it. Connect to its signals right away."""
    return start(FunctionWorker(fn, *args, **kwargs))


def wait_for_all(timeout_ms: int = 30000) -> bool:
    """Block until every worker has finished (tests and application shutdown)."""
    QCoreApplication.processEvents()  # hand queued workers to the pool first
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
