"""Settings: default projects folder and the author identity used to prefill templates and as
git's fallback identity. Stored in the portfolio store, shared with the CLI."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scaffolder.core.editors.preference import EditorChoice
from scaffolder.core.settings import Settings
from scaffolder.gui import messages, theme
from scaffolder.gui.open_in_editor import EditorChooser


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        self.projects_dir = QLineEdit(str(settings.projects_path))
        self.projects_dir.setObjectName("settings-projects-dir")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.projects_dir, 1)
        folder_row.addWidget(browse)
        self.author_name = QLineEdit(settings.author_name)
        self.author_email = QLineEdit(settings.author_email)
        self.github_username = QLineEdit(settings.github_username)
        for name, widget in (
            ("author-name", self.author_name),
            ("author-email", self.author_email),
            ("github-username", self.github_username),
        ):
            widget.setObjectName(f"settings-{name}")
        form = QFormLayout()
        folder_label = QLabel("Default &projects folder:")
        folder_label.setBuddy(self.projects_dir)  # a row that is a layout gets no buddy by itself
        form.addRow(folder_label, folder_row)
        form.addRow("Author &name:", self.author_name)
        form.addRow("Author &e-mail:", self.author_email)
        form.addRow("&GitHub username:", self.github_username)
        self.editor_chooser = EditorChooser()
        self.editor_chooser.setObjectName("settings-editor")
        self.editor_chooser.set_value(EditorChoice.default(settings))
        form.addRow("Default &editor:", self.editor_chooser)
        note = QLabel(
            "Your name and e-mail prefill new projects and author their first commit when git has no identity."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        theme.fit_to_width(self, 560)

    def showEvent(self, event: QShowEvent) -> None:
        theme.fit_to_width(self, max(self.width(), 560))  # the fonts are final once shown
        super().showEvent(event)

    def _browse(self) -> None:
        chosen = messages.ask_directory(self, "Default projects folder", self.settings.projects_path)
        if chosen is not None:
            self.projects_dir.setText(str(chosen))

    def values(self) -> Settings:
        editor = self.editor_chooser.value()
        return Settings(
            projects_dir=self.projects_dir.text().strip(),
            author_name=self.author_name.text().strip(),
            author_email=self.author_email.text().strip(),
            github_username=self.github_username.text().strip(),
            editor=editor.editor,
            custom_editor_command=editor.custom_command,
        )
