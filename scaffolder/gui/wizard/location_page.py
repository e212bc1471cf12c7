"""Wizard page 3: the parent folder, what the user brings (the rag template's documents, the
agent's data and API), and a review of what will be generated, all read from the draft."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from scaffolder.core.catalogue import Question, QuestionKind, TemplateInfo
from scaffolder.gui import messages, theme
from scaffolder.gui.wizard.data_choice import DataChoice, data_report_html, openapi_report_html
from scaffolder.gui.wizard.documents_choice import DocumentsChoice, report_html
from scaffolder.gui.wizard.draft import WizardDraft


def answer_html(value: Any) -> str:
    """An answer as a person wrote it: "yes"/"no" for a box, indented JSON for a dict."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return f"<pre>{html.escape(json.dumps(value, indent=2, ensure_ascii=False))}</pre>"
    return html.escape(str(value))


def shown_answer(question: Question, value: Any) -> Any:
    """A choice as the form listed it (its label), anything else as it is."""
    return question.choice_labels.get(str(value), value) if question.kind is QuestionKind.CHOICE else value


def template_line(template: TemplateInfo) -> str:
    version = template.version if template.version and template.version != "unversioned" else ""
    if len(version) == 40:  # a git commit: its short form, as git shows it
        version = version[:10]
    suffix = f" (version {html.escape(version)})" if version else ""
    return f"<p>Template: <b>{html.escape(template.title)}</b>{suffix}</p>"


class LocationPage(QWizardPage):
    def __init__(self, draft: WizardDraft) -> None:
        super().__init__()
        self.draft = draft
        self.setTitle("Where should it go?")
        self.setSubTitle("The project gets its own folder inside this one, with a git repository and a first commit.")
        self.folder = QLineEdit()
        self.folder.setObjectName("parent-folder")
        self.browse = QPushButton("&Browse…")
        label = QLabel("&Parent folder:")
        label.setBuddy(self.folder)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        self.summary = QTextBrowser()
        self.summary.setObjectName("review")
        self.problem = QLabel()
        self.problem.setObjectName("location-problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(theme.error_style())
        self.documents = DocumentsChoice()  # the rag template's own documents, or its sample
        self.documents.hide()
        self.documents.changed.connect(self.refresh)
        self.data = DataChoice()  # the agent template's own data and API, or its samples
        self.data.hide()
        self.data.changed.connect(self.refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.documents)
        layout.addWidget(self.data)
        layout.addWidget(QLabel("Review:"))
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.problem)
        self.folder.textChanged.connect(self._on_folder)
        self.browse.clicked.connect(self._browse)
        self.ok = False

    def initializePage(self) -> None:
        self.setButtonText(QWizard.WizardButton.NextButton, "&Generate")
        if self.folder.text() != str(self.draft.output_dir):
            self.folder.setText(str(self.draft.output_dir))
        self.refresh()

    def _browse(self) -> None:
        chosen = messages.ask_directory(self, "Choose the parent folder", self.draft.output_dir)
        if chosen is not None:
            self.folder.setText(str(chosen))

    def _on_folder(self, text: str) -> None:
        self.draft.output_dir = Path(text.strip()).expanduser() if text.strip() else Path.home()
        self.refresh()

    def _write_draft(self) -> None:
        """What the choices hold now, for the review and for the Generate page."""
        self.draft.documents_mode = self.documents.mode
        self.draft.corpus = self.documents.chosen_report()
        self.draft.agent_data = self.data.chosen_data()
        self.draft.openapi = self.data.chosen_openapi()

    def discard_scans(self) -> None:
        """The wizard closed: the temporary database built from CSV files is not needed any more."""
        self.data.discard()

    def refresh(self) -> None:
        self._write_draft()
        template = self.draft.template
        result = self.draft.preview()
        if template is None or result is None:
            return
        asks_documents = template.kind == "rag"
        asks_data = template.kind == "agent"
        self.documents.setVisible(asks_documents)
        self.data.setVisible(asks_data)
        choice_problem = (
            self.documents.blocking_sentence() if asks_documents else self.data.blocking_sentence() if asks_data else ""
        )
        self.ok = result.ok and not choice_problem
        if not result.ok:
            self.problem.setText(f"{result.problem.message} {result.problem.hint}")  # type: ignore[union-attr]
        else:
            self.problem.setText(choice_problem)
        documents = self.draft.documents_to_add()
        brought = report_html(documents[0], self.draft.documents_mode) if documents is not None else ""
        data_and_api = self.draft.agent_data_to_add()
        if data_and_api is not None:
            data, openapi = data_and_api
            brought = (data_report_html(data) if data else "") + (openapi_report_html(openapi) if openapi else "")
        rows = "".join(
            f"<tr><td valign='top'><b>{html.escape(q.label)}</b></td><td>{answer_html(shown_answer(q, result.context.get(q.name, '')))}</td></tr>"
            for q in template.asked_questions
        )
        hooks = "<p>Its hooks will run (you agreed).</p>" if template.has_hooks and not template.bundled else ""
        self.summary.setHtml(
            f"{template_line(template)}"
            f"<p>Project folder: <b>{html.escape(str(result.target or ''))}</b></p>{hooks}"
            f"<table cellspacing='4'>{rows}</table>{brought}"
        )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.ok

    def validatePage(self) -> bool:
        """Generate is disabled while blocked; this also stops a Next that does not go through the button."""
        return self.ok
