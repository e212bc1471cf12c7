"""Whatever the app asks of the portfolio, a failure of the file's surroundings (another writer
holding the lock, a read-only file or folder, a full disk) is the store's sentence with what to
do, from every call, and the portfolio is left as it was. A mistake of the app's own (a value
SQLite cannot store) is no such sentence: it stays a bug, with its traceback in the log."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scaffolder.core import store_recovery
from scaffolder.core.errors import StoreError
from scaffolder.core.store import Probe, Store
from tests.unit.core.test_store_failures import add_until_refused

NAMES = ["Docs Q&A", "Support Agent"]
_CONNECT = store_recovery.connect  # the real one, before a test limits it

# Every call that writes to the portfolio, each as the app makes it.
WRITES: dict[str, Callable[[Store, Path], object]] = {
    "add a project": lambda s, tmp: s.add_project(
        name="Third", kind="agent", path=tmp / "third", template=None, template_version=None, answers={}
    ),
    "forget a project": lambda s, _tmp: s.forget("Support Agent"),
    "locate a moved project": lambda s, tmp: s.relocate("Docs Q&A", tmp / "moved"),
    "record the live URL": lambda s, _tmp: s.set_live_url("Docs Q&A", "https://docs-qa.example.com"),
    "record the write-up URL": lambda s, _tmp: s.set_writeup_url("Docs Q&A", "https://blog.example.com/docs"),
    "choose an editor": lambda s, _tmp: s.set_editor("Docs Q&A", "vscode"),
    "tick a check": lambda s, _tmp: s.tick("Docs Q&A", "writeup-shared", "https://blog.example.com"),
    "untick a check": lambda s, _tmp: s.untick("Docs Q&A", "explain-architecture"),
    "record a probe": lambda s, _tmp: s.record_probe(
        s.get("Docs Q&A").id, Probe("https://docs-qa.example.com", 200, 12.0, None, datetime.now(UTC))
    ),
    "save settings": lambda s, _tmp: s.set_settings({"projects_dir": "/tmp/elsewhere"}),
    "record a template version": lambda s, _tmp: s.record_template_version(s.get("Docs Q&A").id, "2.0.0", {}),
}


def _portfolio(folder: Path) -> Store:
    store = Store(folder / "portfolio.sqlite3")
    for name in NAMES:
        store.add_project(
            name=name,
            kind="rag",
            path=folder / name.replace(" ", "-"),
            template=None,
            template_version=None,
            answers={},
        )
    store.tick("Docs Q&A", "explain-architecture")
    return store


def _state(path: Path) -> list[tuple[object, ...]]:
    """Everything the portfolio records, read by a connection of the test's own."""
    with contextlib.closing(_CONNECT(path, 5.0, store_recovery.read_only_folder(path))) as db:
        return [
            *db.execute("SELECT name, path, live_url, writeup_url, editor, template_version FROM projects ORDER BY id"),
            *db.execute("SELECT project_id, check_id, evidence_url FROM manual_checks ORDER BY check_id"),
            *db.execute("SELECT key, value FROM settings ORDER BY key"),
            *db.execute("SELECT project_id, url FROM probes"),
        ]


# --- another writer holds the lock ----------------------------------------------------------


@pytest.mark.parametrize("call", sorted(WRITES))
def test_a_write_lock_held_by_another_program_refuses_every_change_with_the_same_sentence(
    tmp_path: Path, call: str
) -> None:
    store = _portfolio(tmp_path)
    before = _state(store.path)
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another scaffolder in the middle of its write
    impatient = Store(store.path, timeout=0.2)
    try:
        with pytest.raises(StoreError) as refused:
            WRITES[call](impatient, tmp_path)
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert refused.value.reason == "locked"
    assert refused.value.message == (
        f"The portfolio {store.path} stayed locked by another program for more than 0.2 s; nothing was changed."
    )
    assert refused.value.hint.startswith("Another scaffolder (a window or a command) is probably writing to it")
    assert _state(store.path) == before


# --- a read-only file or folder --------------------------------------------------------------


