"""Typed errors: a `UserError` is something the user can fix and is shown as a sentence;
anything else that escapes is a bug and is shown with details and logged with its traceback.

An error carries its own wording: a message said in more than one place is built by its type
(`NameTaken(name)`), and a next step that differs between the command line and the app is named
as an `{action}` (core/surface.py), worded when the error is shown, for the surface showing it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from scaffolder.core.surface import Surface, current_surface, word


class ScaffolderError(Exception):
    """Base of every error the app raises on purpose."""


class UserError(ScaffolderError):
    """The user can fix this: the message says what happened and what to do."""

    def __init__(self, message: str, hint: str = "", *, name: str = "") -> None:
        super().__init__(message)
        self.unworded = (message, hint)  # with its {action}s, as raised
        self.subject = name  # the project the actions are about, if any

    def worded(self, surface: Surface) -> tuple[str, str]:
        """(message, hint) with their actions worded for `surface`."""
        message, hint = self.unworded
        return word(message, surface, self.subject), word(hint, surface, self.subject)

    @property
    def message(self) -> str:
        return self.worded(current_surface())[0]

    @property
    def hint(self) -> str:
        return self.worded(current_surface())[1]

    def __str__(self) -> str:
        message, hint = self.worded(current_surface())
        return f"{message}\n{hint}" if hint else message


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

    @classmethod
    def generation(cls) -> Cancelled:
        return cls("Generation was cancelled; nothing was written.")

    @classmethod
    def recording(cls) -> Cancelled:
        return cls("Recording cancelled; nothing was changed in the project.")

    @classmethod
    def update(cls) -> Cancelled:
        return cls("The update was cancelled; nothing was changed.")


class ProjectNotFound(UserError):
    """No project of that name is in the portfolio; the hint lists the ones it has."""

    def __init__(self, name: str | int, known: Iterable[str]) -> None:
        names = list(known)
        listing = f"Projects: {', '.join(names)}." if names else "The portfolio is empty."
        super().__init__(f"No project named {name!r} in the portfolio.", listing)


class NameTaken(UserError):
    """The portfolio already has a project of this name (`folder`: the folder it is at, when
    known); the way out is another name, or forgetting the old project."""

    def __init__(self, name: str, folder: str | Path | None = None) -> None:
        said = f"with this name: {name} ({folder})" if folder is not None else f"named {name!r}"
        super().__init__(
            f"The portfolio already has a project {said}.",
            "Choose another project name, or forget the old one first ({forget}).",
            name=name,
        )


class FolderMissing(UserError):
    """The project's folder was moved or deleted: it must be found again before `then` (", then
    deploy") can happen. The app locates it in place; the command line forgets and imports it."""

    def __init__(self, name: str, folder: str | Path, then: str = "") -> None:
        super().__init__(f"The folder of {name} is missing: {folder}.", "{locate_project}" + then + ".", name=name)


class FolderTaken(UserError):
    """The folder is already another project's in the portfolio."""

    def __init__(self, name: str, folder: str | Path) -> None:
        super().__init__(
            f"The portfolio already has a project with this folder: {name} ({folder}).",
            "Choose another project name, or forget the old one first ({forget}).",
            name=name,
        )


# Why the portfolio could not be used: "newer" is a file from a newer app, "unusable" a damaged
# one whose backup could not be restored, "other" an OperationalError of no known code.
StoreReason = Literal["locked", "read-only", "full", "damaged", "cannot-open", "io", "newer", "unusable", "other"]


class StoreError(UserError):
    """The portfolio database cannot be opened or written: the environment's doing (locked,
    read-only, full, damaged), never a bug; the message says which and the hint what to do, as
    qutebrowser's `KnownError`. `reason` names the case for callers that act on it."""

    def __init__(self, message: str, hint: str = "", *, reason: StoreReason = "other") -> None:
        super().__init__(message, hint)
        self.reason = reason


class TemplateNotTrusted(HooksNotApproved):
    """A third-party template is code the user has not agreed to run (at its current content)."""

    @classmethod
    def not_agreed(cls, template_name: str, consent: str) -> TemplateNotTrusted:
        """Planning found no agreement: what agreeing lets run (`consent`), and how to agree."""
        return cls(
            f"The template {template_name!r} has not been agreed to, and nothing of it runs until it is.",
            f"{consent}\nTo agree, {{agree_to_template}}.",
        )


class OutsideProjectFolder(TemplateError):
    """A template would write outside the project folder (a rendered path, an outward link)."""


class PlaceholderAuthor(GitIdentityMissing, InvalidAnswer):
    """Nobody is known and the author answers are the template's placeholders: both the answer
    to fix (its field, for the wizard) and git's missing identity (for whoever handles that)."""

    def __init__(self, question: str, message: str, hint: str = "") -> None:
        InvalidAnswer.__init__(self, question, message, hint)
