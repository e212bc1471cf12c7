"""The only place the GUI starts threads: run a core function on the thread pool and report
back by signals, which Qt delivers on the UI thread.

A job catches every exception and emits it (a QRunnable that raises dies silently). A
failure that no caller handles (nothing connected to `failed`) is not lost either: it is logged
with its traceback and shown through `messages`, as superqt's `create_worker` re-raises an
unhandled error and napari's workers notify. A progress callback and a cancel event are passed
to functions that accept them.
"""

from __future__ import annotations

import inspect
import itertools
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


class FunctionWorker:
    """Runs `fn(*args, **kwargs)` on a pool thread; `signals` report on the UI thread.

    If `fn` takes a `progress` parameter it gets a callback that emits `signals.progress`;
    if it takes `cancel` it gets a threading.Event that `cancel()` sets.

    This object and its signals live on the UI thread only. The pool thread runs a `_Job` that
    lets go of them before it says it is done (see `_Job.run`), so the last reference to a
    worker is always dropped here: a Qt object freed on a pool thread corrupts the UI's event
    loop, and a worker kept alive by its own connections would never be freed at all."""

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.signals = WorkerSignals(task_name(fn))
        self.cancel_event = threading.Event()
        params = inspect.signature(fn).parameters
        self._wants_progress = "progress" in params and "progress" not in kwargs
        if "cancel" in params and "cancel" not in kwargs:
            kwargs["cancel"] = self.cancel_event
        self._fn, self._args, self._kwargs = fn, args, kwargs

    def cancel(self) -> None:
        self.cancel_event.set()

    def _job(self, key: int) -> _Job:
        return _Job(key, self.signals, self._fn, self._args, dict(self._kwargs), self._wants_progress)


class _ThrottledProgress:
    """At most one progress signal per PROGRESS_INTERVAL_S: a burst of queued signals (one per
    rendered file) would starve the UI thread's timers. The last value is never dropped."""

    def __init__(self, signal: Any) -> None:
        self._signal = signal
        self._last_at = 0.0
        self._held: tuple[Any] | None = None

    def __call__(self, value: Any) -> None:
        now = time.monotonic()
        if now - self._last_at >= PROGRESS_INTERVAL_S:
            self._last_at = now
            self._held = None
            self._signal.emit(value)
        else:
            self._held = (value,)

    def flush(self) -> None:
        if self._held is not None:
            self._signal.emit(self._held[0])
            self._held = None


class _Job(QRunnable):
    """What the pool thread runs for one FunctionWorker (the pool deletes it when run() ends)."""

    def __init__(
        self,
        key: int,
        signals: WorkerSignals,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        wants_progress: bool,
    ) -> None:
        super().__init__()
        self._key = key
        self._parts: tuple[Any, ...] | None = (signals, fn, args, kwargs, wants_progress)

    def run(self) -> None:
        assert self._parts is not None
        signals, fn, args, kwargs, wants_progress = self._parts
        self._parts = None
        progress = _ThrottledProgress(signals.progress)
        if wants_progress:
            kwargs["progress"] = progress
        signals.started.emit()
        try:
            result = fn(*args, **kwargs)
        except BaseException as err:  # every failure must reach the UI
            progress.flush()
            signals.failed.emit(err, "".join(traceback.format_exception(err)))
        else:
            progress.flush()
            signals.finished.emit(result)
            del result
        signals.done.emit()
        # Let go of everything before saying so: the UI thread then drops the last reference.
        del signals, fn, args, kwargs, progress
        _relay().released.emit(self._key)


class _Relay(QObject):
    """Lives on the UI thread for the whole run: tells it when a job has let go of its worker."""

    released = Signal(int)


_the_relay: _Relay | None = None
_active: dict[int, FunctionWorker] = {}  # queued or running, by key; only the UI thread touches it
_keys = itertools.count()


def _relay() -> _Relay:
    global _the_relay
    if _the_relay is None:  # first made by start(), on the UI thread
        _the_relay = _Relay()
        _the_relay.released.connect(_release)
    return _the_relay


def _release(key: int) -> None:
    _active.pop(key, None)


def task_name(fn: Callable[..., Any]) -> str:
    """How the log names a task: `module.function`, which a developer can find."""
    name = getattr(fn, "__qualname__", None) or repr(fn)
    module = getattr(fn, "__module__", None)
    return f"{module}.{name}" if module else name


def start(worker: FunctionWorker, pool: QThreadPool | None = None) -> FunctionWorker:
    """Queue `worker` on `pool` (the global pool by default) and keep it alive until it is done.

    The worker reaches the pool on the next turn of the event loop, not now: a caller connects
    to its signals right after this returns, and a fast function must not finish (and emit to
    nobody) before that."""
    _relay()
    key = next(_keys)
    _active[key] = worker
    job = worker._job(key)
    target = pool or QThreadPool.globalInstance()
    QTimer.singleShot(0, lambda: target.start(job))
    return worker


def cancel_all() -> None:
    """Ask every queued or running worker to stop (the app is closing; a test is over)."""
    for worker in list(_active.values()):
        worker.cancel()


def active_count() -> int:
    """Workers queued or running, not yet let go of (tests use it to see that none leaks)."""
    return len(_active)


def run_in_background(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> FunctionWorker:
    """Shorthand: build a FunctionWorker and start it. Connect to its signals right away."""
    return start(FunctionWorker(fn, *args, **kwargs))


def wait_for_all(timeout_ms: int = 30000) -> bool:
    """Block until every worker has finished (tests and application shutdown)."""
    QCoreApplication.processEvents()  # hand queued workers to the pool first
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