@pytest.fixture
def read_only_portfolio(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A portfolio its user cannot change: the file made read-only (chmod), or, for root, whom
    permissions do not stop, a real filesystem remounted read-only (`small_disk`)."""
    if os.geteuid() != 0:
        path = _portfolio(tmp_path).path
        for side in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
            if side.exists():
                side.chmod(0o444)
        return path
    disk: Path = request.getfixturevalue("small_disk")
    path = _portfolio(disk).path
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    return path


@pytest.mark.parametrize("call", sorted(WRITES))
def test_a_read_only_portfolio_refuses_every_change_with_a_sentence_and_still_reads(
    read_only_portfolio: Path, tmp_path: Path, call: str
) -> None:
    before = _state(read_only_portfolio)
    store = Store(read_only_portfolio)

    with pytest.raises(StoreError) as refused:
        WRITES[call](store, tmp_path)

    assert refused.value.reason == "read-only"
    assert "read-only" in refused.value.message and "your projects are untouched" in refused.value.message
    assert "SCAFFOLDER_HOME" in refused.value.hint
    assert [p.name for p in store.projects()] == NAMES
    assert _state(read_only_portfolio) == before


# --- a full disk -----------------------------------------------------------------------------


@pytest.fixture
def full_portfolio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A portfolio whose file cannot grow by one page: SQLite's own `max_page_count` on each of
    the store's (real) connections, so "database or disk is full" comes from SQLite itself."""
    store = _portfolio(tmp_path)
    with sqlite3.connect(store.path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    real_connect = store_recovery.connect

    def connect_to_a_full_disk(path: Path, timeout: float, read_only: bool = False) -> sqlite3.Connection:
        db = real_connect(path, timeout, read_only)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    monkeypatch.setattr(store_recovery, "connect", connect_to_a_full_disk)
    return store


def test_a_full_disk_refuses_a_change_that_needs_room_with_a_sentence(full_portfolio: Store, tmp_path: Path) -> None:
    kept = len(full_portfolio.projects())

    refused = add_until_refused(full_portfolio, tmp_path, 50, 3000)  # until a page more is needed

    assert refused.reason == "full"
    assert refused.message == (
        f"The disk that holds the portfolio ({tmp_path}) is full, so the change was not saved;"
        " your projects are untouched."
    )
    assert refused.hint == "Free some space on that disk, then try again."
    assert "database or disk is full" in str(refused.__cause__)
    names = [p.name for p in full_portfolio.projects()]
    assert names[:2] == NAMES and f"Extra {len(names) - kept}" not in names  # the refused one left no row


def test_a_full_disk_refuses_big_settings_the_same_way(full_portfolio: Store) -> None:
    with pytest.raises(StoreError) as refused:
        full_portfolio.set_settings({f"key-{n}": "v" * 4000 for n in range(20)})

    assert refused.value.reason == "full"
    assert full_portfolio.settings() == {}


# --- the app's own mistakes stay bugs --------------------------------------------------------


def test_a_value_sqlite_cannot_store_is_a_bug_with_its_traceback_in_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = _portfolio(tmp_path)

    with caplog.at_level(logging.ERROR, logger="scaffolder.core.store"), pytest.raises(sqlite3.ProgrammingError):
        store.set_settings({"projects_dir": object()})  # type: ignore[dict-item]

    (record,) = [r for r in caplog.records if r.name == "scaffolder.core.store"]
    assert record.levelno == logging.ERROR and record.getMessage().startswith("A bug, not the portfolio file:")
    assert record.exc_info is not None and record.exc_info[0] is sqlite3.ProgrammingError
    assert "Traceback" in caplog.text and "set_settings" in caplog.text
    assert store.settings() == {}


def test_a_broken_rule_of_the_schema_is_a_bug_not_a_sentence(tmp_path: Path) -> None:
    store = _portfolio(tmp_path)

    with pytest.raises(sqlite3.IntegrityError), store.transaction() as db:
        db.execute("INSERT INTO manual_checks (project_id, check_id, checked_at) VALUES (999, 'x', 'now')")

    assert [p.name for p in store.projects()] == NAMES


def test_every_operational_error_is_the_stores_sentence_and_nothing_else_is() -> None:
    path = Path("/home/ada/portfolio.sqlite3")
    environment = [
        sqlite3.OperationalError("database is locked"),
        sqlite3.OperationalError("disk I/O error"),
        sqlite3.OperationalError("database or disk is full"),
        sqlite3.OperationalError("attempt to write a readonly database"),
        sqlite3.OperationalError("unable to open database file"),
        sqlite3.DatabaseError("database disk image is malformed"),
    ]
    bugs = [
        sqlite3.IntegrityError("UNIQUE constraint failed: projects.name"),
        sqlite3.ProgrammingError("Cannot operate on a closed database."),
        sqlite3.InterfaceError("Error binding parameter 1"),
    ]

    assert all(isinstance(store_recovery.known_failure(e, path, 10.0), StoreError) for e in environment)
    assert [store_recovery.known_failure(e, path, 10.0) for e in bugs] == [None, None, None]
