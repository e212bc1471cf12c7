"""Python's cycle collector runs on whichever thread happens to allocate when a threshold trips.
On a worker thread it destroys whatever Qt objects sit in the garbage cycles it finds (a QTimer
caught in a cycle with a lambda, a dialog and its slots), and a Qt object destroyed outside the UI
thread corrupts that thread's event dispatcher: the app aborts later, somewhere unrelated, inside
the event loop. CI caught exactly that (SIGABRT in `processEvents` while a readiness scan ran).

So while the app runs, automatic collection is off and the UI thread collects on a timer, one
generation at a time, when the counts pass Python's own thresholds (pyqtgraph's
`GarbageCollector` does the same, for the same reason). Reference counting, which frees
everything not in a cycle, is untouched."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class UiThreadGarbageCollector(QObject):
    """Collects garbage cycles on the thread it lives on (the UI thread) and nowhere else."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._was_enabled = True

    def start(self) -> None:
        """From now on only this thread collects. What exists now (the imported modules, mostly)
        lives as long as the app: frozen, it is no longer walked by every full collection, which
        would otherwise hold the UI thread for 50-150 ms each time."""
        self._was_enabled = gc.isenabled()  # what stop() gives back
        gc.disable()
        gc.freeze()
        self._timer.start()

    def stop(self) -> None:
        """Stop the timer, collect once more here, and give collection back to Python."""
        self._timer.stop()
        gc.unfreeze()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def collect_due(self) -> None:
        """Collect the generations whose allocation counts passed their thresholds, as Python's
        automatic collector would have done, but on this thread."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)  # collecting a generation collects the younger ones too
                return
