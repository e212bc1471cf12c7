"""Wizard page 2: the template's questions as a form, defaults re-rendered live.

A question the user has not touched shows its default rendered against the current answers
(typing a project name updates the suggested slug until the slug itself is edited). The first
problem with the answers is shown beside its field (below the form when it is about no field)
and blocks Next.

Reads the template from the draft and writes the answers back into it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget, QWizardPage

from scaffolder.core.catalogue import Question, QuestionKind, TemplateInfo
from scaffolder.core.preview import Preview
from scaffolder.core.settings import Settings
from scaffolder.gui import theme
from scaffolder.gui.wizard.draft import WizardDraft
from scaffolder.gui.wizard.question_widgets import QuestionEditor


def split_prompt(question: Question) -> tuple[str, str]:
    """A short label for the form and the rest of the help text as a note under the field.

    `"Default LLM provider (offline works with no key)"` → `("Default LLM provider", "offline works with no key")`;
    a long prompt with no short head becomes the note under the question's own name."""
    text = question.help.strip()
    fallback = question.name.replace("_", " ").capitalize()
    if not text:
        return fallback, ""
    head, sep, rest = text.partition(" (")
    if sep and len(head) <= 40:
        return head, rest.rstrip(")")
    return (text, "") if len(text) <= 40 else (fallback, text)


class QuestionsPage(QWizardPage):
    def __init__(self, draft: WizardDraft, settings: Settings) -> None:
        """`settings`: the saved answers (author, licence…) that prefill a new form."""
        super().__init__()
        self.draft = draft
        self.settings = settings
        self.setTitle("Answer the template's questions")
        self.setSubTitle("Defaults follow your earlier answers until you change them.")
        self.template: TemplateInfo | None = None
        self.editors: dict[str, QuestionEditor] = {}
        self.errors: dict[str, QLabel] = {}  # the inline sentence under each field
        self.edited: set[str] = set()
        self.last_preview: Preview | None = None
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        # Labels beside the top of their editor (a tall JSON editor or a field with a note under it).
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scroll = QScrollArea()
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form_host)
        self.problem = QLabel()
        self.problem.setObjectName("answers-problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(theme.error_style())
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem)

    def initializePage(self) -> None:
        template = self.draft.template
        if template is None or template is self.template:
            self.refresh()
            return
        self.template = template
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        self.errors = {}
        prefill = {
            k: v for k, v in self.settings.template_answers().items() if k in {q.name for q in template.asked_questions}
        }
        self.edited = set(prefill)
        for question in template.asked_questions:
            editor = QuestionEditor(question, self._on_edit)
            self.editors[question.name] = editor
            title, note = split_prompt(question)
            field = QWidget()
            column = QVBoxLayout(field)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(editor.widget, 0, Qt.AlignmentFlag.AlignTop)
            error = QLabel()
            error.setObjectName(f"error-{question.name}")
            error.setWordWrap(True)
            error.setStyleSheet(theme.error_style())
            error.hide()
            column.addWidget(error)
            self.errors[question.name] = error
            if note:
                hint = QLabel(note)
                hint.setWordWrap(True)
                hint.setStyleSheet(theme.muted_style())
                column.addWidget(hint)
            label = QLabel("" if question.kind is QuestionKind.BOOLEAN else f"{title}:")
            if question.kind is not QuestionKind.DICT:  # level with the editor's text, not above it
                label.setMinimumHeight(editor.widget.sizeHint().height())
            label.setBuddy(editor.widget)
            label.setToolTip(question.name)
            self.form.addRow(label, field)
            if question.name in prefill:
                editor.set_value(prefill[question.name])
        self.refresh()
        first = next(iter(self.editors.values()), None)
        if first is not None:
            first.widget.setFocus()

    def _on_edit(self, name: str) -> None:
        self.edited.add(name)
        self.refresh()

    def answers(self) -> dict[str, Any]:
        """The user's answers: what they edited or what settings prefilled."""
        return {name: self.editors[name].value() for name in self.edited if name in self.editors}

    def full_answers(self) -> dict[str, Any]:
        """Every asked question's value as shown (defaults included)."""
        if self.last_preview is not None and self.last_preview.context:
            return {name: self.last_preview.context[name] for name in self.editors}
        return {name: editor.value() for name, editor in self.editors.items()}

    def refresh(self) -> None:
        if self.template is None or self.template is not self.draft.template:
            return  # another template was chosen since: this form is rebuilt when shown again
        self.draft.answers = self.answers()
        result = self.draft.preview()
        assert result is not None
        self.last_preview = result
        for name, options in result.choices.items():
            self.editors[name].set_choices(options)
        sentence = f"{result.problem.message} {result.problem.hint}".strip() if result.problem else ""
        flagged = result.problem_question if result.problem_question in self.editors else None
        for name, editor in self.editors.items():
            if name not in self.edited and name in result.context:
                editor.set_value(result.context[name])
            editor.set_flagged(name == flagged)
            self.errors[name].setText(sentence if name == flagged else "")
            self.errors[name].setVisible(name == flagged)
        self.problem.setText("" if flagged else sentence)
        self.problem.setVisible(bool(sentence) and not flagged)
        self.draft.full_answers = self.full_answers()
        self.completeChanged.emit()

    def shown_problem(self) -> tuple[str | None, str]:
        """(question it is shown beside or None for below the form, sentence) of the visible problem."""
        for name, label in self.errors.items():
            if label.text():
                return name, label.text()
        return None, self.problem.text()

    def isComplete(self) -> bool:
        return self.last_preview is not None and self.last_preview.ok
