"""Reading a file of a project the app may not have written, without being held or misled.

A README can be a FIFO (opening it blocks until someone writes), a device (`/dev/zero` never
ends), a symlink to a file outside the project (`~/.ssh/id_rsa`, evidence would quote it), or
a few gigabytes. Each is skipped with a sentence that says why, so a check can show it as
evidence, and one such project never holds the rest of the portfolio.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_TEXT_BYTES = 1_000_000  # a README beyond this is not one a reader will read either

# Never block in open(): a FIFO swapped in after the checks below opens at once and is refused.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class Skipped:
    """Why a file was not read: a sentence that starts with the file's path."""

    reason: str


def _size(limit: int) -> str:
    return f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit / 1000:g} KB"


def read_text_bounded(root: Path, path: str, limit: int = MAX_TEXT_BYTES) -> str | Skipped | None:
    """The text of `root/path`; Skipped with the reason when it is not safe to read; None when
    it is not there (or cannot be read, as if absent)."""
    full = root / path
    try:
        target = full.resolve(strict=True)
    except (OSError, RuntimeError):  # absent, a dangling link, a link loop
        if full.is_symlink():
            return Skipped(f"{path} is a symbolic link that leads nowhere")
        return None
    if not target.is_relative_to(root.resolve()):
        return Skipped(f"{path} is a symbolic link that leaves the project (to {target})")
    try:
        before = os.stat(target)
    except OSError:
        return None
    if not stat.S_ISREG(before.st_mode):
        return Skipped(f"{path} is not a regular file")
    if before.st_size > limit:
        return Skipped(f"{path} is larger than {_size(limit)} ({before.st_size:,} bytes); not read")
    try:
        fd = os.open(target, _OPEN_FLAGS)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        now = os.fstat(handle.fileno())
        if not stat.S_ISREG(now.st_mode):  # replaced between the checks and the open
            return Skipped(f"{path} is not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:  # grew since the check
        return Skipped(f"{path} is larger than {_size(limit)}; not read")
    return data.decode("utf-8", errors="replace")
