"""*Deploy…*: the platform's one-click link (Render), or its CLI (flyctl, railway) run in the
project folder with its output streamed into a log, cancellable; the URL it prints is offered
as the live URL. Without the CLI: how to install it, and the steps from docs/DEPLOY.md."""

from __future__ import annotations

import queue

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from scaffolder.core.deploy.plan import DeployPlan, plan_deploy
from scaffolder.core.deploy.run import DeployOutcome, record_live_url, run_deploy
from scaffolder.core.errors import Cancelled, UserError
from scaffolder.core.store import Project, Store
from scaffolder.gui import messages, workers

LOG_DRAIN_MS = 50
ERROR_STYLE = "color: #b3261e"


class DeployDialog(QDialog):
    live_url_recorded = Signal(str)

    def __init__(self, store: Store, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Deploy {project.name}")
        self.store = store
        self.project = project
        self.plan: DeployPlan | None = None
        self.outcome: DeployOutcome | None = None
        self._worker: workers.FunctionWorker | None = None
        self._lines: queue.SimpleQueue[str] = queue.SimpleQueue()  # filled by the worker, drained here

        self.sentence = QLabel()
        self.sentence.setObjectName("deploy-sentence")
        self.sentence.setWordWrap(True)
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.sentence.setOpenExternalLinks(True)
        self.steps = QTextBrowser()
        self.steps.setOpenExternalLinks(True)
        self.log = QPlainTextEdit()
        self.log.setObjectName("deploy-log")
        self.log.setReadOnly(True)
        self.log.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log.hide()
        self.status = QLabel()
        self.status.setObjectName("deploy-status")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.deploy_button = self.buttons.addButton("&Deploy", QDialogButtonBox.ButtonRole.ActionRole)
        self.deploy_button.clicked.connect(self.start)
        self.cancel_button = self.buttons.addButton("&Stop", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.buttons.rejected.connect(self.reject)
        self.drain = QTimer(self)
        self.drain.setInterval(LOG_DRAIN_MS)
        self.drain.timeout.connect(self._drain)

        layout = QVBoxLayout(self)
        layout.addWidget(self.sentence)
        layout.addWidget(self.steps, 1)
        layout.addWidget(self.log, 2)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(720, 520)
        self._load_plan()

    def _load_plan(self) -> None:
        try:
            plan = plan_deploy(self.project)  # a few file reads and one `git remote get-url`
        except UserError as err:
            self.sentence.setText(f"{err.message}\n{err.hint}".strip())
            self.steps.hide()
            self.deploy_button.setEnabled(False)
            return
        self.plan = plan
        if plan.link:
            self.sentence.setText(f'{plan.sentence}<br><a href="{plan.link}">{plan.link}</a>')
        else:
            self.sentence.setText(plan.sentence)
        self.steps.setMarkdown(plan.manual_steps)
        self.deploy_button.setVisible(plan.argv is not None)
        self.cancel_button.setVisible(plan.argv is not None)

    @property
    def running(self) -> bool:
        return self._worker is not None

    def start(self) -> None:
        if self.plan is None or self.plan.argv is None or self.running:
            return
        self.log.clear()
        self.log.show()
        self.steps.hide()
        self.status.setStyleSheet("")
        self.status.setText(f"Running {' '.join(self.plan.argv)}…")
        self.deploy_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        worker = workers.run_in_background(run_deploy, self.plan, on_line=self._lines.put)
        worker.signals.finished.connect(self._finished)
        worker.signals.failed.connect(self._failed)
        worker.signals.done.connect(self._done)
        self._worker = worker
        self.drain.start()

    def cancel(self) -> None:
        if self._worker is not None:
            self.status.setText("Stopping…")
            self._worker.cancel()

    def _drain(self) -> None:
        lines = []
        while True:
            try:
                lines.append(self._lines.get_nowait())
            except queue.Empty:
                break
        if lines:
            self.log.appendPlainText("\n".join(lines))

    def _finished(self, outcome: DeployOutcome) -> None:
        self._drain()
        self.outcome = outcome
        if outcome.url is None:
            self.status.setText("Deployed. The platform printed no app URL: type it in the Live URL field.")
            return
        self.status.setText(f"Deployed to {outcome.url}.")
        if messages.ask_confirm(
            self, "Record the live URL", f"Record {outcome.url} as the live URL of {self.project.name}?", "Record"
        ):
            record_live_url(self.store, self.project.name, outcome.url)  # one small SQLite write
            self.status.setText(f"Deployed to {outcome.url}, recorded as the live URL.")
            self.live_url_recorded.emit(outcome.url)

    def _failed(self, err: BaseException, details: str) -> None:
        self._drain()
        message = messages.post(err, details)  # logged (a bug with its traceback); shown here, inline
        if not isinstance(err, Cancelled):
            self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(f"{message.text}\n{message.hint}".strip())

    def _done(self) -> None:
        self.drain.stop()
        self._drain()
        self._worker = None
        self.deploy_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def done(self, result: int) -> None:
        """Closing while the CLI runs stops it (and what it started)."""
        self.cancel()
        super().done(result)
