"""`scaffolder doctor`, run as a user runs it: a real process over a real portfolio file that a
test damages, empties or fills with leftovers. Without --repair nothing changes; with it, what
can be put right is, and a project record or folder is never deleted."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scaffolder.core import store_recovery
from scaffolder.core.store import Store
from tests.helpers.cli import run_scaffolder

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["Docs Q&A", "Support Agent", "Meeting Notes"]


def scaffolder(*args: str) -> subprocess.CompletedProcess[str]:
    return run_scaffolder(*args)


def doctor_json(*args: str) -> tuple[int, dict[str, Any]]:
    done = scaffolder("doctor", "--json", *args)
    assert "Traceback" not in done.stderr, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return done.returncode, data


def texts(data: dict[str, Any], area: str) -> list[str]:
    return [f["text"] for f in data["findings"] if f["area"] == area]


@pytest.fixture
def portfolio(tmp_path: Path, isolated_user: Path) -> Store:
    store = Store()
    for name in NAMES:
        folder = tmp_path / name.replace(" ", "-")
        folder.mkdir()
        store.add_project(name=name, kind="rag", path=folder, template=None, template_version=None, answers={})
    return store


def test_a_healthy_portfolio_is_in_order(portfolio: Store) -> None:
    done = scaffolder("doctor")

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"[ok] {portfolio.path}: integrity ok, 3 projects." in done.stdout
    assert "[ok] portfolio.backup.sqlite3: the backup of " in done.stdout
    assert done.stdout.rstrip().endswith("Everything is in order.")


def test_a_project_whose_folder_is_gone_is_reported_never_forgotten(portfolio: Store) -> None:
    gone = portfolio.get("Support Agent").path
    gone.rmdir()

    code, data = doctor_json("--repair")

    assert code == 1 and data["ok"] is False
    assert texts(data, "folders") == [
        f"Support Agent: its folder {gone} is missing. If it moved, choose Relocate… on its page in the app;"
        " if it is gone,  scaffolder forget 'Support Agent'."
    ]
    assert [p.name for p in Store().projects()] == NAMES


def test_a_damaged_portfolio_is_reported_untouched_then_restored_with_repair(portfolio: Store) -> None:
    with open(portfolio.path, "r+b") as handle:
        handle.seek(4096)
        handle.write(b"\xde\xad\xbe\xef" * 1024)
    damaged = portfolio.path.read_bytes()

    code, data = doctor_json()
    assert code == 1
    (problem,) = [f for f in data["findings"] if f["area"] == "portfolio"]
    assert problem["text"].startswith(f"{portfolio.path} is unusable: ")
    assert problem["repair"] == "restore the last good backup (the damaged file is kept aside)"
    assert portfolio.path.read_bytes() == damaged  # examining changes nothing

    repaired = scaffolder("doctor", "--repair")
    assert repaired.returncode == 0, repaired.stdout
    assert "[fixed]" in repaired.stdout and "restored the backup of" in repaired.stdout
    assert [p.name for p in Store().projects()] == NAMES
    assert list(portfolio.path.parent.glob("portfolio.sqlite3.damaged-*"))


def test_restore_brings_back_the_backup_after_the_file_went_missing(portfolio: Store) -> None:
    portfolio.path.unlink()
    started_again = scaffolder("list")
    assert "run  scaffolder doctor --restore  to bring it back" in started_again.stderr

    restored = scaffolder("doctor", "--restore")

    assert restored.returncode == 0, restored.stdout
    assert [p.name for p in Store().projects()] == NAMES


def test_files_a_killed_process_left_are_listed_and_tidied(portfolio: Store) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = portfolio.path.with_name(f".portfolio.backup.sqlite3.{dead.stdout.strip()}-140000.tmp")
    leftover.write_bytes(b"half a backup")

    code, data = doctor_json()
    assert code == 1
    assert texts(data, "leftovers") == [f"{leftover.name} was left by a process that is gone."]
    assert leftover.exists()

    code, data = doctor_json("--repair")
    assert code == 0 and not leftover.exists()


def test_a_row_that_cannot_be_read_in_full_is_named(portfolio: Store) -> None:
    with sqlite3.connect(portfolio.path) as db:
        db.execute("UPDATE projects SET created_at = 'soon' WHERE name = 'Meeting Notes'")

    code, data = doctor_json()

    assert code == 1
    assert texts(data, "rows") == [
        "Meeting Notes: its creation date 'soon' cannot be read; it is shown without it"
        " (run  scaffolder doctor  to see the portfolio's state)."
    ]


def test_a_missing_backup_is_taken_by_repair(portfolio: Store) -> None:
    store_recovery.backup_path(portfolio.path).unlink()

    code, data = doctor_json()
    assert code == 1 and texts(data, "backup") == ["portfolio.backup.sqlite3: it does not exist."]

    code, data = doctor_json("--repair")
    assert code == 0
    assert store_recovery.check_health(store_recovery.backup_path(portfolio.path)).projects == 3


def test_the_staging_check_has_its_place(portfolio: Store) -> None:
    code, data = doctor_json()
    assert code == 0
    assert texts(data, "staging")
    assert os.environ["SCAFFOLDER_HOME"] in data["path"]


def test_a_staging_folder_whose_process_is_gone_is_listed_and_removed(portfolio: Store) -> None:
    """A real leftover: a process makes its staging folder the way generation does, then dies
    before finishing; doctor finds it by its owner being gone, and --repair removes it."""
    from scaffolder.core.doctor import examine

    parent = portfolio.get("Docs Q&A").path.parent
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from scaffolder.core.staging import create_staging; print(create_staging(__import__('pathlib').Path({str(parent)!r})))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    leftover = Path(made.stdout.strip())
    assert leftover.is_dir() and leftover.parent == parent

    examined = examine()
    assert [f.text for f in examined.findings if f.area == "staging"] == [
        f"{leftover} was left by a generation that did not finish."
    ]
    assert leftover.exists()

    repaired = examine(repair=True)
    assert [f.repaired for f in repaired.findings if f.area == "staging"] == [True]
    assert not leftover.exists()
