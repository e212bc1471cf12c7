"""Finding which editors and terminals are installed, fresh on every call.

Nothing is cached: an editor installed a minute ago is found by the next `detect()`. The GUI
calls it on a worker thread, since a slow or network filesystem can make the lookups slow.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from scaffolder.core.editors.host import Host
from scaffolder.core.editors.table import (
    APPLICATION_DIRS,
    COMMAND,
    EDITORS,
    EXTRA_BIN_DIRS,
    PATH,
    TERMINALS,
    EditorSpec,
    TerminalSpec,
)

_QUOTED_EXE = re.compile(r'"([^"]+\.exe)"', re.IGNORECASE)
_WINDOWS_ENV_VAR = re.compile(r"%([^%~]+)%")
_SHIM_SUFFIXES = (".cmd", ".bat")


@dataclass(frozen=True)
class Editor:
    """An editor found on this machine: `command` starts it, `args` follow with {path} filled."""

    id: str
    name: str
    command: tuple[str, ...]
    args: tuple[str, ...] = (PATH,)
    terminal: bool = False

    def argv(self, folder: Path | str) -> list[str]:
        return fill([*self.command, *self.args], str(folder))


@dataclass(frozen=True)
class Terminal:
    """A terminal found on this machine, its patterns with the program's full path."""

    id: str
    name: str
    here: tuple[str, ...]
    run: tuple[str, ...]
    new_console: bool = False
    refuses: str = ""


@dataclass(frozen=True)
class Detected:
    editors: tuple[Editor, ...]
    terminals: tuple[Terminal, ...]

    def get(self, editor_id: str) -> Editor | None:
        return next((e for e in self.editors if e.id == editor_id), None)


def fill(pattern: list[str] | tuple[str, ...], folder: str, command: list[str] | None = None) -> list[str]:
    """The pattern with {path} replaced inside each argument (never split) and {command}
    replaced by the command's arguments."""
    argv: list[str] = []
    for arg in pattern:
        if arg == COMMAND:
            argv.extend(command or [])
        else:
            argv.append(arg.replace(PATH, folder))
    return argv


def is_location(candidate: str) -> bool:
    return candidate.startswith(("/", "~/", "%"))


def resolve_shim(script: Path, host: Host) -> Path | None:
    """The program a Windows `.cmd`/`.bat` launcher starts, or None.

    A batch file always runs through cmd.exe, which reads `&`, `|` and `^` in the project's
    folder name as its own syntax; so we start the program it names directly, as Git clients do
    (VS Code's `bin\\code.cmd` names `%~dp0..\\Code.exe`; Toolbox scripts name the full path)."""
    try:
        text = script.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for quoted in _QUOTED_EXE.findall(text):
        expanded = quoted.replace("%~dp0", f"{script.parent}/")
        expanded = _WINDOWS_ENV_VAR.sub(lambda m: host.getenv(m.group(1)) or m.group(0), expanded)
        program = Path(os.path.normpath(expanded.replace("\\", "/")))
        if program.is_file():
            return program
    return None


def runnable(path: Path, host: Host) -> Path | None:
    """`path` if it can be started with an argument list, a batch file's real program, or None."""
    if host.family == "windows":
        if path.suffix.lower() in _SHIM_SUFFIXES:
            return resolve_shim(path, host)
        return path if path.is_file() else None
    return path if path.is_file() and os.access(path, os.X_OK) else None


def extra_bin_dirs(host: Host) -> tuple[Path, ...]:
    return tuple(p for d in EXTRA_BIN_DIRS[host.family] for p in host.expand(d))


def find_program(name_or_location: str, host: Host, extra: tuple[Path, ...] | None = None) -> Path | None:
    """A bare name on PATH (then the usual bin folders), or a well-known location; runnable."""
    if is_location(name_or_location):
        paths = host.expand(name_or_location)
    else:
        found = host.which(name_or_location, extra_bin_dirs(host) if extra is None else extra)
        paths = [found] if found else []
    for path in paths:
        program = runnable(path, host)
        if program:
            return program
    return None


def _app_bundle(name: str, host: Host) -> Path | None:
    for folder in APPLICATION_DIRS:
        for base in host.expand(folder):
            if (base / name).is_dir():
                return base / name
    return None


def locate(spec: EditorSpec, host: Host, extra: tuple[Path, ...]) -> Editor | None:
    """The editor as installed on `host`, from the first of its candidates that exists."""
    for candidate in spec.candidates(host.family):
        if host.family == "macos" and candidate.endswith(".app"):
            bundle = _app_bundle(candidate, host)
            if bundle:
                opener = host.which("open", extra) or Path("/usr/bin/open")
                return Editor(spec.id, spec.name, (str(opener), "-a", str(bundle)), (PATH,), spec.terminal)
            continue
        program = find_program(candidate, host, extra)
        if program:
            return Editor(spec.id, spec.name, (str(program),), spec.args, spec.terminal)
    return None


def _with_program(pattern: tuple[str, ...], host: Host, extra: tuple[Path, ...]) -> tuple[str, ...]:
    """The pattern with its program's full path; () when the program is not installed. A pattern
    that starts with {command} runs the command itself and needs no program."""
    if not pattern or pattern[0] == COMMAND:
        return pattern
    program = find_program(pattern[0], host, extra)
    return (str(program), *pattern[1:]) if program else ()


def _locate_terminal(spec: TerminalSpec, host: Host, extra: tuple[Path, ...]) -> Terminal | None:
    here, run = _with_program(spec.here, host, extra), _with_program(spec.run, host, extra)
    if not (here or run):
        return None
    return Terminal(spec.id, spec.name, here, run, spec.new_console, spec.refuses)


def detect(host: Host | None = None) -> Detected:
    """Every known editor and terminal installed on `host` (default: this machine, read now)."""
    host = host or Host.current()
    extra = extra_bin_dirs(host)
    editors = (locate(spec, host, extra) for spec in EDITORS)
    terminals = (_locate_terminal(spec, host, extra) for spec in TERMINALS[host.family])
    return Detected(tuple(e for e in editors if e), tuple(t for t in terminals if t))


def spec_for(editor_id: str) -> EditorSpec | None:
    return next((spec for spec in EDITORS if spec.id == editor_id), None)
