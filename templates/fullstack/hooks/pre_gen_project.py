"""Refuse answers that would generate a broken project, before any file is written.

This file is the same in every bundled template, and its folder-name rule is the app's own
(scaffolder/core/names.py): a slug the app accepts is never refused here, nor the other way
round. tests/templates/test_house_style.py holds the two to each other.
"""

import keyword
import re
import sys

# Answers arrive as JSON string literals (tojson), never pasted into the source: a quote in an
# answer cannot end the string and run as code.
package = {{ cookiecutter.package_name | tojson }}
slug = {{ cookiecutter.project_slug | tojson }}

ALLOWED = (
    "letters, digits, '-', '_' and '.', starting with a letter or a digit (at most 100 characters)"
)
_WINDOWS_INVALID = set('<>:"/\\|?*')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{prefix}{i}" for prefix in ("COM", "LPT") for i in range(10)
}
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")


def folder_name_problem(name):
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


def package_name_problem(name):
    """Why `name` cannot be imported as a Python package, or None if it can."""
    if not name.isascii() or not name.isidentifier() or keyword.iskeyword(name):
        return "it is not a valid Python identifier"
    return None


problem = folder_name_problem(slug)
if problem:
    print(f"ERROR: project_slug {slug!r} is not allowed: {problem}. Use {ALLOWED}.")
    sys.exit(1)
problem = package_name_problem(package)
if problem:
    print(
        f"ERROR: package_name {package!r} is not allowed: {problem} "
        "(ASCII letters, digits and '_', not starting with a digit, not a Python keyword)."
    )
    sys.exit(1)
