"""From generated to shown, in the app: record the demo GIF, draft the write-up, export the portfolio.

Each dialog only shows state and sends intents: the work is the core's (`core.demo`,
`core.writeup_draft`, `core.export`), run on a worker with its progress in a log panel, and
cancellable where it starts processes (the demo's server and browser die with Cancel).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scaffolder.core.errors import Cancelled, UserError
from scaffolder.core.paths import BUNDLED_KINDS
from scaffolder.core.store import Project, Store
from scaffolder.gui import messages
from scaffolder.gui.workers import FunctionWorker, run_in_background


def _log_panel() -> QPlainTextEdit:
    log = QPlainTextEdit()
    log.setReadOnly(True)
    log.setMaximumBlockCount(2000)
    log.setMinimumHeight(160)
    return log


class RecordDemoDialog(QDialog):
    """Record docs/demo.gif: progress lines as they come, Cancel that stops server and browser, then
    the result with a Commit button (nothing is committed unless the user presses it)."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Record demo GIF — {project.name}")
        self.project = project
        self.worker: FunctionWorker | None = None
        self.result: Any = None
        self.status = QLabel(self._intro())
        self.status.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.hide()
        self.log = _log_panel()
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.hide()
        self.buttons = QDialogButtonBox()
        imported = project.template not in BUNDLED_KINDS  # its docs/demo.toml is code the user did not write
        self.record_button = self.buttons.addButton(
            "Agree and &Record" if imported else "&Record", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.commit_button = self.buttons.addButton("&Commit GIF and README", QDialogButtonBox.ButtonRole.ActionRole)
        self.commit_button.setEnabled(False)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setEnabled(False)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.record_button.clicked.connect(self.record)
        self.commit_button.clicked.connect(self.commit)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.status, self.busy, self.log, self.preview, self.buttons):
            layout.addWidget(widget)

    def _intro(self) -> str:
        from scaffolder.core.demo import what_runs

        try:
            return f"{what_runs(self.project.path)} It writes docs/demo.gif."
        except UserError as err:  # no or a broken docs/demo.toml: Record says so in full
            return err.message

    def record(self) -> None:
        from scaffolder.core.demo import record_demo

        self.log.clear()
        self.preview.hide()
        self._running(True)
        self.worker = run_in_background(record_demo, self.project.path)
        self.worker.signals.progress.connect(lambda line: self.log.appendPlainText(str(line)))
        self.worker.signals.finished.connect(self._recorded)
        self.worker.signals.failed.connect(self._failed)

    def cancel(self) -> None:
        if self.worker is not None:
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling: stopping the browser and the project's server …")
            self.worker.cancel()

    def _running(self, running: bool) -> None:
        self.busy.setVisible(running)
        self.record_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.close_button.setEnabled(not running)

    def _recorded(self, result: Any) -> None:
        self._running(False)
        self.result = result
        self.status.setText(
            f"Recorded {result.gif.name}: {result.frames} frames, {result.seconds:.1f} s, {result.width}×{result.height},"
            f" {result.bytes / 1_000_000:.1f} MB."
            + (" The README's demo slot now shows it." if result.readme_updated else "")
        )
        self._show_image(result.gif)
        self.commit_button.setEnabled(True)

    def _failed(self, err: BaseException, details: str) -> None:
        self._running(False)
        message, hint = messages.error_text(err)
        messages.post(err, details)  # logged (a bug with its traceback); shown here, inline
        self.status.setText("Cancelled: nothing was changed." if isinstance(err, Cancelled) else f"{message}\n{hint}")
        shot = hint.split("The page as it was: ")[1].split(". Fix")[0] if "The page as it was: " in hint else ""
        if shot:
            self._show_image(Path(shot))  # the last frame of the step that failed

    def _show_image(self, path: Path) -> None:
        pixmap = QPixmap(str(path))
        if not pixmap.isNull():
            self.preview.setPixmap(
                pixmap.scaledToWidth(min(480, pixmap.width()), Qt.TransformationMode.SmoothTransformation)
            )
            self.preview.show()

    def commit(self) -> None:
        from scaffolder.core.demo import commit_demo

        try:
            sha = commit_demo(self.project.path)
        except Exception as err:
            messages.report_error(self, err)
            return
        self.commit_button.setEnabled(False)
        self.status.setText(f"Committed as {sha[:10]}.")

    def reject(self) -> None:
        if self.worker is not None and self.busy.isVisible():
            self.cancel()
            return
        super().reject()


