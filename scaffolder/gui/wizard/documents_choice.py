"""The rag template's "Your documents" choice on the review page: keep the sample, or bring a folder
of the user's own documents, copied into the project or referenced privately (never in git).

The folder is scanned on a worker; until the scan is back, and whenever it found nothing readable,
the choice is incomplete and Generate stays blocked with the core's sentence.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from scaffolder.core.corpus import CorpusReport, require_readable, scan_corpus
from scaffolder.core.errors import UserError
from scaffolder.core.golden import providers_with_keys
from scaffolder.gui import messages, theme, workers
from scaffolder.gui.wizard.draft import DocumentsMode

__all__ = ["DocumentsChoice", "DocumentsMode", "report_html", "skipped_html"]  # the mode lives in the draft, Qt-free

MAX_SKIPPED_SHOWN = 20


MODE_LABELS = {
    DocumentsMode.SAMPLE: "Keep the &sample documents",
    DocumentsMode.COPIED: "A folder of &my documents, copied into the project",
    DocumentsMode.PRIVATE: "A folder of my documents, p&rivate: referenced, never in git",
}


def skipped_html(entries: list[str], heading: str = "skipped") -> str:
    """ "3 skipped:" and the first MAX_SKIPPED_SHOWN of them as a list, for a scan's report."""
    items = "".join(f"<li>{html.escape(entry)}</li>" for entry in entries[:MAX_SKIPPED_SHOWN])
    more = len(entries) - MAX_SKIPPED_SHOWN
    tail = f"<li>… and {more} more</li>" if more > 0 else ""
    return f"<p>{len(entries)} {heading}:</p><ul>{items}{tail}</ul>"


def report_html(report: CorpusReport, mode: DocumentsMode) -> str:
    """What the scan found, for the review: documents by kind, pages, words, and what is skipped."""
    kinds: dict[str, list[int]] = {}
    for doc in report.documents:
        count, pages, words = kinds.setdefault(doc.kind, [0, 0, 0])
        kinds[doc.kind] = [count + 1, pages + (doc.pages or 0), words + doc.words]
    rows = "".join(
        f"<tr><td>{html.escape(kind)}</td><td align='right'>{count}</td>"
        f"<td align='right'>{pages or ''}</td><td align='right'>{words:,}</td></tr>"
        for kind, (count, pages, words) in sorted(kinds.items())
    )
    where = (
        "referenced from where they are and kept out of git"
        if mode is DocumentsMode.PRIVATE
        else "copied into <i>data/mine/</i> and committed: make sure you may share them"
    )
    parts = [
        f"<p><b>Your documents</b> in {html.escape(str(report.root))}: {len(report.documents)} documents,"
        f" {report.pages} PDF pages, {report.words:,} words, {where}.</p>",
    ]
    if rows:
        parts.append(
            "<table cellspacing='4'><tr><th align='left'>Kind</th><th>Files</th><th>Pages</th><th>Words</th></tr>"
            f"{rows}</table>"
        )
    if report.topics:
        parts.append(f"<p>Topics: {html.escape(', '.join(report.topics))}</p>")
    if report.skipped:
        parts.append(skipped_html([f"{s.path}: {s.reason}" for s in report.skipped]))
    if report.truncated:
        parts.append("<p>Only the first files of a very large folder were read.</p>")
    return "".join(parts)


