"""The first start on a machine where neither git nor the app knows who the user is: a short
welcome step for name, e-mail, GitHub username and projects folder, prefilled from git or the OS.

They go to the app's settings. Writing them to git's global config is a separate, unticked
choice: the app never changes the user's git setup unasked."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
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

from scaffolder.core.answer_rules import email_problem
from scaffolder.core.git import Identity
from scaffolder.core.settings import Settings
from scaffolder.gui import messages, theme


def identity_problem(name: str, email: str) -> tuple[str, str]:
    """(name sentence, e-mail sentence), empty when fine: the core's e-mail rule, in the form's words."""
    name_problem = "" if name.strip() else "Type your name: it authors your projects' first commits and their LICENSE."
    problem = email_problem(email.strip())
    email_sentence = f"The e-mail {email.strip()!r} is not allowed: {problem}." if problem else ""
    return name_problem, email_sentence


class WelcomeDialog(QDialog):
    def __init__(self, suggested: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to AI Portfolio Scaffolder")
        self.setObjectName("welcome")
        self.setWindowIcon(theme.app_icon())
        self.suggested = suggested
        heading = QLabel("<b>Welcome!</b> Before your first project: who are you?")
        heading.setStyleSheet("font-size: 13pt")
        intro = QLabel(
            "Git does not know your name and e-mail yet. They author each project's first commit and fill in "
            "its LICENSE and package metadata, so every new project starts with them. You can change them "
            "later in Settings."
        )
        intro.setWordWrap(True)
        self.author_name = QLineEdit(suggested.author_name)
        self.author_name.setObjectName("welcome-author-name")
        self.author_name.setPlaceholderText("Ada Lovelace")
        self.author_email = QLineEdit(suggested.author_email)
        self.author_email.setObjectName("welcome-author-email")
        self.author_email.setPlaceholderText("ada@example.com")
        self.github_username = QLineEdit(suggested.github_username)
        self.github_username.setObjectName("welcome-github-username")
        self.github_username.setPlaceholderText("optional: where your projects will be pushed")
        self.projects_dir = QLineEdit(str(suggested.projects_path))
        self.projects_dir.setObjectName("welcome-projects-dir")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.projects_dir, 1)
        folder_row.addWidget(browse)
        self.name_error = self._error_label("welcome-name-error")
        self.email_error = self._error_label("welcome-email-error")

        form = QFormLayout()
        for text, edit, error in (
            ("Your &name:", self.author_name, self.name_error),
            ("&E-mail:", self.author_email, self.email_error),
        ):
            field = QVBoxLayout()  # the sentence right under its field
            field.setSpacing(2)
            field.addWidget(edit)
            field.addWidget(error)
            label = QLabel(text)
            label.setBuddy(edit)
            form.addRow(label, field)
        form.addRow("&GitHub username:", self.github_username)
        folder_label = QLabel("&Projects folder:")
        folder_label.setBuddy(self.projects_dir)
        form.addRow(folder_label, folder_row)
        self.write_git_config = QCheckBox("Also save my name and e-mail in git's global config (git config --global)")
        self.write_git_config.setObjectName("welcome-write-git-config")
        self.write_git_config.setChecked(False)
        git_note = QLabel("Leave it unticked to keep your git setup as it is: the app uses them for its own projects.")
        git_note.setWordWrap(True)
        git_note.setStyleSheet(theme.muted_style())

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("&Save and continue", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("welcome-save")
        later = self.buttons.addButton("&Later", QDialogButtonBox.ButtonRole.RejectRole)
        later.setToolTip("Skip for now: the New Project wizard then asks for your name and e-mail")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.write_git_config)
        layout.addWidget(git_note)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        for edit in (self.author_name, self.author_email):
            edit.textChanged.connect(self._validate)
        self._validate()
        theme.fit_to_width(self, 600)

    def showEvent(self, event: QShowEvent) -> None:
        theme.fit_to_width(self, max(self.width(), 600))  # the fonts are final once shown
        super().showEvent(event)

    @staticmethod
    def _error_label(name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setStyleSheet(theme.error_style())
        label.hide()
        return label

    def _validate(self) -> None:
        name_problem, email_problem_ = identity_problem(self.author_name.text(), self.author_email.text())
        # An empty field is not an error yet, only not done: the sentence shows once something is typed.
        for label, sentence, typed in (
            (self.name_error, name_problem, bool(self.author_name.text())),
            (self.email_error, email_problem_, bool(self.author_email.text())),
        ):
            label.setText(sentence)
            label.setVisible(bool(sentence) and typed)
        self.save_button.setEnabled(not name_problem and not email_problem_)

    def _browse(self) -> None:
        chosen = messages.ask_directory(self, "Projects folder", self.suggested.projects_path)
        if chosen is not None:
            self.projects_dir.setText(str(chosen))

    def values(self) -> Settings:
        """The suggested settings with what was typed (the editor choices are kept)."""
        s = self.suggested
        return Settings(
            projects_dir=self.projects_dir.text().strip(),
            author_name=self.author_name.text().strip(),
            author_email=self.author_email.text().strip(),
            github_username=self.github_username.text().strip().lstrip("@"),
            editor=s.editor,
            custom_editor_command=s.custom_editor_command,
        )

    def identity(self) -> Identity:
        values = self.values()
        return Identity(values.author_name, values.author_email)
