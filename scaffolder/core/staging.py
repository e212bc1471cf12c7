"""Staging folders: where a project is rendered and committed before one rename puts it in place.

A staging folder sits beside the target (same filesystem, so the rename is atomic) and is named
after the process that owns it: `.scaffolder-staging-<pid>-<start>-<random>`, where `<start>` is
the process's start time where the system tells it (Linux), so a reused pid is not mistaken for
the owner. A generation removes its own folder however it ends; one killed outright (kill -9, a
power cut) cannot, so the next generation into the same parent removes folders whose owner is
gone, and `scaffolder doctor` lists them.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PREFIX = ".scaffolder-staging-"
_OWNED = re.compile(re.escape(PREFIX) + r"(\d+)-(\d*)-[A-Za-z0-9_]+\Z")
# Folders named before staging folders carried their owner: leftovers once this old.
_UNOWNED_AGE = 3600.0


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), or "" where unknown."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    fields = stat_line.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""  # field 22 of the line; 3 is the first after ")"


def _alive(pid: int, start: str) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive, and not ours to judge
        pass
    except OSError:  # Windows raises other errors for a missing process
        return False
    return not start or not Path("/proc").is_dir() or _start_time(pid) == start


def create_staging(parent: Path) -> Path:
    """A new staging folder in `parent`, named after this process."""
    pid = os.getpid()
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{pid}-{_start_time(pid)}-", dir=parent))


def _is_leftover(folder: Path) -> bool:
    match = _OWNED.match(folder.name)
    if match:
        return not _alive(int(match.group(1)), match.group(2))
    try:
        return time.time() - folder.lstat().st_mtime > _UNOWNED_AGE
    except OSError:
        return False


def leftover_staging_folders(parent: Path) -> list[Path]:
    """Staging folders in `parent` whose owning process is gone."""
    try:
        entries = list(Path(parent).iterdir())
    except OSError:
        return []
    return sorted(
        p for p in entries if p.name.startswith(PREFIX) and p.is_dir() and not p.is_symlink() and _is_leftover(p)
    )


def remove_leftover_staging(parent: Path) -> list[Path]:
    """Remove the leftover staging folders in `parent`; returns the ones that are gone now."""
    removed = []
    for folder in leftover_staging_folders(parent):
        remove_tree(folder)
        if not folder.exists():
            removed.append(folder)
    return removed


def remove_tree(path: Path) -> None:
    """Delete a folder even where git made files read-only (Windows refuses to delete those)."""

    def make_writable_and_retry(function: Callable[[str], object], failed_path: str, _exc: object) -> None:
        try:
            os.chmod(failed_path, stat.S_IWRITE | stat.S_IREAD)
            function(failed_path)
        except OSError:
            pass  # gone already, or truly stuck: a leftover staging folder is hidden, not harmful

    if not path.exists():
        return
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=make_writable_and_retry)
    else:  # `onerror` is deprecated from 3.12 on
        shutil.rmtree(path, onerror=make_writable_and_retry)
