"""Keeping the portfolio file safe: SQLite's failures as sentences that say what to do, a backup
of the last good portfolio (SQLite's online backup API), and restoring it.

The portfolio is the user's record of their projects; an empty or damaged file must never be
mistaken for a new, empty portfolio. A fresh file is therefore created whole (built beside it,
then linked into place), so a 0-byte `portfolio.sqlite3` always means something went wrong.
Opening, creating and restoring happen under a lock file, so two app instances never restore
over each other or see a file half-made.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import shutil
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from scaffolder.core.errors import StoreError

log = logging.getLogger(__name__)

LOCK_TIMEOUT_S = 10.0
_SIDE_FILES = ("-wal", "-shm")  # SQLite's companions: they belong to one database file only


def _owner() -> str:
    """Names temporary files: the process (so doctor can tell a dead one's) and the thread."""
    return f"{os.getpid()}-{threading.get_ident()}"


_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-\d+\.(tmp|new|restoring)$")


def _process_alive(pid: int) -> bool:
    if pid == os.getpid() or sys.platform == "win32":  # Windows: no cheap check, leave the file
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def stale_temporary_files(path: Path) -> list[Path]:
    """Temporary files beside the portfolio whose process is gone (killed mid-backup…)."""
    folder = path.parent
    if not folder.is_dir():
        return []
    found = []
    for entry in sorted(folder.iterdir()):
        match = _TEMPORARY.match(entry.name)
        if match and match["name"].startswith(path.stem) and not _process_alive(int(match["pid"])):
            found.append(entry)
    return found


def backup_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.backup{path.suffix}")


def lock_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.lock")


# --- errors as sentences ------------------------------------------------------------------

_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB, _PERM = 5, 6, 8, 10, 11, 13, 14, 26, 3


def _primary_code(err: sqlite3.Error) -> int | None:
    code = getattr(err, "sqlite_errorcode", None)  # Python 3.11+
    if isinstance(code, int):
        return code & 0xFF
    text = str(err).lower()
    for needle, guess in (
        ("locked", _BUSY),
        ("readonly", _READONLY),
        ("read-only", _READONLY),
        ("disk is full", _FULL),
        ("malformed", _CORRUPT),
        ("not a database", _NOTADB),
        ("unable to open", _CANTOPEN),
    ):
        if needle in text:
            return guess
    return None


def _nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < 1_000_000
    except OSError:
        return False


def known_failure(err: sqlite3.Error, path: Path, timeout: float) -> StoreError | None:
    """The user-facing error for a failure of the portfolio file's environment, or None for a bug.

    As qutebrowser's `misc/sql.py` tells `KnownError` from `BugError`: every OperationalError
    (locked, read-only, I/O, disk full, cannot open…) and a damaged file are the environment's,
    and `explain` says what to do. Anything else (a constraint, a value SQLite cannot bind, a
    closed connection) is the app's own mistake: the caller lets it rise with its traceback."""
    if isinstance(err, sqlite3.OperationalError) or _primary_code(err) in (_CORRUPT, _NOTADB):
        return explain(err, path, timeout)
    return None


def explain(err: sqlite3.Error, path: Path, timeout: float) -> StoreError:
    """What happened to the portfolio file and what the user can do, by SQLite's error code."""
    code = _primary_code(err)
    if code in (_BUSY, _LOCKED):
        return StoreError(
            f"The portfolio {path} stayed locked by another program for more than {timeout:g} s; nothing was changed.",
            "Another scaffolder (a window or a command) is probably writing to it: let it finish or close it,"
            " then try again.",
            reason="locked",
        )
    if code == _READONLY:
        return StoreError(
            f"The portfolio {path} is read-only, so the change was not saved; your projects are untouched.",
            f"Make the file and its folder writable (chmod u+w {path} {path.parent}), or set SCAFFOLDER_HOME"
            " to a folder you can write, then try again.",
            reason="read-only",
        )
    if code == _FULL or (code == _IOERR and _nearly_full(path.parent)):  # ENOSPC in the WAL is an I/O error
        return StoreError(
            f"The disk that holds the portfolio ({path.parent}) is full, so the change was not saved;"
            " your projects are untouched.",
            "Free some space on that disk, then try again.",
            reason="full",
        )
    if code in (_CORRUPT, _NOTADB):
        return StoreError(
            f"The portfolio file {path} is damaged ({err}).",
            "{repair_portfolio}  to check it and restore the last good backup.",
            reason="damaged",
        )
    if code in (_CANTOPEN, _PERM) and read_only_folder(path):
        return StoreError(
            f"The portfolio {path} is on a read-only disk or folder: it can be read, not changed.",
            f"Make {path.parent} writable, or set SCAFFOLDER_HOME to a folder you can write, then try again.",
            reason="read-only",
        )
    if code in (_CANTOPEN, _PERM):
        return StoreError(
            f"The portfolio file {path} cannot be opened ({err}).",
            f"Check that you can read and write it and its folder (ls -l {path.parent}), then try again.",
            reason="cannot-open",
        )
    if code == _IOERR:
        return StoreError(
            f"Reading or writing the portfolio {path} failed at the disk ({err}); nothing was changed.",
            "Check the disk (is it full, removed, or a network folder that went away?), then try again.",
            reason="io",
        )
    return StoreError(f"The portfolio {path} could not be used: {err}.", "{check_portfolio}", reason="other")


def explain_os_error(err: OSError, path: Path) -> StoreError:
    if err.errno == errno.ENOSPC:
        return StoreError(
            f"The disk that holds the portfolio ({path.parent}) is full; nothing was changed.",
            "Free some space on that disk, then try again.",
            reason="full",
        )
    if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StoreError(
            f"The portfolio folder {path.parent} cannot be written ({err.strerror or err}).",
            "Make it writable, or set SCAFFOLDER_HOME to a folder you can write, then try again.",
            reason="read-only",
        )
    return StoreError(f"The portfolio folder {path.parent} cannot be used: {err.strerror or err}.", reason="other")


# --- the lock -------------------------------------------------------------------------------


@contextlib.contextmanager
def portfolio_lock(path: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """An exclusive lock on `portfolio.sqlite3.lock` while the file is checked, made or restored."""
    deadline = time.monotonic() + timeout
    try:
        handle = open(lock_path(path), "a+b")  # noqa: SIM115 (closed below, after the unlock)
    except OSError as err:
        if err.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise
        yield  # a read-only folder: nothing can be made or restored in it, only read
        return
    with handle:
        while True:
            try:
                _lock(handle.fileno())
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"Another scaffolder kept the portfolio {path} locked for more than {timeout:g} s.",
                        "Let it finish or close it, then try again.",
                        reason="locked",
                    ) from None
                time.sleep(0.01)
        try:
            yield
        finally:
            _unlock(handle.fileno())


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


# --- health, backup, restore ----------------------------------------------------------------


@dataclass(frozen=True)
class Health:
    ok: bool
    problem: str = ""  # why not: "it is empty (0 bytes)", "file is not a database"…
    projects: int | None = None  # how many it lists, when it can be read
    damaged: bool = False  # the content is bad (not: this user cannot open it)
    error: sqlite3.Error | None = None


def connect(path: Path, timeout: float, read_only: bool = False) -> sqlite3.Connection:
    """A connection; `read_only` for a folder nobody can write (a read-only disk): SQLite then
    cannot make the -shm file WAL mode needs, and reads the file as immutable instead."""
    if read_only:
        uri = f"{path.resolve().as_uri()}?immutable=1"
        return sqlite3.connect(uri, timeout=timeout, uri=True, isolation_level=None)
    return sqlite3.connect(path, timeout=timeout, isolation_level=None)


def read_only_folder(path: Path) -> bool:
    return path.exists() and not os.access(path.parent, os.W_OK)


def check_health(path: Path, quick: bool = True, timeout: float = LOCK_TIMEOUT_S) -> Health:
    """Is the file a readable portfolio? `PRAGMA quick_check` (or the full integrity_check),
    waiting at most `timeout` seconds for another program's lock."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return Health(False, "it does not exist")
    if size == 0:
        return Health(False, "it is empty (0 bytes)", damaged=True)
    try:
        db = connect(path, timeout, read_only_folder(path))
    except sqlite3.Error as err:
        return Health(False, str(err), damaged=_primary_code(err) in (_CORRUPT, _NOTADB), error=err)
    try:
        rows = [str(r[0]) for r in db.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check")]
        if rows != ["ok"]:
            return Health(False, "; ".join(rows[:3]), damaged=True)
        try:
            count = int(db.execute("SELECT count(*) FROM projects").fetchone()[0])
        except sqlite3.OperationalError:  # no table yet: a new portfolio being made
            count = 0
        return Health(True, projects=count)
    except sqlite3.Error as err:
        return Health(False, str(err), damaged=_primary_code(err) in (_CORRUPT, _NOTADB), error=err)
    finally:
        db.close()


def backup_taken_at(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(backup_path(path).stat().st_mtime, UTC)
    except OSError:
        return None


def describe_backup(path: Path) -> str:
    taken = backup_taken_at(path)
    health = check_health(backup_path(path))
    count = f"{health.projects} project{'' if health.projects == 1 else 's'}" if health.projects is not None else ""
    when = taken.strftime("%Y-%m-%d %H:%M UTC") if taken else "an unknown time"
    return f"the backup of {when}" + (f" ({count})" if count else "")


def take_backup(db: sqlite3.Connection, path: Path) -> bool:
    """Copy the open portfolio to its backup file, replacing the previous backup only with one
    that passes `quick_check`. Never raises: a failed backup must not fail the change it follows."""
    target = backup_path(path)
    temporary = target.with_name(f".{target.name}.{_owner()}.tmp")
    try:
        copy = sqlite3.connect(temporary, isolation_level=None)
        try:
            db.backup(copy)
            good = [str(r[0]) for r in copy.execute("PRAGMA quick_check")] == ["ok"]
        finally:
            copy.close()
        if not good:
            log.warning("Not replacing the portfolio backup: the copy of %s does not pass quick_check", path)
            return False
        os.replace(temporary, target)
        return True
    except (sqlite3.Error, OSError) as err:
        log.warning("Could not back up the portfolio %s: %s", path, err)
        return False
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _aside_name(path: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return path.with_name(f"{path.name}.damaged-{stamp}")


def move_aside(path: Path) -> Path:
    """Rename the damaged file (and its -wal/-shm, which would be replayed into the restored one)
    so it is kept for the user, never deleted."""
    aside = _aside_name(path)
    n = 1
    while aside.exists():
        aside = aside.with_name(f"{_aside_name(path).name}-{n}")
        n += 1
    os.replace(path, aside)
    for suffix in _SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
    return aside


def restore_backup(path: Path, why: str) -> str:
    """Put the backup in place of the damaged (or empty) file; returns the notice to show."""
    described = describe_backup(path)
    temporary = path.with_name(f".{path.name}.{_owner()}.restoring")
    try:  # the copy first: if it fails (a full disk), the damaged file is still where it was
        source = sqlite3.connect(backup_path(path), isolation_level=None)
        try:
            copy = sqlite3.connect(temporary, isolation_level=None)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
        aside = move_aside(path) if path.exists() else None
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    kept = f" The damaged file is kept as {aside.name}." if aside else ""
    return f"The portfolio file {path} was unusable ({why}); restored {described}.{kept}"


def create_whole(path: Path, prepare: Callable[[sqlite3.Connection], None]) -> None:
    """Make a new portfolio beside `path` and link it into place: `path` never exists half-made.
    If another process made one meanwhile, theirs is kept."""
    temporary = path.with_name(f".{path.name}.{_owner()}.new")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    db = sqlite3.connect(temporary, isolation_level=None)
    try:
        prepare(db)
    finally:
        db.close()
    try:
        if sys.platform == "win32":
            os.rename(temporary, path)  # refuses to replace an existing file
        else:
            os.link(temporary, path)  # idem, atomically
    except FileExistsError:
        pass
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
