"""The portfolio: an SQLite file, schema versioned with `PRAGMA user_version`.

One connection per operation (an sqlite3 connection belongs to one thread), WAL mode so a
second app instance can read while one writes, and `BEGIN IMMEDIATE` transactions with a busy
timeout so two writers queue instead of failing or corrupting the file.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn

from scaffolder.core import store_recovery
from scaffolder.core.errors import FolderTaken, NameTaken, ProjectNotFound, StoreError, UserError
from scaffolder.core.paths import KINDS, data_dir
from scaffolder.core.surface import current_surface, word

log = logging.getLogger(__name__)

DB_FILENAME = "portfolio.sqlite3"
BUSY_TIMEOUT_S = 10.0  # how long a write waits for another writer before saying so
_LOGGED_AS_BUG = "(logged by the portfolio store as a bug, not a failure of the file)"


# The kinds are paths.KINDS (the bundled templates' own); this CHECK is their state when _V1
# shipped, so a bundled template of a new kind also needs a migration that widens it
# (tests/unit/core/test_kinds.py compares the two).
_V1 = """
        CREATE TABLE projects (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('rag', 'agent', 'fullstack', 'custom')),
            path TEXT NOT NULL UNIQUE,
            template TEXT,
            template_version TEXT,
            answers TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        );
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


_V2 = """
        ALTER TABLE projects ADD COLUMN live_url TEXT;
        ALTER TABLE projects ADD COLUMN writeup_url TEXT;
        CREATE TABLE manual_checks (
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            check_id TEXT NOT NULL,
            checked_at TEXT NOT NULL,
            evidence_url TEXT,
            PRIMARY KEY (project_id, check_id)
        );
"""


_V3 = """
        ALTER TABLE projects ADD COLUMN editor TEXT;
        CREATE TABLE probes (
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            status INTEGER,
            latency_ms REAL,
            error TEXT,
            probed_at TEXT NOT NULL,
            PRIMARY KEY (project_id, url)
        );
"""


# Consents to run a third-party template: one row per template folder and content digest, appended
# when the user agrees (a changed template has another digest, so it asks again).
_V4 = """
        CREATE TABLE template_consents (
            template_path TEXT NOT NULL,
            digest TEXT NOT NULL,
            agreed_at TEXT NOT NULL,
            PRIMARY KEY (template_path, digest)
        );
"""


# Each entry moves the schema one version up; never edit one that has shipped, append a new one.
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4)
SCHEMA_VERSION = len(MIGRATIONS)


class UrlField(StrEnum):
    """The URLs a project records, as the command line and the app name them; `column` is the
    store's."""

    LIVE = "live-url"
    WRITEUP = "writeup-url"

    @property
    def column(self) -> str:
        return self.value.replace("-", "_")

    @property
    def label(self) -> str:
        return {UrlField.LIVE: "live URL", UrlField.WRITEUP: "write-up URL"}[self]


@dataclass(frozen=True)
class ManualCheck:
    check_id: str
    checked_at: datetime
    evidence_url: str | None


@dataclass(frozen=True)
class Probe:
    url: str
    status: int | None
    latency_ms: float | None
    error: str | None
    probed_at: datetime