class DraftWriteupDialog(QDialog):
    """Draft the WRITEUP.md sections that still hold only prompts; the author's words are kept."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from scaffolder.core.llm import PROVIDERS

        self.setWindowTitle(f"Draft write-up — {project.name}")
        self.project = project
        self.worker: FunctionWorker | None = None
        self.provider = QComboBox()
        self.provider.addItems(list(PROVIDERS))
        self.provider.setToolTip("offline lays out your project's facts; a provider writes prose from the same facts")
        intro = QLabel(
            "Fills only the sections that still hold the template's prompts, from your project's own files."
            " Sections with your words are never touched; drafted text does not count until you edit it."
        )
        intro.setWordWrap(True)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.addRow("&Written by:", self.provider)
        self.buttons = QDialogButtonBox()
        self.draft_button = self.buttons.addButton("&Draft", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        self.draft_button.clicked.connect(self.draft)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)

    def draft(self) -> None:
        from scaffolder.core.writeup_draft import draft_writeup

        self.draft_button.setEnabled(False)
        self.outcome.setText("Drafting …")
        self.worker = run_in_background(
            draft_writeup, self.project.path, provider=self.provider.currentText(), name=self.project.name
        )
        self.worker.signals.finished.connect(self._drafted)
        self.worker.signals.failed.connect(self._failed)

    def _drafted(self, result: Any) -> None:
        self.draft_button.setEnabled(True)
        by = f"by {result.model}" if result.model else "offline: your facts, laid out for you to rewrite"
        lines = [f"{result.path.name}: {len(result.drafted)} section(s) drafted ({by})."]
        lines += [f"• {s.heading}: {s.action}{f' — {s.detail}' if s.detail else ''}" for s in result.sections]
        self.outcome.setText("\n".join(lines))

    def _failed(self, err: BaseException, details: str) -> None:
        self.draft_button.setEnabled(True)
        message = messages.post(err, details)  # logged (a bug with its traceback); shown here, inline
        self.outcome.setText(f"{message.text}\n{message.hint}")


class ExportDialog(QDialog):
    """The portfolio as a profile README, résumé bullets or JSON: preview, copy, save."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from scaffolder.core.export import FORMATS

        self.setWindowTitle("Export portfolio")
        self.store = store
        self.worker: FunctionWorker | None = None
        self.format = QComboBox()
        self.format.addItems(list(FORMATS))
        self.format.currentTextChanged.connect(self.refresh)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setMinimumSize(520, 300)
        note = QLabel("Only facts the app measured or you recorded; a missing fact is left out, never invented.")
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Format:", self.format)
        self.buttons = QDialogButtonBox()
        self.copy_button = QPushButton("&Copy")
        self.save_button = QPushButton("&Save…")
        for button in (self.copy_button, self.save_button):
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
            button.setEnabled(False)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.buttons)
        self.refresh()

    def refresh(self) -> None:
        self.copy_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.text.setPlainText("Reading your projects …")
        self.worker = run_in_background(_export_text, self.store, self.format.currentText())
        self.worker.signals.finished.connect(self._exported)
        self.worker.signals.failed.connect(
            lambda err, _details: self.text.setPlainText("\n".join(messages.error_text(err)))
        )

    def _exported(self, text: str) -> None:
        self.text.setPlainText(text)
        self.copy_button.setEnabled(bool(text.strip()))
        self.save_button.setEnabled(bool(text.strip()))

    def save(self) -> None:
        suffix = {"json": "json"}.get(self.format.currentText(), "md")
        chosen, _filter = QFileDialog.getSaveFileName(self, "Save export", str(Path.home() / f"portfolio.{suffix}"))
        if chosen:
            try:
                Path(chosen).write_text(self.text.toPlainText(), encoding="utf-8")
            except OSError as err:
                messages.report_error(
                    self, UserError(f"{chosen} could not be written: {err.strerror}.", "Choose another folder.")
                )


def _export_text(store: Store, fmt: str) -> str:
    from scaffolder.core.export import export_portfolio, render_export
    from scaffolder.core.readiness import check_portfolio

    return render_export(export_portfolio(store.projects(), check_portfolio(store, offline=True)), fmt)
