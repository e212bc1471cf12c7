"""Building a project's index from the app: whole or not at all, bounded, cancellable, and its whole
process group stopped. The project here is a stand-in package with the generated project's command
line (`python -m PKG ingest PATH --json`, DATABASE_URL), whose ingest can succeed, fail or hang
with a child of its own; the real project's ingest is in test_your_corpus_end_to_end.py."""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
import time
from pathlib import Path

import pytest

from scaffolder.core import rag_runs
from scaffolder.core.errors import Cancelled, UserError
from scaffolder.core.rag_runs import build_index, run_your_eval

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process groups and the .venv layout are POSIX here")

STAND_IN = """
import json, os, sqlite3, subprocess, sys, time
from pathlib import Path
if sys.argv[1] == "eval":  # the bundled suites only: nothing of yours is written
    print("wrote evals/results.md", flush=True)
    sys.exit(0)
database = os.environ["DATABASE_URL"].removeprefix("sqlite:///")
behaviour = Path("behaviour").read_text().strip()
if behaviour == "elsewhere":  # its .env points DATABASE_URL at another database
    print(json.dumps({"added": ["a.md"], "chunks_written": 3}, indent=2))
    sys.exit(0)
connection = sqlite3.connect(database)
connection.execute("PRAGMA journal_mode=WAL")
connection.execute("CREATE TABLE chunks (source TEXT)")
connection.execute("INSERT INTO chunks VALUES (?)", (sys.argv[2] + "/a.md",))
connection.commit()
if behaviour == "hang":
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    Path("grandchild.pid").write_text(str(child.pid))
    print("reading the documents", flush=True)
    time.sleep(600)
if behaviour == "fail":
    print("error: EMBEDDING_PROVIDER=openai needs OPENAI_API_KEY", flush=True)
    sys.exit(2)
connection.close()
print("[1/1] a.md", flush=True)
print(json.dumps({"added": ["a.md"], "updated": [], "unchanged": [], "chunks_written": 3}, indent=2))
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "docs-qa"
    (root / "src" / "docs_qa").mkdir(parents=True)
    (root / "src" / "docs_qa" / "__main__.py").write_text(STAND_IN, encoding="utf-8")
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "python").symlink_to(sys.executable)  # the project's environment exists
    (root / "data").mkdir()
    monkeypatch.setenv("PYTHONPATH", str(root / "src"))
    return root


def behave(project: Path, behaviour: str) -> None:
    (project / "behaviour").write_text(behaviour, encoding="utf-8")


def indexed_sources(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT source FROM chunks")]


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "data").iterdir() if p.name.startswith(".index"))


def a_previous_index(project: Path) -> bytes:
    with sqlite3.connect(project / "data/index.sqlite3") as connection:
        connection.execute("CREATE TABLE chunks (source TEXT)")
        connection.execute("INSERT INTO chunks VALUES ('old/b.md')")
    connection.close()
    return (project / "data/index.sqlite3").read_bytes()


def test_a_complete_build_replaces_the_index_in_one_file(project: Path) -> None:
    behave(project, "ok")
    a_previous_index(project)
    lines: list[str] = []
    built = build_index(project, "data/mine", on_line=lines.append)
    assert (built.documents, built.chunks) == (1, 3)
    assert indexed_sources(project / "data/index.sqlite3") == ["data/mine/a.md"]
    assert leftovers(project) == [] and not (project / "data/index.sqlite3-wal").exists()
    assert lines == ["[1/1] a.md"]  # progress shown; the JSON report is read, not shown


def test_a_failed_build_keeps_the_previous_index_and_says_why(project: Path) -> None:
    behave(project, "fail")
    before = a_previous_index(project)
    with pytest.raises(UserError) as failed:
        build_index(project, "data/mine")
    assert "failed (exit 2)" in failed.value.message and "needs OPENAI_API_KEY" in failed.value.message
    assert (project / "data/index.sqlite3").read_bytes() == before
    assert leftovers(project) == []


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_cancelling_stops_the_ingest_and_its_children_and_leaves_nothing_half_built(project: Path) -> None:
    behave(project, "hang")
    before = a_previous_index(project)
    cancel = threading.Event()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        build_index(project, "data/mine", on_line=lambda line: cancel.set(), cancel=cancel)
    assert time.monotonic() - started < 30
    grandchild = int((project / "grandchild.pid").read_text())
    deadline = time.monotonic() + 5
    while alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(grandchild)  # the whole process group, not just the direct child
    assert (project / "data/index.sqlite3").read_bytes() == before and leftovers(project) == []


def test_an_ingest_past_its_deadline_is_stopped_with_a_sentence(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    behave(project, "hang")
    monkeypatch.setattr(rag_runs, "INDEX_TIMEOUT_S", 1.0)
    with pytest.raises(UserError) as late:
        build_index(project, "data/mine")
    assert "took longer than" in late.value.message
    assert not (project / "data/index.sqlite3").exists() and leftovers(project) == []


def test_a_folder_that_is_not_a_generated_rag_project_is_said(tmp_path: Path) -> None:
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(sys.executable)
    with pytest.raises(UserError) as refused:
        build_index(tmp_path, "data/mine")
    assert "not a RAG project the app generated" in refused.value.message


def test_an_ingest_that_wrote_elsewhere_does_not_empty_the_index(project: Path) -> None:
    behave(project, "elsewhere")
    before = a_previous_index(project)
    with pytest.raises(UserError) as refused:
        build_index(project, "data/mine")
    assert "wrote no index" in refused.value.message and "DATABASE_URL" in refused.value.hint
    assert (project / "data/index.sqlite3").read_bytes() == before and leftovers(project) == []


def test_an_eval_that_wrote_no_figures_of_yours_says_why(project: Path) -> None:
    behave(project, "ok")
    (project / "README.md").write_text("# Docs QA\n", encoding="utf-8")
    with pytest.raises(UserError) as missing:
        run_your_eval(project)
    assert "the README has no table for your documents" in missing.value.message
    (project / "README.md").write_text(
        "# Docs QA\n<!-- my-eval-results:start -->\n_Not measured yet_\n<!-- my-eval-results:end -->\n"
    )
    with pytest.raises(UserError) as unmeasured:
        run_your_eval(project)
    assert "no question is accepted yet, or the documents' folder is gone" in unmeasured.value.message
