"""Typed errors: a `UserError` is something the user can fix and is shown as a sentence;
anything else that escapes is a bug and is shown with details and logged with its traceback."""

from __future__ import annotations


class ScaffolderError(Exception):
    """Base of every error the app raises on purpose."""


class UserError(ScaffolderError):
    """The user can fix this: the message says what happened and what to do."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class TemplateError(UserError):
    """A template is missing, malformed, or failed while rendering."""


class InvalidAnswer(UserError):
    """An answer to a template question is not acceptable."""

    def __init__(self, question: str, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.question = question


class TargetExists(UserError):
    """The project folder exists and is not empty: we never merge into it."""


class GitMissing(UserError):
    """The `git` program cannot be found."""


class GitIdentityMissing(UserError):
    """Git has no user.name/user.email and the app knows none to use."""


class HooksNotApproved(UserError):
    """A third-party template has hooks and the user has not agreed to run them."""


class Cancelled(UserError):
    """The user cancelled a long operation; nothing was left behind."""


class ProjectNotFound(UserError):
    """No project of that name is in the portfolio."""


class StoreError(UserError):
    """The portfolio database cannot be opened or written."""


class TemplateNotTrusted(HooksNotApproved):
    """A third-party template is code the user has not agreed to run (at its current content)."""


class OutsideProjectFolder(TemplateError):
    """A template would write outside the project folder (a rendered path, an outward link)."""


class PlaceholderAuthor(GitIdentityMissing, InvalidAnswer):
    """Nobody is known and the author answers are the template's placeholders: both the answer
    to fix (its field, for the wizard) and git's missing identity (for whoever handles that)."""

    def __init__(self, question: str, message: str, hint: str = "") -> None:
        InvalidAnswer.__init__(self, question, message, hint)
