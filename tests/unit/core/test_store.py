"""The portfolio store: a real SQLite file, reopened, migrated, shared by two instances and two
processes."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from scaffolder.core.errors import ProjectNotFound, StoreError, UserError
from scaffolder.core.settings import Settings, load_settings, save_settings
from scaffolder.core.store import DB_FILENAME, SCHEMA_VERSION, Store, migrate
from tests.helpers.template_tree import tree_snapshot

REPO_ROOT = Path(__file__).resolve().parents[3]


def add(store: Store, name: str, path: Path, kind: str = "rag") -> None:
    store.add_project(
        name=name, kind=kind, path=path, template=kind, template_version="1", answers={"project_name": name}
    )


def columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def test_the_default_store_lives_in_scaffolder_home(isolated_user: Path) -> None:
    store = Store()

    assert store.path == isolated_user / "scaffolder" / DB_FILENAME
    assert store.path.is_file()


def test_the_portfolio_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "portfolio.sqlite3"
    first = Store(path)
    add(first, "Docs Q&A", tmp_path / "docs-qa")
    first.set_live_url("Docs Q&A", "https://docs-qa.example.com")
    first.tick("Docs Q&A", "readme-has-demo", "https://example.com/demo.gif")
    save_settings(first, Settings(author_name="Grace Hopper", author_email="grace@example.com"))

    reopened = Store(path)

    [project] = reopened.projects()
    assert (project.name, project.kind, project.path) == ("Docs Q&A", "rag", (tmp_path / "docs-qa").resolve())
    assert project.answers == {"project_name": "Docs Q&A"}
    assert project.live_url == "https://docs-qa.example.com"
    assert project.manual_checks["readme-has-demo"].evidence_url == "https://example.com/demo.gif"
    assert load_settings(reopened).identity is not None
    assert load_settings(reopened).author_name == "Grace Hopper"


def test_an_older_schema_is_migrated_forward_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path, isolation_level=None) as db:
        assert migrate(db, target=1) == 1
        db.execute(
            "INSERT INTO projects (name, kind, path, template, template_version, answers, created_at)"
            " VALUES ('Old One', 'agent', '/somewhere/old-one', 'agent', '0.1', '{\"x\": 1}', '2025-01-02T03:04:05+00:00')"
        )
    db.close()
    assert "live_url" not in columns(path, "projects")

    store = Store(path)

    [project] = store.projects()
    assert (project.name, project.kind, project.answers) == ("Old One", "agent", {"x": 1})
    assert project.created_at.year == 2025
    assert (project.live_url, project.writeup_url, project.editor) == (None, None, None)
    assert {"live_url", "writeup_url", "editor"} <= columns(path, "projects")
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
    assert store.tick("Old One", "deployed").manual_checks.keys() == {"deployed"}


def test_a_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    Store(path)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()

    with pytest.raises(StoreError) as refused:
        Store(path)

    assert "newer version of the app" in str(refused.value)
    assert f"schema {SCHEMA_VERSION + 1}" in str(refused.value)


def test_a_damaged_file_is_refused_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "damaged.sqlite3"
    path.write_bytes(b"this is not a database" * 100)

    with pytest.raises(StoreError, match=r"is damaged \(file is not a database\), and there is no good backup"):
        Store(path)

    assert path.read_bytes() == b"this is not a database" * 100


def test_the_store_uses_wal_mode(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.sqlite3")

    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_two_store_instances_writing_at_once_both_land(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    stores = [Store(path), Store(path)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(index: int) -> None:
        try:
            start.wait()
            for n in range(25):
                add(stores[index], f"p{index}-{n}", tmp_path / f"p{index}-{n}")
        except BaseException as err:  # reported below, in the test's thread
            errors.append(err)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(Store(path).projects()) == 50


WRITER = """
import sys
import time
from pathlib import Path
from scaffolder.core.store import Store

db, index, flag_dir = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
(flag_dir / f"ready-{index}").touch()
while not (flag_dir / "go").exists():  # start together, to race on the fresh file too
    time.sleep(0.0005)
store = Store(db)
for n in range(30):
    store.add_project(name=f"proc{index}-{n}", kind="custom", path=flag_dir / f"proc{index}-{n}",
                      template=None, template_version=None, answers={})
