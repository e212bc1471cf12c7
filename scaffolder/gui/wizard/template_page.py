"""Wizard page 1: choose a bundled template or a custom template folder.

Writes the chosen template and the user's consent to run it into the draft."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWizardPage,
)

from scaffolder.core.catalogue import TemplateInfo, load_template
from scaffolder.core.consent import consent_text, has_consent
from scaffolder.core.errors import UserError
from scaffolder.core.store import Store
from scaffolder.gui import messages
from scaffolder.gui.wizard.draft import WizardDraft


class TemplatePage(QWizardPage):
    def __init__(self, templates: list[TemplateInfo], draft: WizardDraft, store: Store | None = None) -> None:
        """`store`: where earlier consents are recorded (a template agreed to before is not asked again)."""
        super().__init__()
        self.draft = draft
        self.store = store
        self.setTitle("Choose a template")
        self.setSubTitle(
            "Each bundled template is a complete project that installs, runs and passes its tests offline."
        )
        self.bundled = templates
        self.custom: TemplateInfo | None = None
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        self.radios: dict[str, QRadioButton] = {}
        for index, template in enumerate(templates):
            radio = QRadioButton(f"&{index + 1}  {template.title}")
            radio.setObjectName(f"template-{template.kind}")
            description = QLabel(template.description)
            description.setWordWrap(True)
            description.setContentsMargins(24, 0, 0, 8)
            self.group.addButton(radio)
            self.radios[template.kind] = radio
            layout.addWidget(radio)
            layout.addWidget(description)
        self.custom_radio = QRadioButton("&Custom template… (a local folder holding a cookiecutter.json)")
        self.custom_radio.setObjectName("template-custom")
        self.group.addButton(self.custom_radio)
        self.custom_path = QLineEdit()
        self.custom_path.setPlaceholderText("Path of a cookiecutter template folder")
        self.browse = QPushButton("&Browse…")
        row = QHBoxLayout()
        row.setContentsMargins(24, 0, 0, 0)
        row.addWidget(self.custom_path, 1)
        row.addWidget(self.browse)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("template-status")
        # Consent is for the template loaded now: loading another one (Browse…, typing) clears it.
        self.hooks_agreed = QCheckBox("I have read this template and trust it: run its files, hooks and extensions")
        self.hooks_agreed.setObjectName("hooks-agreed")
        layout.addWidget(self.custom_radio)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.hooks_agreed)
        layout.addStretch(1)

        self.group.buttonToggled.connect(lambda *_: self._update())
        self.custom_path.textChanged.connect(self._on_custom_path)
        self.browse.clicked.connect(self._browse)
        self.hooks_agreed.toggled.connect(lambda *_: self._write_draft())
        if templates:
            self.radios[templates[0].kind].setChecked(True)
        self._update()

    def select(self, kind: str) -> None:
        if kind in self.radios:
            self.radios[kind].setChecked(True)

    def _browse(self) -> None:
        folder = messages.ask_directory(self, "Choose a cookiecutter template folder")
        if folder is not None and str(folder) == self.custom_path.text():
            self._load_custom()  # the same folder chosen again: read it again (it may have changed)
        elif folder is not None:
            self.custom_path.setText(str(folder))

    def _on_custom_path(self, text: str) -> None:
        """Typing a path selects "Custom template" and loads it (a stat and a small JSON read)."""
        if text.strip() and not self.custom_radio.isChecked():
            self.custom_radio.setChecked(True)
        self._load_custom()

    def _load_custom(self) -> None:
        text = self.custom_path.text().strip()
        self.custom = None
        self.hooks_agreed.setChecked(False)
        self.status.setText("")
        if text:
            try:
                self.custom = load_template(Path(text))
                if self.store is not None and has_consent(self.store, self.custom):  # agreed before, same content
                    self.custom = self.custom.as_trusted()
            except UserError as err:
                self.status.setText(f"<span style='color:#b3261e'>{err.message} {err.hint}</span>")
        self._update()

    def selected(self) -> TemplateInfo | None:
        """The chosen template; a custom one as trusted once the user agreed (its defaults then
        render for real, as cookiecutter renders them)."""
        if self.custom_radio.isChecked():
            if self.custom is not None and self.hooks_agreed.isChecked():
                return self.custom.as_trusted()
            return self.custom
        return next((t for t in self.bundled if self.radios[t.kind].isChecked()), None)

    def _update(self) -> None:
        template = self.selected()
        needs_consent = (
            template is not None
            and not template.bundled
            and not (
                template.trusted and not self.hooks_agreed.isChecked()  # agreed to before, same content
            )
        )
        self.hooks_agreed.setVisible(needs_consent)
        if not needs_consent:
            self.hooks_agreed.setChecked(False)
        if self.custom_radio.isChecked() and template is not None:
            note = f"{template.title}: {len(template.asked_questions)} questions."
            if needs_consent:
                note += "\n" + consent_text(template)
            elif not template.bundled:
                note += " You agreed to run this template as it is now."
            self.status.setText(note)
        self._write_draft()

    def _write_draft(self) -> None:
        self.draft.template = self.selected()
        self.draft.accept_hooks = self.accept_hooks
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        template = self.selected()
        return template is not None and template.trusted

    @property
    def accept_hooks(self) -> bool:
        """Whether the user agreed to the template selected now (never one chosen before it)."""
        return self.custom_radio.isChecked() and self.custom is not None and self.hooks_agreed.isChecked()
