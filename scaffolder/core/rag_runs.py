"""A generated RAG project's own commands, run by the app: building its index over the user's
documents at generation, and its eval once the user has accepted golden questions.

They run in the project's environment (`.venv`, made with `pip install -e .` the first time), as
its README says, not with the app's interpreter: the project's code imports NumPy, wordllama,
FastAPI and docutils, which the app does not ship, and the index must be built by the same code
and embeddings that will query it. Every run is bounded (a deadline), cancellable, and stops its
whole process group; the index is built in a temporary file that replaces `data/index.sqlite3`
only once it is complete, so a failed or cancelled build leaves the previous index (or none).
The index holds the documents' text: `data/index.sqlite3*` is git-ignored by the template.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.core.errors import Cancelled, UserError
from scaffolder.core.process_group import run_streaming

INDEX_FILE = "data/index.sqlite3"
INSTALL_TIMEOUT_S = 1200.0
INDEX_TIMEOUT_S = 1200.0
EVAL_TIMEOUT_S = 1800.0
YOUR_TABLE_START = "<!-- my-eval-results:start -->"
YOUR_TABLE_END = "<!-- my-eval-results:end -->"

OnLine = Callable[[str], None]


@dataclass(frozen=True)
class IndexBuilt:
    path: Path
    documents: int
    chunks: int


@dataclass(frozen=True)
class EvalRun:
    table: str  # the README's table of your documents beside the bundled corpora, as the run wrote it
    lines: tuple[str, ...]


def _venv_python(project: Path) -> Path:
    return project / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _package(project: Path) -> str:
    found = sorted(p.parent.name for p in (project / "src").glob("*/__main__.py"))
    if not found:
        raise UserError(
            f"{project} has no src/<package>/__main__.py: it is not a RAG project the app generated.",
            "Run its commands by hand, as its README says.",
        )
    return found[0]


def _run(
    argv: list[str], project: Path, what: str, timeout_s: float, on_line: OnLine, cancel: threading.Event | None,
    env: dict[str, str] | None = None,
) -> tuple[str, ...]:  # fmt: skip
    """`argv` in the project, stopped (with its process group) on `cancel` or after `timeout_s`."""
    stop, expired, finished = threading.Event(), threading.Event(), threading.Event()
    watcher = threading.Thread(target=lambda: _watch(cancel, timeout_s, stop, expired, finished), daemon=True)
    watcher.start()
    try:
        done = run_streaming(argv, project, env=env, on_line=on_line, cancel=stop, what=what)
    except Cancelled:
        if expired.is_set():
            raise UserError(
                f"{what} took longer than {_duration(timeout_s)} and was stopped.",
                "Run it yourself in the project folder to see where it waits.",
            ) from None
        raise
    finally:
        finished.set()
    if done.returncode != 0:
        tail = "\n".join(done.lines[-8:])
        raise UserError(f"{what} failed (exit {done.returncode}):\n{tail}", "Fix the error above and run it again.")
    return done.lines


def _duration(seconds: float) -> str:
    return f"{seconds / 60:.0f} minutes" if seconds >= 120 else f"{seconds:.0f} seconds"


def _watch(
    cancel: threading.Event | None, timeout_s: float, stop: threading.Event, expired: threading.Event,
    finished: threading.Event,
) -> None:  # fmt: skip
    """Set `stop` when the user cancels or the deadline passes (saying which), until `finished`."""
    waited = 0.0
    while not finished.wait(0.1):
        waited += 0.1
        if cancel is not None and cancel.is_set():
            stop.set()
            return
        if waited >= timeout_s:
            expired.set()
            stop.set()
            return


def project_python(project: Path, on_line: OnLine, cancel: threading.Event | None = None) -> Path:
    """The project's interpreter, creating `.venv` and installing the project into it if missing."""
    python = _venv_python(project)
    if python.is_file():
        return python
    on_line("Creating the project's environment (.venv) and installing it (pip install -e .) …")
    try:
        _run([sys.executable, "-m", "venv", str(project / ".venv")], project, "Creating .venv", 120, on_line, cancel)
        install = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", "."]
        _run(install, project, "pip install -e .", INSTALL_TIMEOUT_S, on_line, cancel)
    except BaseException:  # failed, cancelled, deadline or Ctrl-C
        import shutil

        shutil.rmtree(project / ".venv", ignore_errors=True)  # a half-made environment is not kept
        raise
    return python