class DocumentsChoice(QGroupBox):
    """Emits `changed` whenever the choice, the folder or the scan's outcome changes, and `scanned`
    when a folder's scan is back (with its report or its sentence)."""

    changed = Signal()
    scanned = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Your documents", parent)
        self.setObjectName("documents-choice")
        self.folder: Path | None = None
        self.report: CorpusReport | None = None
        self.problem = ""
        self.worker: workers.FunctionWorker | None = None
        self.radios: dict[DocumentsMode, QRadioButton] = {}
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        for mode, label in MODE_LABELS.items():
            radio = QRadioButton(label)
            radio.setObjectName(f"documents-{mode.value}")
            self.radios[mode] = radio
            self.group.addButton(radio)
            layout.addWidget(radio)
        self.radios[DocumentsMode.SAMPLE].setChecked(True)
        self.choose = QPushButton("&Choose folder…")
        self.choose.setObjectName("choose-documents")
        self.choose.setIcon(theme.standard_icon(QStyle.StandardPixmap.SP_DirOpenIcon))
        self.choose.clicked.connect(self.choose_folder)
        self.status = QLabel()
        self.status.setObjectName("documents-status")
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.choose)
        row.addWidget(self.status, 1)
        layout.addLayout(row)
        # Model drafting is offered where it can be cancelled: the golden review, after generating.
        self.providers = providers_with_keys()
        self.model_note = QLabel(
            f"The golden questions are drafted offline; {' and '.join(self.providers)} is set up, so a model can draft"
            " more in Review golden questions… once the project is generated."
        )
        self.model_note.setObjectName("documents-model-note")
        self.model_note.setWordWrap(True)
        layout.addWidget(self.model_note)
        self.group.buttonToggled.connect(self._on_mode)
        self._show_state()

    @property
    def mode(self) -> DocumentsMode:
        return next(mode for mode, radio in self.radios.items() if radio.isChecked())

    @property
    def scanning(self) -> bool:
        return self.worker is not None

    def chosen_report(self) -> CorpusReport | None:
        """The scanned corpus to add after generating, or None for the sample."""
        return None if self.mode is DocumentsMode.SAMPLE else self.report

    def is_complete(self) -> bool:
        return self.mode is DocumentsMode.SAMPLE or (not self.scanning and self.report is not None)

    def blocking_sentence(self) -> str:
        """Why Generate is blocked by this choice ("" when it is not)."""
        if self.mode is DocumentsMode.SAMPLE:
            return ""
        if self.scanning:
            return "Reading your documents…"
        if self.problem:
            return self.problem
        if self.report is None:
            return "Choose the folder that holds your documents."
        return ""

    def _on_mode(self, _button: QRadioButton, checked: bool) -> None:
        if not checked:
            return
        if self.mode is not DocumentsMode.SAMPLE and self.folder is None:
            self.choose_folder()
        self._show_state()

    def choose_folder(self) -> None:
        chosen = messages.ask_directory(self, "Choose the folder of your documents", self.folder)
        if chosen is None:
            self._show_state()
            return
        self.folder = chosen  # before the radio moves, so the move does not ask again
        if self.mode is DocumentsMode.SAMPLE:
            self.radios[DocumentsMode.COPIED].setChecked(True)  # choosing a folder means using it
        self.scan(chosen)

    def scan(self, folder: Path) -> None:
        """Read the folder on a worker; the report (or the sentence) arrives by signal."""
        if self.worker is not None:  # a newer folder wins: the older scan's outcome is not shown
            self.worker.signals.finished.disconnect(self._on_scanned)
            self.worker.signals.failed.disconnect(self._on_scan_failed)
            self.worker.signals.done.disconnect(self._on_scan_done)
        self.folder = folder
        self.report = None
        self.problem = ""
        worker = workers.FunctionWorker(lambda: require_readable(scan_corpus(folder)))
        worker.signals.finished.connect(self._on_scanned)
        worker.signals.failed.connect(self._on_scan_failed)
        worker.signals.done.connect(self._on_scan_done)
        self.worker = worker
        workers.start(worker)
        self._show_state()

    @Slot(object)
    def _on_scanned(self, report: CorpusReport) -> None:
        self.report = report

    @Slot(object, str)
    def _on_scan_failed(self, err: BaseException, details: str) -> None:
        message, hint = messages.error_text(err)
        self.problem = f"{message} {hint}".strip()
        if details and not isinstance(err, UserError):
            messages.log.error("scanning documents failed unexpectedly\n%s", details)

    @Slot()
    def _on_scan_done(self) -> None:
        self.worker = None
        self._show_state()
        self.scanned.emit()

    def _show_state(self) -> None:
        sample = self.mode is DocumentsMode.SAMPLE
        sentence = self.blocking_sentence()
        if sentence:
            text = sentence
        elif sample:
            text = "The project answers over the bundled sample help pages."
        else:
            assert self.report is not None
            text = self.report.summary()
        self.status.setText(text)
        self.status.setStyleSheet(theme.error_style() if self.problem and not sample else "")
        self.model_note.setVisible(bool(self.providers) and not sample)
        self.changed.emit()
