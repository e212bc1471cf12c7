"""*Publish to GitHub…*: sign in with a token (kept in the system's credential store), then
create the repository and push, as GitHub Desktop's *Publish repository* does. Every network
call runs on a worker; errors are shown in the dialog as the core's sentence."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
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

from scaffolder.core.github import remote
from scaffolder.core.github.credentials import TOKEN_SCOPES, api_url
from scaffolder.core.github.publish import (
    PublishRequest,
    PublishResult,
    fix_readme_and_push,
    pitch_of,
    publish,
    repo_name_for,
)
from scaffolder.core.github.signin import SignedIn, sign_in, sign_out, who_is_signed_in
from scaffolder.core.store import Project, Store
from scaffolder.gui import messages, workers

ERROR_STYLE = "color: #b3261e"


class PublishDialog(QDialog):
    published = Signal(PublishResult)  # after the push (and again after a README fix)

    def __init__(self, store: Store, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Publish {project.name} to GitHub")
        self.store = store
        self.project = project
        self.result: PublishResult | None = None  # type: ignore[assignment]  # shadows QDialog.result(), unused here
        self._worker: workers.FunctionWorker | None = None

        self.account = QLabel("Checking the GitHub sign-in…")
        self.account.setObjectName("publish-account")
        self.api_url = QLineEdit(api_url(store))
        self.api_url.setToolTip("GitHub Enterprise Server: https://your-server/api/v3")
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("ghp_… or github_pat_…")
        self.sign_in_button = QPushButton("Sign &in")
        self.sign_in_button.clicked.connect(self._sign_in)
        self.sign_out_button = QPushButton("Sign &out")
        self.sign_out_button.clicked.connect(self._sign_out)
        scopes = QLabel(TOKEN_SCOPES)
        scopes.setWordWrap(True)
        scopes.setStyleSheet("color: palette(placeholder-text)")
        token_row = QHBoxLayout()
        token_row.addWidget(self.token, 1)
        token_row.addWidget(self.sign_in_button)
        token_row.addWidget(self.sign_out_button)

        self.repo_name = QLineEdit(repo_name_for(project))
        self.org = QLineEdit()
        self.org.setPlaceholderText("your account")
        self.private = QCheckBox("&Private repository (public by default: reviewers must be able to see it)")
        description = QLabel(pitch_of(project) or "(no pitch recorded)")
        description.setWordWrap(True)

        form = QFormLayout()
        form.addRow("GitHub:", self.account)
        form.addRow("&API URL:", self.api_url)
        token_label = QLabel("&Token:")
        token_label.setBuddy(self.token)  # a row holding a layout gets no buddy of its own
        form.addRow(token_label, token_row)
        form.addRow("", scopes)
        form.addRow("&Name:", self.repo_name)
        form.addRow("&Organisation:", self.org)
        form.addRow("Description:", description)
        form.addRow("", self.private)

        self.status = QLabel()
        self.status.setObjectName("publish-status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.status.setOpenExternalLinks(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.publish_button = self.buttons.addButton("&Publish", QDialogButtonBox.ButtonRole.ActionRole)
        self.publish_button.clicked.connect(self._publish)
        self.buttons.rejected.connect(self.reject)

        self.origin = remote.remote_url(project.path) if project.exists else None  # one quick `git remote`
        if self.origin is not None:  # published before: the repository's fields are GitHub's now
            form.insertRow(0, "Published at:", QLabel(remote.web_url(self.origin) or self.origin))
            for field in (self.repo_name, self.org, self.private):
                field.setEnabled(False)
            self.publish_button.setText("&Push")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(620, self.sizeHint().height())
        self._run(who_is_signed_in, self._show_account, store, self.api_url.text(), quiet=True)

    # --- running work -----------------------------------------------------------------------

    def _run(self, fn: Any, on_done: Any, *args: Any, quiet: bool = False, **kwargs: Any) -> None:
        self._set_busy(True)
        worker = workers.run_in_background(fn, *args, **kwargs)
        worker.signals.progress.connect(lambda step: self.status.setText(f"{step}…"))
        worker.signals.finished.connect(on_done)
        worker.signals.failed.connect(lambda err, details: self._show_error(err, details, quiet))
        worker.signals.done.connect(lambda: self._set_busy(False))
        self._worker = worker

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def _set_busy(self, busy: bool) -> None:
        if not busy:
            self._worker = None
        for widget in (self.publish_button, self.sign_in_button, self.sign_out_button):
            widget.setEnabled(not busy)

    def _show_error(self, err: BaseException, details: str, quiet: bool) -> None:
        message = messages.post(err, details)  # logged (a bug with its traceback); shown here, inline
        if quiet:  # the sign-in check on opening: say it where the account goes
            self.account.setText(message.sentence)
            return
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(f"{message.text}\n{message.hint}".strip())

    def _say(self, text: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(text)

    # --- sign in and out ----------------------------------------------------------------------

    def _show_account(self, signed: SignedIn | None) -> None:
        if signed is None:
            self.account.setText("Not signed in: paste a personal access token below.")
        else:
            self.account.setText(f"Signed in as <b>{signed.login}</b> (token from {signed.source})")
        self.sign_out_button.setVisible(signed is not None and signed.source == "credential store")

    def _sign_in(self) -> None:
        token = self.token.text()
        self.token.clear()  # the widget does not keep it once it is handed to the store
        self._run(sign_in, self._signed_in, self.store, token, self.api_url.text())

    def _signed_in(self, signed: SignedIn) -> None:
        self._show_account(signed)
        self._say(f"Signed in as {signed.login}; the token is kept in the system's credential store.")

    def _sign_out(self) -> None:
        self._run(sign_out, self._signed_out, self.store, self.api_url.text())

    def _signed_out(self, removed: bool) -> None:
        self._say("Signed out: the token was removed from the credential store." if removed else "No token was kept.")
        self._run(who_is_signed_in, self._show_account, self.store, self.api_url.text(), quiet=True)

    # --- publish --------------------------------------------------------------------------

    def _publish(self) -> None:
        request = PublishRequest(
            self.project.name,
            private=self.private.isChecked(),
            org=self.org.text().strip() or None,
            repo_name=self.repo_name.text().strip() or None,
            api_url=self.api_url.text().strip() or None,
        )
        self._say("Publishing…")
        self._run(publish, self._published, self.store, request)

    def _published(self, result: PublishResult) -> None:
        self.result = result
        verb = "Created and pushed" if result.created else "Pushed"
        unpublished = (
            " Uncommitted changes were not published: commit them and publish again." if result.uncommitted else ""
        )
        self._say(f'{verb} {result.branch} to <a href="{result.html_url}">{result.html_url}</a>.{unpublished}')
        self.published.emit(result)
        fix = result.readme_fix
        if fix is not None and messages.ask_confirm(
            self, "Fix the README's links", f"{fix.summary}\n\nCommit the fix and push it?", "Commit and push"
        ):
            self._run(fix_readme_and_push, self._readme_fixed, self.store, result)

    def _readme_fixed(self, sha: str) -> None:
        assert self.result is not None
        self._say(
            f'Pushed to <a href="{self.result.html_url}">{self.result.html_url}</a>;'
            f" the README's links now point at it (commit {sha[:7]})."
        )
        self.published.emit(self.result)

    def done(self, result: int) -> None:
        """Closing stops a push under way (the repository, if created, is finished by the next publish)."""
        if self._worker is not None:
            self._worker.cancel()
        super().done(result)
