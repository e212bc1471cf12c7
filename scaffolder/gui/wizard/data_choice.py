"""The agent template's "Your data" choice on the review page: keep the sample shop database, or
bring the user's own (a SQLite file, or CSV files the core turns into a read-only SQLite database),
and optionally an OpenAPI document (a file, or a URL recorded for later) whose GET operations
become the agent's HTTP tools.

Both are read on a worker; until a scan is back, and whenever it found nothing usable, the choice
is incomplete and Generate stays blocked with the core's sentence. A database built from CSV
files lives in a temporary folder until the project has its copy: a newer scan, or the wizard
closing, removes it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from scaffolder.core.agent_data import MAX_ROWS, DataReport, require_tables, scan_data
from scaffolder.core.errors import UserError
from scaffolder.core.openapi_tools import OpenApiReport, scan_openapi
from scaffolder.gui import messages, theme, workers
from scaffolder.gui.models.portfolio_model import count_text
from scaffolder.gui.wizard.documents_choice import skipped_html

OPENAPI_PAUSE_MS = 300  # typing a path or URL: read it once the user pauses, not at every key


def ask_file(parent: QWidget | None, title: str, start: Path | None, name_filter: str) -> Path | None:
    """A file the user picks, or None if they cancelled (a small function tests replace)."""
    from PySide6.QtWidgets import QFileDialog

    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(start or Path.home()), name_filter)
    return Path(chosen) if chosen else None


def data_report_html(report: DataReport) -> str:
    """What the scan found, for the review: each table with its rows and column types, then what was skipped."""
    built = "CSV files, loaded into a read-only SQLite database" if report.kind == "csv" else "a SQLite file"
    parts = [
        f"<p><a name='your-data'></a><b>Your data</b> in {html.escape(str(report.source))} ({built}):"
        f" {count_text(len(report.tables), 'table')}, {count_text(report.rows, 'row')}."
        " The SQL tool answers over it instead of the sample shop; it is copied into <i>data/mine/data.db</i>"
        " and committed: make sure you may share it.</p>"
    ]
    rows = "".join(
        f"<tr><td valign='top'>{html.escape(t.name)}</td><td valign='top' align='right'>{t.rows:,}"
        f"{' (cut)' if t.cut else ''}</td><td>{html.escape(', '.join(c.describe() for c in t.columns))}</td>"
        f"<td valign='top'>{html.escape(t.source)}</td></tr>"
        for t in report.tables
    )
    parts.append(
        "<table cellspacing='4'><tr><th align='left'>Table</th><th>Rows</th><th align='left'>Columns</th>"
        f"<th align='left'>From</th></tr>{rows}</table>"
    )
    if any(t.cut for t in report.tables):
        parts.append(f"<p>A table marked cut keeps its first {MAX_ROWS:,} rows.</p>")
    if report.skipped:
        parts.append(skipped_html([f"{s.path}: {s.reason}" for s in report.skipped]))
    return "".join(parts)


def openapi_report_html(report: OpenApiReport) -> str:
    """The GET operations that become HTTP tools (with the descriptions the model will read), and the rest."""
    if not report.fetched:
        return (
            f"<p><b>Your API</b>: {html.escape(report.source)} is recorded for later, not fetched"
            " (no HTTP tools yet: save the document as a file to have them now).</p>"
        )
    title = html.escape(report.title or report.source)
    parts = [
        f"<p><b>Your API</b> {title}: {count_text(len(report.tools), 'HTTP tool')} from its GET operations,"
        f" allowed to reach {html.escape(report.origin)} only.</p>"
    ]
    if report.tools:
        items = "".join(f"<li><b>{html.escape(t.name)}</b>: {html.escape(t.description)}</li>" for t in report.tools)
        parts.append(f"<ul>{items}</ul>")
    if report.ignored:
        parts.append(skipped_html(report.ignored, "not made into tools"))
    return "".join(parts)


class Scan(QObject):
    """One background read (the data or the API): the latest request wins; an older one's outcome is
    dropped (and its temporary database removed) when it arrives late. A QObject, so the worker's
    signals reach its slots on the UI thread, and `sender()` says which request a signal is from."""

    def __init__(self, on_done: Callable[[], None], drop: Callable[[Any], None] = lambda _report: None) -> None:
        super().__init__()
        self.on_done = on_done
        self.drop = drop
        self.report: Any = None
        self.problem = ""
        self.worker: workers.FunctionWorker | None = None

    @property
    def running(self) -> bool:
        return self.worker is not None

    def start(self, fn: Callable[..., Any], *args: Any) -> None:
        self.reset()
        worker = workers.FunctionWorker(fn, *args)
        worker.signals.finished.connect(self._on_finished)
        worker.signals.failed.connect(self._on_failed)
        worker.signals.done.connect(self._on_done)
        self.worker = worker
        workers.start(worker)

    def reset(self) -> None:
        """Forget the outcome (a running read's outcome is dropped when it arrives)."""
        if self.report is not None:
            self.drop(self.report)
        self.report = None
        self.problem = ""
        self.worker = None

    def _current(self) -> bool:
        return self.worker is not None and self.sender() is self.worker.signals

    @Slot(object)
    def _on_finished(self, report: Any) -> None:
        if self._current():
            self.report = report
        else:
            self.drop(report)

    @Slot(object, str)
    def _on_failed(self, err: BaseException, details: str) -> None:
        if not self._current():
            return
        message, hint = messages.error_text(err)
        self.problem = f"{message} {hint}".strip()
        if details and not isinstance(err, UserError):
            messages.log.error("reading the agent's data or API failed unexpectedly\n%s", details)

    @Slot()
    def _on_done(self) -> None:
        if self._current():
            self.worker = None
            self.on_done()


def usable_data(path: Path) -> DataReport:
    """The core's scan, refused with its sentence when nothing in it can be used."""
    report = scan_data(path)
    try:
        return require_tables(report)
    except UserError:
        report.discard()
        raise


class DataChoice(QGroupBox):
    """Emits `changed` whenever the choice, a path or a scan's outcome changes, and `scanned` when a
    scan (data or API) is back, with its report or its sentence."""

    changed = Signal()
    scanned = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Your data", parent)
        self.setObjectName("data-choice")
        self.path: Path | None = None
        self.data = Scan(self._on_scanned, drop=lambda report: report.discard())
        self.api = Scan(self._on_scanned)
        self.sample = QRadioButton("Keep the &sample shop database")
        self.sample.setObjectName("data-sample")
        self.mine = QRadioButton("My &data for the SQL tool: a SQLite file, or CSV files (read-only)")
        self.mine.setObjectName("data-mine")
        self.group = QButtonGroup(self)
        for radio in (self.sample, self.mine):
            self.group.addButton(radio)
        self.sample.setChecked(True)
        self.choose_folder_button = QPushButton("Choose CSV &folder…")
        self.choose_folder_button.setObjectName("choose-data-folder")
        self.choose_folder_button.setIcon(theme.standard_icon(QStyle.StandardPixmap.SP_DirOpenIcon))
        self.choose_folder_button.clicked.connect(self.choose_folder)
        self.choose_file_button = QPushButton("Choose a f&ile…")
        self.choose_file_button.setObjectName("choose-data-file")
        self.choose_file_button.setToolTip("A SQLite database, or one CSV file")
        self.choose_file_button.clicked.connect(self.choose_file)
        self.status = QLabel()
        self.status.setObjectName("data-status")
        self.status.setWordWrap(True)
        self.openapi = QLineEdit()
        self.openapi.setObjectName("openapi-source")
        self.openapi.setPlaceholderText("A file, or a URL to record")
        openapi_label = QLabel("&OpenAPI document (optional):")
        openapi_label.setBuddy(self.openapi)
        self.choose_openapi = QPushButton("Choose docu&ment…")
        self.choose_openapi.setObjectName("choose-openapi")
        self.choose_openapi.clicked.connect(self.choose_openapi_file)
        self.openapi_status = QLabel()
        self.openapi_status.setObjectName("openapi-status")
        self.openapi_status.setWordWrap(True)
        self._openapi_pause = QTimer(self)
        self._openapi_pause.setSingleShot(True)
        self._openapi_pause.setInterval(OPENAPI_PAUSE_MS)
        self._openapi_pause.timeout.connect(self._scan_openapi)

        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_folder_button)
        buttons.addWidget(self.choose_file_button)
        buttons.addStretch(1)
        openapi_row = QHBoxLayout()
        openapi_row.addWidget(self.openapi, 1)
        openapi_row.addWidget(self.choose_openapi)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sample)
        layout.addWidget(self.mine)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(openapi_label)
        layout.addLayout(openapi_row)
        layout.addWidget(self.openapi_status)
        self.group.buttonToggled.connect(self._on_mode)
        self.openapi.textChanged.connect(self._on_openapi_text)
        self._show_state()

    @property
    def scanning(self) -> bool:
        return self.data.running or self.api.running or self._openapi_pause.isActive()

    def chosen_data(self) -> DataReport | None:
        """The scanned data to add after generating, or None for the sample shop."""
        return self.data.report if self.mine.isChecked() else None

    def chosen_openapi(self) -> OpenApiReport | None:
        return self.api.report if self.openapi.text().strip() else None

    def blocking_sentence(self) -> str:
        """Why Generate is blocked by this choice ("" when it is not)."""
        if self.mine.isChecked():
            if self.data.running:
                return "Reading your data…"
            if self.data.problem:
                return self.data.problem
            if self.data.report is None:
                return "Choose your SQLite file, or the folder (or file) of your CSV data."
        if self.openapi.text().strip():
            if self.api.running or self._openapi_pause.isActive():
                return "Reading the OpenAPI document…"
            if self.api.problem:
                return self.api.problem
        return ""

    def discard(self) -> None:
        """Remove the temporary database built from CSV files (the project has its own copy by now)."""
        self.data.reset()

    def _on_mode(self, _button: QRadioButton, checked: bool) -> None:
        if not checked:
            return
        if self.mine.isChecked() and self.path is None:
            self.choose_folder()
        self._show_state()

    def choose_folder(self) -> None:
        self.use(messages.ask_directory(self, "Choose the folder of your CSV files", self.path))

    def choose_file(self) -> None:
        chosen = ask_file(
            self,
            "Choose your SQLite database or CSV file",
            self.path,
            "Data (*.db *.sqlite *.sqlite3 *.csv *.tsv);;All files (*)",
        )
        self.use(chosen)

    def use(self, chosen: Path | None) -> None:
        """Use this file or folder (what a chooser answered; None: it was cancelled)."""
        if chosen is None:
            self._show_state()
            return
        self.path = chosen  # before the radio moves, so the move does not ask again
        if not self.mine.isChecked():
            self.mine.setChecked(True)  # choosing data means using it
        self.scan(chosen)

    def scan(self, path: Path) -> None:
        """Read the data on a worker; the report (or the sentence) arrives by signal."""
        self.path = path
        self.data.start(usable_data, path)
        self._show_state()

    def choose_openapi_file(self) -> None:
        chosen = ask_file(self, "Choose the OpenAPI document", None, "OpenAPI (*.yaml *.yml *.json);;All files (*)")
        if chosen is not None:
            self.openapi.setText(str(chosen))
            self._openapi_pause.stop()
            self._scan_openapi()

    def _on_openapi_text(self, _text: str) -> None:
        self.api.reset()
        if self.openapi.text().strip():
            self._openapi_pause.start()  # blocks Generate until it is read
        else:
            self._openapi_pause.stop()
        self._show_state()

    def _scan_openapi(self) -> None:
        source = self.openapi.text().strip()
        if source:
            self.api.start(scan_openapi, source)
        self._show_state()

    @Slot()
    def _on_scanned(self) -> None:
        self._show_state()
        self.scanned.emit()

    def _show_state(self) -> None:
        mine = self.mine.isChecked()
        if not mine:
            text, failed = "The SQL tool answers over the bundled sample shop database.", False
        elif self.data.running:
            text, failed = "Reading your data…", False
        elif self.data.problem:
            text, failed = self.data.problem, True
        elif self.data.report is None:
            text, failed = "Choose your SQLite file, or the folder (or file) of your CSV data.", False
        else:
            text, failed = f"Found {self.data.report.summary()}.", False
        self.status.setText(text)
        self.status.setStyleSheet(theme.error_style() if failed else "")
        source = self.openapi.text().strip()
        reading_api = self.api.running or self._openapi_pause.isActive()
        api_failed = bool(source and self.api.problem and not reading_api)
        if not source:
            api_text = "Its GET operations would become HTTP tools, each with its own description."
        elif reading_api:
            api_text = "Reading the OpenAPI document…"
        elif self.api.problem:
            api_text = self.api.problem
        elif self.api.report is not None and self.api.report.fetched:
            api = self.api.report
            tools = count_text(len(api.tools), "HTTP tool")
            api_text = f"{api.title or api.source}: {tools} from its GET operations, on {api.origin} only."
        elif self.api.report is not None:
            api_text = self.api.report.lines()[0]  # a URL: recorded for later
        else:
            api_text = ""
        self.openapi_status.setText(api_text)
        self.openapi_status.setStyleSheet(theme.error_style() if api_failed else theme.muted_style())
        self.changed.emit()
