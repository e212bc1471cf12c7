"""The portfolio file under trouble: held locked by another writer, on a read-only or full disk,
with a damaged page, with one row of bad data, emptied to 0 bytes. Each time the user reads a
sentence that says what to do (never a traceback), and no project is lost: an empty or damaged
file is restored from the backup of the last good portfolio, and the app says so."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from scaffolder.core import store_recovery
from scaffolder.core.errors import StoreError
from scaffolder.core.store import Store
from tests.helpers.cli import run_scaffolder

ROOT = Path(__file__).resolve().parents[3]
NAMES = ["Docs Q&A", "Support Agent", "Meeting Notes"]


def _add(store: Store, name: str, folder: Path) -> None:
    store.add_project(
        name=name, kind="rag", path=folder / name.replace(" ", "-"), template=None, template_version=None, answers={}
    )


def _portfolio(folder: Path, names: list[str] = NAMES) -> Store:
    store = Store(folder / "portfolio.sqlite3")
    for name in names:
        _add(store, name, folder)
    return store


def add_until_refused(store: Store, folder: Path, rows: int, notes_bytes: int) -> StoreError:
    """Add projects with long notes until the portfolio refuses one; what it said."""
    with pytest.raises(StoreError) as refused:
        for n in range(rows):
            store.add_project(
                name=f"Extra {n}",
                kind="rag",
                path=folder / f"extra-{n}",
                template=None,
                template_version=None,
                answers={"notes": "x" * notes_bytes},
            )
    return refused.value


def _names(store: Store) -> list[str]:
    return [p.name for p in store.projects()]


# --- locked ---------------------------------------------------------------------------------


def test_a_write_lock_held_past_the_timeout_is_a_sentence_and_changes_nothing(tmp_path: Path) -> None:
    store = _portfolio(tmp_path)
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    impatient = Store(store.path, timeout=0.3)

    with pytest.raises(StoreError) as refused:
        _add(impatient, "Fourth", tmp_path)
    other.execute("ROLLBACK")
    other.close()

    assert refused.value.message == (
        f"The portfolio {store.path} stayed locked by another program for more than 0.3 s; nothing was changed."
    )
    assert "move it aside" not in str(refused.value)
    assert _names(store) == NAMES


# --- read-only and full disks ----------------------------------------------------------------


def test_a_read_only_disk_can_be_read_and_a_change_is_refused_with_a_sentence(small_disk: Path) -> None:
    _portfolio(small_disk)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)

    store = Store(small_disk / "portfolio.sqlite3")
    with pytest.raises(StoreError) as refused:
        _add(store, "Fourth", small_disk)

    assert _names(store) == NAMES
    assert refused.value.message == (
        f"The portfolio {store.path} is read-only, so the change was not saved; your projects are untouched."
    )
    assert "damaged" not in str(refused.value) and "move" not in str(refused.value).lower()


def test_a_full_disk_is_a_sentence_and_nothing_already_saved_is_lost(small_disk: Path) -> None:
    store = _portfolio(small_disk)
    filler = small_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    with pytest.raises(OSError):
        while True:
            os.write(fd, b"\0" * 4096)
    os.close(fd)

    refused = add_until_refused(store, small_disk, 200, 2000)  # the WAL must grow past the last free block
    filler.unlink()

    assert refused.message == (
        f"The disk that holds the portfolio ({small_disk}) is full, so the change was not saved;"
        " your projects are untouched."
    )
    assert "move it aside" not in str(refused)
    assert _names(Store(store.path))[:3] == NAMES


# --- damaged files ---------------------------------------------------------------------------


def _damage_a_page(path: Path) -> None:
    """Overwrite the second page (the projects table's) with noise, as a bad disk sector would."""
    with open(path, "r+b") as handle:
        handle.seek(4096)
        handle.write(b"\xde\xad\xbe\xef" * 1024)


def test_a_zero_byte_portfolio_is_restored_from_the_backup_and_the_app_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _portfolio(tmp_path).path
    path.write_bytes(b"")

    with caplog.at_level(logging.WARNING):
        store = Store(path)

    assert _names(store) == NAMES
    (notice,) = store.notices
    assert notice.startswith(f"The portfolio file {path} was unusable (it is empty (0 bytes)); restored the backup of ")
    assert notice.endswith(f"(3 projects). The damaged file is kept as {next(tmp_path.glob('*.damaged-*')).name}.")
    assert notice in caplog.messages


def test_a_zero_byte_portfolio_without_a_backup_is_refused_never_started_again(tmp_path: Path) -> None:
    path = _portfolio(tmp_path).path
    store_recovery.backup_path(path).unlink()
    path.write_bytes(b"")

    with pytest.raises(StoreError) as refused:
        Store(path)

    assert refused.value.message == (
        f"The portfolio file {path} is empty (0 bytes), and there is no good backup to restore it from."
    )
    assert path.stat().st_size == 0  # left for the user to decide


def test_a_damaged_page_is_restored_from_the_backup(tmp_path: Path) -> None:
    path = _portfolio(tmp_path).path
    _damage_a_page(path)

    store = Store(path)

    assert _names(store) == NAMES
    assert "was unusable" in store.notices[0] and "restored the backup of" in store.notices[0]


def test_a_page_damaged_while_the_app_runs_is_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    store = _portfolio(tmp_path)
    _damage_a_page(store.path)

    try:
        projects = store.projects()
    except StoreError as err:
        assert err.message.startswith(f"The portfolio file {store.path} is damaged (")
        assert err.hint == "Run  scaffolder doctor --repair  to check it and restore the last good backup."
    else:
        assert store.row_problems, projects  # read around the damage, and said so

    assert _names(Store(store.path)) == NAMES  # the next open restores it


def test_a_missing_file_with_a_backup_starts_new_and_says_how_to_get_it_back(tmp_path: Path) -> None:
    path = _portfolio(tmp_path).path
    path.unlink()

    store = Store(path)

    assert _names(store) == []
    assert store.notices[0].startswith(f"There was no portfolio file at {path}; a new one was started. The backup of ")
    assert store.notices[0].endswith(" UTC (3 projects) is kept: run  scaffolder doctor --restore  to bring it back.")


def test_the_backup_follows_every_change_and_is_a_good_database(tmp_path: Path) -> None:
    store = _portfolio(tmp_path)
    store.forget("Support Agent")

    backup = store_recovery.check_health(store_recovery.backup_path(store.path), quick=False)

    assert (backup.ok, backup.projects) == (True, 2)


# --- bad rows ------------------------------------------------------------------------------


def test_one_row_of_bad_data_never_hides_the_rest_of_the_portfolio(tmp_path: Path) -> None:
    store = _portfolio(tmp_path)
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE projects SET answers = '{oops', created_at = 'last tuesday' WHERE name = 'Support Agent'")

    projects = store.projects()

    assert sorted(p.name for p in projects) == sorted(NAMES)
    agent = next(p for p in projects if p.name == "Support Agent")
    assert agent.answers == {}
    assert store.row_problems == [
        "Support Agent: its recorded template answers cannot be read; it is shown without it"
        " (run  scaffolder doctor  to see the portfolio's state).",
        "Support Agent: its creation date 'last tuesday' cannot be read; it is shown without it"
        " (run  scaffolder doctor  to see the portfolio's state).",
    ]


def test_the_command_line_shows_a_restored_portfolio_and_says_so(tmp_path: Path, isolated_user: Path) -> None:
    folder = Path(os.environ["SCAFFOLDER_HOME"])
    folder.mkdir(parents=True, exist_ok=True)
    path = _portfolio(folder).path
    path.write_bytes(b"")

    listing = run_scaffolder("status", "--offline")

    assert listing.returncode == 0, listing.stderr
    assert "restored the backup of" in listing.stderr and "Traceback" not in listing.stderr
    assert all(name in listing.stdout for name in NAMES)


def test_the_command_line_lists_a_project_with_a_bad_row_and_warns(tmp_path: Path, isolated_user: Path) -> None:
    folder = Path(os.environ["SCAFFOLDER_HOME"])
    folder.mkdir(parents=True, exist_ok=True)
    path = _portfolio(folder).path
    with sqlite3.connect(path) as db:
        db.execute("UPDATE projects SET answers = 'not json' WHERE name = 'Meeting Notes'")

    status = run_scaffolder("status", "--offline")

    assert status.returncode == 0, status.stderr
    assert all(name in status.stdout for name in NAMES)
    assert status.stderr == (
        "warning: Meeting Notes: its recorded template answers cannot be read; it is shown without it"
        " (run  scaffolder doctor  to see the portfolio's state).\n"
    )


def test_a_backup_copy_left_by_a_killed_process_is_tidied_on_the_next_open(tmp_path: Path) -> None:
    path = _portfolio(tmp_path).path
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = path.with_name(f".portfolio.backup.sqlite3.{dead.stdout.strip()}-1.tmp")
    leftover.write_bytes(b"half a backup")
    mine = path.with_name(f".portfolio.backup.sqlite3.{os.getpid()}-1.tmp")
    mine.write_bytes(b"a backup being written right now")

    Store(path)

    assert not leftover.exists()
    assert mine.exists()  # its process is alive: never touched
