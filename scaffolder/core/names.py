"""Which folder names a generated project may have, and why the rest are refused."""

from __future__ import annotations

import re

from scaffolder.core.errors import InvalidAnswer

ALLOWED = "letters, digits, '-', '_' and '.', starting with a letter or a digit (at most 100 characters)"
_WINDOWS_INVALID = set('<>:"/\\|?*')
# Microsoft's list includes COM0 and LPT0; CONIN$, CONOUT$ and the superscript digits are
# already refused by _SAFE.
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(10)}
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")


def folder_name_problem(name: str) -> str | None:
    """Why `name` cannot be a project folder on Linux, macOS and Windows, or None if it can."""
    if not name or not name.strip():
        return "it is empty"
    if "/" in name or "\\" in name:
        return "it contains a path separator"
    if name in {".", ".."}:
        return f"'{name}' is not a folder name (it means this folder or its parent)"
    if ".." in name:
        return "it contains '..'"
    if name.startswith("-"):
        return "it starts with a dash, which command-line tools read as an option"
    bad = sorted({c for c in name if c in _WINDOWS_INVALID or ord(c) < 32 or ord(c) == 127})
    if bad:
        return f"it contains characters Windows does not allow in file names: {' '.join(map(repr, bad))}"
    if name.endswith((".", " ")):
        return "it ends with a dot or a space, which Windows strips"
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        return f"'{name.split('.')[0]}' is a reserved device name on Windows"
    if len(name) > 100:
        return "it is longer than 100 characters"
    if not _SAFE.match(name):
        return "it contains spaces or characters outside the portable set"
    return None


def check_folder_name(name: str, question: str = "project_slug") -> str:
    """Return `name` if it is a safe project folder name; raise InvalidAnswer saying what is allowed."""
    problem = folder_name_problem(name)
    if problem:
        raise InvalidAnswer(
            question,
            f"The project folder name {name!r} is not allowed: {problem}.",
            f"Use {ALLOWED}, for example 'my-rag-app'.",
        )
    return name
