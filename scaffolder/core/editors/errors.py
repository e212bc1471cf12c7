"""What can go wrong when opening a project: each says which command, and why, in words."""

from __future__ import annotations

from scaffolder.core.errors import UserError


class EditorProblem(UserError):
    """An editor or terminal could not be used. `command_line` is what ran (or would have run);
    the GUI shows it next to the reason and offers another editor."""

    def __init__(self, message: str, hint: str = "", *, command_line: str = "", reason: str = "") -> None:
        super().__init__(message, hint)
        self.command_line = command_line
        self.reason = reason


class UnknownEditor(EditorProblem):
    """The settings or the command line name an editor id we have no record of."""


class EditorNotFound(EditorProblem):
    """The editor's program is not installed where we looked, or vanished before it started."""


class EditorLaunchFailed(EditorProblem):
    """The program exists but the system refused to start it (permissions, bad format…)."""


class NoTerminalFound(EditorProblem):
    """A console editor, or "Open terminal here", needs a terminal program and none was found."""


class ProjectFolderMissing(EditorProblem):
    """The project's folder was moved or deleted: there is nothing to open."""