print("done")
"""


def test_two_processes_opening_a_new_portfolio_and_writing_at_once_both_land(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(i), str(tmp_path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    try:
        deadline = time.monotonic() + 60
        while not all((tmp_path / f"ready-{i}").exists() for i in range(2)):
            if any(w.poll() is not None for w in writers) or time.monotonic() > deadline:
                break  # the checks below say why
            time.sleep(0.001)
        (tmp_path / "go").touch()
        results = [w.communicate(timeout=120) for w in writers]
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
                w.wait()

    for writer, (stdout, stderr) in zip(writers, results, strict=True):
        assert writer.returncode == 0, stderr
        assert stdout.strip() == "done"
    names = {p.name for p in Store(path).projects()}
    assert names == {f"proc{i}-{n}" for i in range(2) for n in range(30)}
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_a_moved_or_deleted_project_shows_as_missing_and_stays_listed(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.sqlite3")
    folder = tmp_path / "docs-qa"
    folder.mkdir()
    add(store, "Docs Q&A", folder)
    assert store.get("Docs Q&A").exists

    folder.rename(tmp_path / "moved")

    [project] = store.projects()
    assert project.name == "Docs Q&A" and project.exists is False
    moved = store.relocate("Docs Q&A", tmp_path / "moved")
    assert moved.exists and moved.path == (tmp_path / "moved").resolve()

    shutil.rmtree(tmp_path / "moved")
    assert [p.exists for p in Store(tmp_path / "p.sqlite3").projects()] == [False]


def test_forget_removes_the_row_and_never_touches_the_files(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.sqlite3")
    folder = tmp_path / "agent"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "main.py").write_text("print('hi')\n", encoding="utf-8")
    add(store, "Agent", folder, kind="agent")
    store.tick("Agent", "deployed")
    before = tree_snapshot(tmp_path / "agent")

    forgotten = store.forget("Agent")

    assert forgotten.name == "Agent"
    assert store.projects() == []
    assert tree_snapshot(tmp_path / "agent") == before
    with sqlite3.connect(store.path) as db:  # its checklist went with it (ON DELETE CASCADE)
        assert db.execute("SELECT COUNT(*) FROM manual_checks").fetchone()[0] == 0
    db.close()
    with pytest.raises(ProjectNotFound, match="The portfolio is empty"):
        store.forget("Agent")


def test_names_and_folders_are_unique_and_kinds_are_checked(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.sqlite3")
    add(store, "One", tmp_path / "one")

    with pytest.raises(UserError, match="name"):
        add(store, "One", tmp_path / "elsewhere")
    with pytest.raises(UserError, match="folder"):
        add(store, "Two", tmp_path / "one")
    with pytest.raises(UserError, match="Unknown project kind"):
        add(store, "Three", tmp_path / "three", kind="blog")
    assert [p.name for p in store.projects()] == ["One"]
    with pytest.raises(ProjectNotFound, match="Projects: One"):
        store.get("Nope")


def test_a_failing_write_is_rolled_back(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.sqlite3")

    with pytest.raises(RuntimeError), store.transaction() as db:
        store.insert_project(
            db, name="Half", kind="rag", path=tmp_path / "half", template=None, template_version=None, answers={}
        )
        raise RuntimeError("disk full, say")

    assert store.projects() == []


def test_answers_are_stored_as_json(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.sqlite3")
    answers = {"project_name": "Ünïcode ✓", "use_docker": True, "service": {"replicas": "2"}}
    store.add_project(
        name="U", kind="custom", path=tmp_path / "u", template=None, template_version=None, answers=answers
    )

    with sqlite3.connect(store.path) as db:
        raw = db.execute("SELECT answers FROM projects").fetchone()[0]
    db.close()
    assert json.loads(raw) == answers == Store(store.path).get("U").answers


def test_relocating_onto_another_projects_folder_is_refused_with_a_sentence(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.sqlite3")
    add(store, "One", tmp_path / "one")
    add(store, "Two", tmp_path / "two")

    with pytest.raises(UserError, match="One"):
        store.relocate("Two", tmp_path / "one")

    assert store.get("Two").path == (tmp_path / "two").resolve()