@dataclass(frozen=True)
class Project:
    id: int
    name: str
    kind: str
    path: Path
    template: str | None
    template_version: str | None
    answers: dict[str, Any]
    created_at: datetime
    live_url: str | None = None
    writeup_url: str | None = None
    editor: str | None = None
    manual_checks: dict[str, ManualCheck] = field(default_factory=dict)

    def url(self, field: UrlField) -> str | None:
        return self.live_url if field is UrlField.LIVE else self.writeup_url

    @property
    def exists(self) -> bool:
        """False when the folder was moved or deleted: shown as missing, never dropped."""
        return self.path.is_dir()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _statements(script: str) -> Iterator[str]:
    """The statements of a migration script (each ends a line with ';')."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()


def migrate(db: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Run the migrations from the file's `user_version` up to `target`, each in its own transaction.

    The version is read again once the write lock is held: another process opening the same new
    file at the same moment may have migrated it meanwhile (both then ran CREATE TABLE and the
    second failed). executescript() cannot be used inside a transaction (it commits first), so
    each statement runs on its own."""
    while True:
        current = int(db.execute("PRAGMA user_version").fetchone()[0])
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"The portfolio was written by a newer version of the app (schema {current}, this app knows {SCHEMA_VERSION}).",
                "Update the app, or set SCAFFOLDER_HOME to use another portfolio.",
                reason="newer",
            )
        if current >= target:
            return current
        db.execute("BEGIN IMMEDIATE")
        try:
            if int(db.execute("PRAGMA user_version").fetchone()[0]) == current:  # nobody migrated meanwhile
                for statement in _statements(MIGRATIONS[current]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {current + 1}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise


def _use_wal(db: sqlite3.Connection, timeout: float = 10.0) -> None:
    """Switch the file to WAL (it stays so). Switching needs the file to itself and SQLite does
    not wait for that (no busy handler): while another process creates or migrates the same new
    file, retry instead of failing with 'database is locked'."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class Store:
    """The portfolio database at `path` (default: `data_dir()/portfolio.sqlite3`).

    Every failure of the file's environment (any OperationalError: locked, read-only, I/O, disk
    full; a damaged file) leaves any call as a StoreError that says what to do
    (store_recovery.known_failure); any other SQLite error is a bug, logged with its traceback.
    An empty or damaged file is restored from the backup of the last good portfolio, which is
    refreshed after each change; `notices` says when that happened (also logged as a warning,
    which the command line prints)."""

    def __init__(self, path: Path | None = None, timeout: float = BUSY_TIMEOUT_S, *, auto_backup: bool = True) -> None:
        self.path = Path(path) if path else data_dir() / DB_FILENAME
        self.timeout = timeout
        self.auto_backup = auto_backup  # False: only `scaffolder doctor`, which reports first
        self.notices: list[str] = []
        self.read_only = False
        self.row_problems: list[str] = []  # rows the last projects() could not read in full
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with store_recovery.portfolio_lock(self.path, max(timeout, 1.0)):
                self._open_file()
        except OSError as err:
            raise store_recovery.explain_os_error(err, self.path) from err
        except sqlite3.Error as err:  # making a new file whole (create_whole) runs outside _connect
            self._raise_classified(err)

    def _raise_classified(self, err: sqlite3.Error) -> NoReturn:
        """Raise the StoreError that says what to do for a failure of the file's environment; a
        bug is logged with its traceback (once) and rises as it is. Call it in an `except`."""
        known = store_recovery.known_failure(err, self.path, self.timeout)
        if known is not None:
            raise known from err
        if _LOGGED_AS_BUG not in getattr(err, "__notes__", ()):
            err.add_note(_LOGGED_AS_BUG)
            log.error("A bug, not the portfolio file: %s: %s", type(err).__name__, err, exc_info=err)
        raise err

    def _open_file(self) -> None:
        """Under the lock: make the file whole if absent, restore it if empty or damaged, then
        migrate. A file that is merely unreadable to this user is reported, never replaced."""
        if not self.path.exists():
            if store_recovery.backup_path(self.path).exists():
                backup = store_recovery.describe_backup(self.path)
                self._notice(
                    f"There was no portfolio file at {self.path}; a new one was started. "
                    f"{backup[0].upper()}{backup[1:]} is kept: {word('{restore_portfolio}', current_surface())}."
                )
            store_recovery.create_whole(self.path, self._prepare)
        elif not os.access(self.path, os.R_OK):
            raise StoreError(
                f"The portfolio file {self.path} cannot be read: permission denied.",
                f"Make it readable and writable for you (chmod u+rw {self.path}), then try again.",
                reason="cannot-open",
            )
        else:
            health = store_recovery.check_health(self.path, timeout=self.timeout)  # a busy file: as long as any call
            if health.error is not None and not health.damaged:  # busy, cannot open…: not the file's fault
                raise store_recovery.explain(health.error, self.path, self.timeout)
            if not health.ok:
                self._recover(health.problem)
        self.read_only = store_recovery.read_only_folder(self.path)
        with self._connect() as db:
            if self.read_only:
                migrate(db)  # only reads the version when it is current; says so when it is not
                return
            self._prepare(db)
        if not self.auto_backup:
            return
        for leftover in store_recovery.stale_temporary_files(self.path):  # from a killed process
            with contextlib.suppress(OSError):
                leftover.unlink()
        if not store_recovery.backup_path(self.path).exists():
            with self._connect() as db:
                store_recovery.take_backup(db, self.path)

    def _prepare(self, db: sqlite3.Connection) -> None:
        _use_wal(db)
        migrate(db)

    def _recover(self, problem: str) -> None:
        backup = store_recovery.backup_path(self.path)
        if store_recovery.check_health(backup).ok:
            try:
                self._notice(store_recovery.restore_backup(self.path, problem))
            except (sqlite3.Error, OSError) as err:
                raise StoreError(
                    f"The portfolio file {self.path} is unusable ({problem}), and restoring its backup failed: {err}.",
                    "Free some space or make the folder writable, then {run_repair}.",
                    reason="unusable",
                ) from err
            return
        what = "empty (0 bytes)" if problem.startswith("it is empty") else f"damaged ({problem})"
        raise StoreError(
            f"The portfolio file {self.path} is {what}, and there is no good backup to restore it from.",
            f"Your projects are still on disk. Move the file aside (mv {self.path} {self.path}.damaged) to start"
            " a new portfolio, then add them back with  {import_folder}.",
            reason="damaged",
        )

    def _notice(self, text: str) -> None:
        self.notices.append(text)
        log.warning("%s", text)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            db = store_recovery.connect(self.path, self.timeout, self.read_only)
        except sqlite3.Error as err:
            self._raise_classified(err)
        try:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA foreign_keys = ON")
            db.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            yield db
        except sqlite3.Error as err:
            self._raise_classified(err)
        finally:
            db.close()

    @contextmanager
    def transaction(self, backup: bool = True) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed when the block ends, rolled back if it raises. After the
        commit the backup is refreshed (`backup=False` for what can be recomputed: probes)."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.in_transaction:  # SQLite may have rolled back already (disk full)
                    db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            if backup:
                store_recovery.take_backup(db, self.path)

    def back_up(self) -> bool:
        """Refresh the backup of the last good portfolio now; False when it could not be made."""
        with self._connect() as db:
            return store_recovery.take_backup(db, self.path)

    # --- projects -------------------------------------------------------------------------

    def insert_project(
        self,
        db: sqlite3.Connection,
        *,
        name: str,
        kind: str,
        path: Path,
        template: str | None,
        template_version: str | None,
        answers: dict[str, Any],
    ) -> int:
        """Insert within the caller's transaction, so the caller can roll back if the files fail."""
        if kind not in KINDS:
            raise UserError(f"Unknown project kind {kind!r}; expected one of {', '.join(KINDS)}.")
        resolved = str(Path(path).resolve())
        clash = db.execute("SELECT name, path FROM projects WHERE name = ? OR path = ?", (name, resolved)).fetchone()
        if clash:
            taken = NameTaken if clash["name"] == name else FolderTaken
            raise taken(clash["name"], clash["path"])
        cursor = db.execute(
            "INSERT INTO projects (name, kind, path, template, template_version, answers, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (name, kind, resolved, template, template_version, json.dumps(answers, sort_keys=True), _now()),
        )
        return int(cursor.lastrowid or 0)

    def add_project(self, **fields: Any) -> Project:
        with self.transaction() as db:
            project_id = self.insert_project(db, **fields)
        return self.get(project_id)

    def name_taken(self, name: str) -> bool:
        with self._connect() as db:
            return db.execute("SELECT 1 FROM projects WHERE name = ?", (name,)).fetchone() is not None

    def _row_to_project(self, db: sqlite3.Connection, row: sqlite3.Row) -> Project:
        """A project from its row; a field that cannot be read is replaced by a neutral value and
        noted in `row_problems`, so one bad value never hides the project (or the others)."""
        name = str(row["name"])

        def problem(what: str) -> None:
            self.row_problems.append(
                f"{name}: {what}; it is shown without it ({word('{see_portfolio_state}', current_surface())})."
            )

        try:
            answers = json.loads(row["answers"])
            if not isinstance(answers, dict):
                raise ValueError("not an object")
        except (TypeError, ValueError):
            problem("its recorded template answers cannot be read")
            answers = {}
        try:
            created_at = datetime.fromisoformat(row["created_at"])
        except (TypeError, ValueError):
            problem(f"its creation date {row['created_at']!r} cannot be read")
            created_at = datetime.fromtimestamp(0, UTC)
        checks: dict[str, ManualCheck] = {}
        for r in db.execute("SELECT * FROM manual_checks WHERE project_id = ?", (row["id"],)):
            try:
                checks[r["check_id"]] = ManualCheck(
                    r["check_id"], datetime.fromisoformat(r["checked_at"]), r["evidence_url"]
                )
            except (TypeError, ValueError):
                problem(f"the tick of {r['check_id']} has an unreadable date")
        return Project(
            id=row["id"],
            name=name,
            kind=str(row["kind"]),
            path=Path(str(row["path"])),
            template=row["template"],
            template_version=row["template_version"],
            answers=answers,
            created_at=created_at,
            live_url=row["live_url"],
            writeup_url=row["writeup_url"],
            editor=row["editor"],
            manual_checks=checks,
        )

    def projects(self) -> list[Project]:
        """Every project that can be read. When a damaged page hides some rows from a whole-table
        read, each row is read on its own, and the unreadable ones are named in `row_problems`."""
        self.row_problems = []
        with self._connect() as db:
            try:
                rows = db.execute("SELECT * FROM projects ORDER BY created_at, id").fetchall()
            except sqlite3.DatabaseError:
                return self._projects_one_by_one(db)
            return [self._row_to_project(db, row) for row in rows]

    def _projects_one_by_one(self, db: sqlite3.Connection) -> list[Project]:
        ids = [int(r[0]) for r in db.execute("SELECT id FROM projects ORDER BY id")]
        found = []
        for project_id in ids:
            try:
                row = db.execute("SELECT * FROM projects WHERE id = ?", (project_id,)).fetchone()
                found.append(self._row_to_project(db, row))
            except sqlite3.DatabaseError as err:
                self.row_problems.append(
                    f"The project with id {project_id} cannot be read ({err}); "
                    + word("{run_repair}.", current_surface())
                )
        return found

    def get(self, id_or_name: int | str) -> Project:
        column = "id" if isinstance(id_or_name, int) else "name"
        with self._connect() as db:
            row = db.execute(f"SELECT * FROM projects WHERE {column} = ?", (id_or_name,)).fetchone()
            if row is None:
                raise ProjectNotFound(id_or_name, (r[0] for r in db.execute("SELECT name FROM projects ORDER BY name")))
            return self._row_to_project(db, row)

    def forget(self, name: str) -> Project:
        """Remove the project from the portfolio; its files are never touched."""
        project = self.get(name)
        with self.transaction() as db:
            db.execute("DELETE FROM projects WHERE id = ?", (project.id,))
        return project

    def relocate(self, name: str, new_path: Path) -> Project:
        project = self.get(name)
        resolved = str(Path(new_path).resolve())
        with self.transaction() as db:
            clash = db.execute(
                "SELECT name FROM projects WHERE path = ? AND id != ?", (resolved, project.id)
            ).fetchone()
            if clash:
                raise UserError(
                    f"{resolved} is already the folder of {clash['name']} in the portfolio.",
                    f"Choose the folder {project.name} was moved to, or forget {clash['name']} first.",
                )
            db.execute("UPDATE projects SET path = ? WHERE id = ?", (resolved, project.id))
        return self.get(project.id)

    def _set_column(self, name: str, column: str, value: str | None) -> Project:
        project = self.get(name)
        with self.transaction() as db:
            db.execute(f"UPDATE projects SET {column} = ? WHERE id = ?", (value, project.id))
        return self.get(project.id)

    def set_url(self, name: str, field: UrlField | str, url: str | None) -> Project:
        """Record (None: forget) the project's URL of `field` (`UrlField`, or its name)."""
        return self._set_column(name, UrlField(field).column, url)

    def set_live_url(self, name: str, url: str | None) -> Project:
        return self.set_url(name, UrlField.LIVE, url)

    def set_writeup_url(self, name: str, url: str | None) -> Project:
        return self.set_url(name, UrlField.WRITEUP, url)

    def record_template_version(self, project_id: int, version: str, answers: dict[str, Any]) -> Project:
        """After an update from a newer template: the version and answers the project now has."""
        with self.transaction() as db:
            db.execute(
                "UPDATE projects SET template_version = ?, answers = ? WHERE id = ?",
                (version, json.dumps(answers, sort_keys=True), project_id),
            )
        return self.get(project_id)

    def set_editor(self, name: str, editor: str | None) -> Project:
        """Per-project editor override (None: use the default editor)."""
        return self._set_column(name, "editor", editor)

    # --- manual checks and probes ---------------------------------------------------------

    def tick(self, name: str, check_id: str, evidence_url: str | None = None) -> Project:
        project = self.get(name)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO manual_checks (project_id, check_id, checked_at, evidence_url) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (project_id, check_id) DO UPDATE SET checked_at = excluded.checked_at,"
                " evidence_url = excluded.evidence_url",
                (project.id, check_id, _now(), evidence_url),
            )
        return self.get(project.id)

    def untick(self, name: str, check_id: str) -> Project:
        project = self.get(name)
        with self.transaction() as db:
            db.execute("DELETE FROM manual_checks WHERE project_id = ? AND check_id = ?", (project.id, check_id))
        return self.get(project.id)

    def record_probe(self, project_id: int, probe: Probe) -> None:
        with self.transaction(backup=False) as db:
            db.execute(
                "INSERT OR REPLACE INTO probes (project_id, url, status, latency_ms, error, probed_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (project_id, probe.url, probe.status, probe.latency_ms, probe.error, probe.probed_at.isoformat()),
            )

    def probes(self, project_id: int) -> dict[str, Probe]:
        with self._connect() as db:
            return {
                r["url"]: Probe(
                    r["url"], r["status"], r["latency_ms"], r["error"], datetime.fromisoformat(r["probed_at"])
                )
                for r in db.execute("SELECT * FROM probes WHERE project_id = ?", (project_id,))
            }

    # --- settings -------------------------------------------------------------------------

    def setting(self, key: str, default: str = "") -> str:
        with self._connect() as db:
            row = db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            return str(row[0]) if row else default

    def settings(self) -> dict[str, str]:
        with self._connect() as db:
            return {r[0]: r[1] for r in db.execute("SELECT key, value FROM settings")}

    def set_settings(self, values: dict[str, str]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                list(values.items()),
            )
