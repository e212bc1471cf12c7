"""The Done page's last step for a RAG project made from the user's documents: its index, built by
the project's own ingest in its own environment (`core.rag_runs.build_index`), on a worker, with
the step it is at, a Stop button, and the outcome in a sentence. Closing the wizard stops it: the
index is written to a temporary file and renamed only when whole, so nothing half-built is left,
and the project builds it on its first `serve --ingest` anyway."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from scaffolder.core.errors import Cancelled, UserError
from scaffolder.core.rag_runs import IndexBuilt, build_index
from scaffolder.gui import messages, theme, workers

RUNNING = "Building the index over your documents: {step}"
STOPPED = (
    "The index was not built (stopped); nothing half-built was left. Build the index in Golden questions… builds it."
)


def build_project_index(
    project: Path, corpus: str, progress: Callable[[str], None], cancel: threading.Event
) -> IndexBuilt:
    """On the worker: the project's `.venv` (made on first use), then its ingest of `corpus`."""
    return build_index(project, corpus, on_line=progress, cancel=cancel)


class IndexBuildLine(QWidget):
    built = Signal(IndexBuilt)
    ended = Signal()  # built, failed or stopped

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("index-build")
        self.worker: workers.FunctionWorker | None = None
        self.outcome: IndexBuilt | None = None
        self.status = QLabel()
        self.status.setObjectName("index-build-status")
        self.status.setWordWrap(True)
        self.busy = QProgressBar()  # pip, then the ingest: their length is not known ahead
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.stop_button = QPushButton("&Stop")
        self.stop_button.setObjectName("stop-index-build")
        self.stop_button.setAutoDefault(False)
        self.stop_button.clicked.connect(self.cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status, 1)
        row.addWidget(self.busy)
        row.addWidget(self.stop_button)
        self.hide()

    def start(self, project: Path, corpus: str) -> None:
        self.outcome = None
        self.status.setStyleSheet("")
        self.status.setText(RUNNING.format(step="starting…"))
        self.busy.show()
        self.stop_button.show()
        self.stop_button.setEnabled(True)
        self.show()
        worker = workers.FunctionWorker(build_project_index, Path(project), corpus)
        worker.signals.progress.connect(self._on_step)
        worker.signals.finished.connect(self._on_built)
        worker.signals.failed.connect(self._on_failed)
        worker.signals.done.connect(self._on_done)
        self.worker = worker
        workers.start(worker)

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()  # the core stops the project's process group
            self.stop_button.setEnabled(False)
            self.status.setText(RUNNING.format(step="stopping…"))

    def _on_step(self, line: object) -> None:
        self.status.setText(RUNNING.format(step=str(line)[:160]))

    def _on_built(self, built: IndexBuilt) -> None:
        self.outcome = built
        self.status.setText(
            f"Indexed {built.documents} documents ({built.chunks} chunks) into {built.path.name}: the project"
            " answers questions about them now."
        )
        self.built.emit(built)

    def _on_failed(self, err: BaseException, details: str) -> None:
        if isinstance(err, Cancelled):
            self.status.setText(STOPPED)
            return
        message, hint = messages.error_text(err)
        self.status.setStyleSheet(theme.error_style())
        self.status.setText(f"The index was not built: {message} {hint}".strip())
        if details and not isinstance(err, UserError):
            messages.log.error("building the index failed unexpectedly\n%s", details)

    def _on_done(self) -> None:
        self.worker = None
        self.busy.hide()
        self.stop_button.hide()
        self.ended.emit()
