"""Wizard page 3: the parent folder, and a review of what will be generated."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from scaffolder.core.preview import preview
from scaffolder.gui import messages, theme
from scaffolder.gui.wizard.documents_choice import DocumentsChoice, report_html

if TYPE_CHECKING:
    from scaffolder.gui.wizard import NewProjectWizard


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
    def __init__(self) -> None:
        super().__init__()
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
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.documents)
        layout.addWidget(QLabel("Review:"))
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.problem)
        self.folder.textChanged.connect(self._on_folder)
        self.browse.clicked.connect(self._browse)
        self.ok = False

    def wizard(self) -> NewProjectWizard:  # type: ignore[override]
        return super().wizard()  # type: ignore[return-value]

    def initializePage(self) -> None:
        self.setButtonText(QWizard.WizardButton.NextButton, "&Generate")
        if self.folder.text() != str(self.wizard().output_dir):
            self.folder.setText(str(self.wizard().output_dir))
        self.refresh()

    def _browse(self) -> None:
        chosen = messages.ask_directory(self, "Choose the parent folder", self.wizard().output_dir)
        if chosen is not None:
            self.folder.setText(str(chosen))

    def _on_folder(self, text: str) -> None:
        self.wizard().output_dir = Path(text.strip()).expanduser() if text.strip() else Path.home()
        self.refresh()

    def refresh(self) -> None:
        wizard = self.wizard()
        template = wizard.template_page.selected()
        if template is None:
            return
        result = preview(
            template,
            wizard.questions_page.answers(),
            wizard.output_dir,
            identity_known=wizard.identity_known,
            taken_names=wizard.taken_names,
        )
        asks_documents = template.kind == "rag"
        self.documents.setVisible(asks_documents)
        documents_problem = self.documents.blocking_sentence() if asks_documents else ""
        self.ok = result.ok and not documents_problem
        if not result.ok:
            self.problem.setText(f"{result.problem.message} {result.problem.hint}")  # type: ignore[union-attr]
        else:
            self.problem.setText(documents_problem)
        corpus = self.documents.chosen_report() if asks_documents else None
        documents = report_html(corpus, self.documents.mode) if corpus is not None else ""
        rows = "".join(
            f"<tr><td valign='top'><b>{html.escape(q.label)}</b></td><td>{answer_html(shown_answer(q, result.context.get(q.name, '')))}</td></tr>"
            for q in template.asked_questions
        )
        hooks = "<p>Its hooks will run (you agreed).</p>" if template.has_hooks and not template.bundled else ""
        self.summary.setHtml(
            f"{template_line(template)}"
            f"<p>Project folder: <b>{html.escape(str(result.target or ''))}</b></p>{hooks}"
            f"<table cellspacing='4'>{rows}</table>{documents}"
        )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.ok
