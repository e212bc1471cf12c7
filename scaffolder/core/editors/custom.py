"""A custom editor: a command line the user wrote, with `{path}` where the folder goes.

It is split into arguments once, by the platform's own rules (POSIX shell words, or the
Windows C runtime's), and never given to a shell: the folder is substituted into the words
afterwards, so its characters are never read as syntax.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from scaffolder.core.editors.detect import Editor, extra_bin_dirs, runnable
from scaffolder.core.editors.errors import EditorNotFound, EditorProblem
from scaffolder.core.editors.host import Host
from scaffolder.core.editors.table import PATH

CUSTOM = "custom"
EXAMPLE = "kate -n {path}"


def _split_windows(text: str) -> list[str]:
    """Split as `CommandLineToArgvW` does: whitespace separates outside double quotes;
    2n backslashes before a quote give n and the quote toggles quoting; 2n+1 give n and a
    literal quote; other backslashes are literal (so `C:\\Program Files\\…` stays whole)."""
    words: list[str] = []
    word: list[str] = []
    in_word = quoted = False
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            end = i
            while end < len(text) and text[end] == "\\":
                end += 1
            count = end - i
            before_quote = end < len(text) and text[end] == '"'
            word.append("\\" * (count // 2 if before_quote else count))
            if before_quote and count % 2:
                word.append('"')
                end += 1
            i, in_word = end, True
            continue
        if char == '"':
            quoted, in_word = not quoted, True
        elif char in " \t" and not quoted:
            if in_word:
                words.append("".join(word))
                word, in_word = [], False
        else:
            word.append(char)
            in_word = True
        i += 1
    if quoted:
        raise ValueError("No closing quotation")
    if in_word:
        words.append("".join(word))
    return words


def split_command_line(text: str, family: str) -> list[str]:
    """The words of a command line, by Windows rules on Windows and POSIX shell rules elsewhere."""
    return _split_windows(text) if family == "windows" else shlex.split(text)


def custom_editor(command_line: str, host: Host | None = None, given_in: Path | None = None) -> Editor:
    """The editor a custom command line names. Without `{path}`, the folder goes last.

    A relative program (`./tools/edit {path}`) is found from `given_in`, the folder the command
    was given in (default: the current one), and kept as an absolute path: the editor starts in
    the project's folder, where the same relative path would name another program, or none."""
    host = host or Host.current()
    try:
        words = split_command_line(command_line, host.family)
    except ValueError as err:
        raise EditorProblem(
            f"The custom editor command cannot be read: {err}.",
            "Close every quote you open.",
            command_line=command_line,
            reason=str(err),
        ) from err
    if not words:
        raise EditorProblem(
            "The custom editor command is empty.",
            f"Write a command with {PATH} where the folder goes: {EXAMPLE}",
            reason="empty command",
        )
    program, *args = words
    if not any(PATH in arg for arg in args):
        args.append(PATH)
    path = Path(program).expanduser()
    if path.parent != Path("."):
        if not path.is_absolute():
            path = (given_in or Path.cwd()) / path
        found = runnable(path, host)
    else:
        located = host.which(program, extra_bin_dirs(host))
        found = runnable(located, host) if located else None
    if found is None:
        raise EditorNotFound(
            f"The custom editor program {program!r} was not found.",
            f"Command: {command_line}\nCheck its name, give its full path, or choose another editor. "
            "(A .cmd or .bat file is used only when it names the program it starts.)",
            command_line=command_line,
            reason=f"{program}: not found or not executable",
        )
    return Editor(CUSTOM, path.name, (str(found),), tuple(args))