def build_index(
    project: Path, corpus: str, on_line: OnLine = lambda _line: None, cancel: threading.Event | None = None
) -> IndexBuilt:
    """`<project> ingest CORPUS` into a temporary file, renamed to data/index.sqlite3 when complete."""
    project = Path(project)
    python = project_python(project, on_line, cancel)
    target = project / INDEX_FILE
    partial = target.with_name(f".{target.name}.partial")
    _remove_database(partial)
    target.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{partial.resolve()}"}
    argv = [str(python), "-m", _package(project), "ingest", corpus, "--json"]
    try:
        lines = _run(
            argv, project, f"Building the index of {corpus}", INDEX_TIMEOUT_S, _until_report(on_line), cancel, env
        )
        report = _last_json(lines)
        if not partial.is_file():  # connecting would create an empty file and replace the index with it
            raise UserError(
                f"The project's ingest reported success but wrote no index at {partial}.",
                "Check that its DATABASE_URL is not set to another database in its .env.",
            )
        with sqlite3.connect(partial) as connection:  # the write-ahead log folded in: one file to rename
            connection.execute("PRAGMA journal_mode=DELETE")
        connection.close()
        for suffix in ("-wal", "-shm"):  # the old index's log must not be read against the new file
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(partial, target)
    finally:
        _remove_database(partial)
    documents = sum(len(report.get(key) or []) for key in ("added", "updated", "unchanged"))
    return IndexBuilt(target, documents, int(report.get("chunks_written") or 0))


def _until_report(on_line: OnLine) -> OnLine:
    """`on_line` for the progress lines, not for the JSON report that ends the output (it is read)."""
    in_report = threading.Event()

    def forward(line: str) -> None:
        if line == "{":
            in_report.set()
        if not in_report.is_set():
            on_line(line)

    return forward


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _last_json(lines: tuple[str, ...]) -> dict[str, Any]:
    """The JSON object a `--json` command printed last (progress lines come before it)."""
    start = max((i for i, line in enumerate(lines) if line == "{"), default=None)
    try:
        data = json.loads("\n".join(lines[start:])) if start is not None else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise UserError("The project's ingest printed no report.", "Run it yourself to see its output.")
    return data


def run_your_eval(
    project: Path, on_line: OnLine = lambda _line: None, cancel: threading.Event | None = None
) -> EvalRun:
    """`<project> eval`: the bundled suites and the questions the user accepted, in one run, which
    writes evals/results.md and the README's tables (the figures come from this run only)."""
    project = Path(project)
    python = project_python(project, on_line, cancel)
    lines = _run(
        [str(python), "-m", _package(project), "eval"], project, "The project's eval", EVAL_TIMEOUT_S, on_line, cancel
    )
    readme = (project / "README.md").read_text(encoding="utf-8")
    if YOUR_TABLE_START not in readme or YOUR_TABLE_END not in readme:
        raise UserError(
            "The eval ran, but the README has no table for your documents to write its figures into.",
            f"Add the lines {YOUR_TABLE_START} and {YOUR_TABLE_END} where the table belongs, then run it again"
            " (evals/results.md has the figures already).",
        )
    if "your documents (" not in readme:
        raise UserError(
            "The eval ran, but no figures on your documents were written: no question is accepted yet, or the"
            " documents' folder is gone.",
            "Accept questions ({accept_golden}) and check the folder, then run the eval again.",
        )
    table = readme.split(YOUR_TABLE_START, 1)[1].split(YOUR_TABLE_END, 1)[0].strip()
    return EvalRun(table, lines)
