"""Turning an editor and a folder into a command (a plan), and starting it detached.

A plan is plain data, so tests check the exact argv without starting anything; `launch()` is
one `Popen` with an argument list, never a shell, so no character in a folder name is special.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.core.editors.detect import Editor, Terminal, fill
from scaffolder.core.editors.errors import (
    EditorLaunchFailed,
    EditorNotFound,
    NoTerminalFound,
    ProjectFolderMissing,
)
from scaffolder.core.editors.host import family_of
from scaffolder.core.editors.table import TERMINALS

# Windows process-creation flags (defined in `subprocess` only on Windows).
DETACHED_PROCESS = 0x00000008
CREATE_NEW_CONSOLE = 0x00000010
CREATE_NEW_PROCESS_GROUP = 0x00000200


@dataclass(frozen=True)
class LaunchPlan:
    what: str  # for messages: "VS Code", "Neovim in GNOME Terminal"
    argv: tuple[str, ...]
    cwd: Path
    new_console: bool = False

    def command_line(self, platform: str = sys.platform) -> str:
        """The command as the user would type it, for error messages."""
        if family_of(platform) == "windows":
            return subprocess.list2cmdline(self.argv)
        return shlex.join(self.argv)


def _existing_folder(folder: Path | str) -> Path:
    path = Path(folder).expanduser().absolute()
    if not path.is_dir():
        raise ProjectFolderMissing(
            f"The project folder {path} does not exist.",
            "It was moved or deleted; relocate the project in the portfolio, then open it again.",
        )
    return path


def _known_terminals(family: str) -> str:
    return ", ".join(spec.name for spec in TERMINALS[family])


def _terminal(terminals: tuple[Terminal, ...], kind: str, argv: list[str]) -> Terminal | None:
    """The first terminal that can do `kind` ("here" or "run") with these arguments."""
    return next(
        (t for t in terminals if getattr(t, kind) and not any(c in arg for c in t.refuses for arg in argv)), None
    )


def plan_open(
    editor: Editor, folder: Path | str, terminals: tuple[Terminal, ...], platform: str = sys.platform
) -> LaunchPlan:
    """The command that opens `folder` in `editor`; a console editor runs in the first terminal."""
    path = _existing_folder(folder)
    argv = editor.argv(path)
    if not editor.terminal:
        return LaunchPlan(editor.name, tuple(argv), path)
    terminal = _terminal(terminals, "run", argv)
    if terminal is None:
        raise NoTerminalFound(
            f"{editor.name} runs in a terminal, and no terminal program was found.",
            f"Install one ({_known_terminals(family_of(platform))}), or choose a graphical editor.",
            command_line=shlex.join(argv),
            reason="no terminal program found",
        )
    return LaunchPlan(
        f"{editor.name} in {terminal.name}", tuple(fill(terminal.run, str(path), argv)), path, terminal.new_console
    )


def plan_terminal_here(folder: Path | str, terminals: tuple[Terminal, ...], platform: str = sys.platform) -> LaunchPlan:
    """The command that opens a terminal window with its shell in `folder`."""
    path = _existing_folder(folder)
    terminal = _terminal(terminals, "here", [str(path)])
    if terminal is None:
        raise NoTerminalFound(
            "No terminal program was found.",
            f"Install one ({_known_terminals(family_of(platform))}).",
            reason="no terminal program found",
        )
    return LaunchPlan(terminal.name, tuple(fill(terminal.here, str(path))), path, terminal.new_console)


def popen_options(platform: str, new_console: bool = False) -> dict[str, Any]:
    """Detached: the editor outlives the app, is not killed by its Ctrl+C, and writes nothing
    to the app's console."""
    options: dict[str, Any] = {
        "stdin": subprocess.DEVNULL,
        "stdout": subprocess.DEVNULL,
        "stderr": subprocess.DEVNULL,
        "close_fds": True,
    }
    if family_of(platform) == "windows":
        options["creationflags"] = (CREATE_NEW_CONSOLE if new_console else DETACHED_PROCESS) | CREATE_NEW_PROCESS_GROUP
    else:
        options["start_new_session"] = True
    return options


# Children we started: polled now and then so the finished ones do not linger as zombies.
_started: list[subprocess.Popen[bytes]] = []


def launch(plan: LaunchPlan, platform: str = sys.platform) -> subprocess.Popen[bytes]:
    """Start the plan's command and return at once. Nothing is retried: a failure is raised
    with the command that ran and the system's reason."""
    command_line = plan.command_line(platform)
    try:
        process = subprocess.Popen(list(plan.argv), cwd=plan.cwd, **popen_options(platform, plan.new_console))
    except FileNotFoundError as err:
        raise EditorNotFound(
            f"Could not start {plan.what}: {plan.argv[0]} was not found.",
            f"Command: {command_line}\nInstall it again, or choose another editor.",
            command_line=command_line,
            reason=err.strerror or str(err),
        ) from err
    except OSError as err:
        raise EditorLaunchFailed(
            f"Could not start {plan.what}: {err.strerror or err}.",
            f"Command: {command_line}\nCheck that the program runs on its own, or choose another editor.",
            command_line=command_line,
            reason=err.strerror or str(err),
        ) from err
    _started[:] = [p for p in _started if p.poll() is None]
    _started.append(process)
    return process
