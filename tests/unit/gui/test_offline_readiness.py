"""The dashboard's readiness checks run in a child process: the same reports as the engine in
this process, and a child that never outlives the app, a cancel or its deadline."""

from __future__ import annotations

import io
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from scaffolder.core.errors import Cancelled, UserError
from scaffolder.core.store import Store
from scaffolder.gui.offline_readiness import CHILD_MODULE, _ReportUnpickler, check_in_child, check_offline
from scaffolder.gui.portfolio_state import PortfolioState
from tests.unit.gui.test_dashboard import add_project

linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table in /proc")


def check_children(parent: int) -> list[int]:
    """Live (not zombie) offline-check processes whose parent is `parent`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if CHILD_MODULE.encode() in command and int(fields[1]) == parent and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def slow_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A git that takes 30 s to answer (a hung network disk): the check is still running when
    the test stops it."""
    wrapper = tmp_path / "slow-git"
    wrapper.write_text('#!/bin/sh\nsleep 30\nexec git "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    monkeypatch.setenv("GIT_PYTHON_GIT_EXECUTABLE", str(wrapper))


def test_the_child_reports_what_the_engine_reports_here(store: Store, projects_dir: Path) -> None:
    add_project(store, projects_dir / "docs", "rag", "Docs Q&A")
    add_project(store, projects_dir / "desk", "agent", "Help Desk")
    (projects_dir / "desk" / "README.md").write_text("# Help Desk\n\n## Quickstart\n\nRun it.\n", encoding="utf-8")
    here = check_offline(store, store.projects())

    there = check_in_child(store, store.projects())

    assert (there.level, there.weakest) == (here.level, here.weakest)
    assert [(r.project_id, r.name, r.level, r.score) for r in there.reports] == [
        (r.project_id, r.name, r.level, r.score) for r in here.reports
    ]
    for mine, theirs in zip(here.reports, there.reports, strict=True):
        assert [(x.check.id, x.check.title, x.check.kind, x.result, x.evidence, x.fix) for x in theirs.results] == [
            (x.check.id, x.check.title, x.check.kind, x.result, x.evidence, x.fix) for x in mine.results
        ]
        assert [x.check.title for x in theirs.next_checks()] == [x.check.title for x in mine.next_checks()]


def test_an_empty_portfolio_is_answered_at_once_as_the_engine_would(store: Store) -> None:
    empty = check_in_child(store, [])
    assert (empty.reports, empty.level, empty.weakest) == ((), check_offline(store, []).level, "rag")


def test_a_report_from_the_child_cannot_be_evaluated_again_by_mistake(store: Store, projects_dir: Path) -> None:
    add_project(store, projects_dir / "docs", "rag", "Docs Q&A")
    report = check_in_child(store, store.projects()).reports[0]
    automatic = next(r.check for r in report.results if r.check.evaluate is not None)
    with pytest.raises(RuntimeError, match="check the project again"):
        automatic.evaluate(None)  # type: ignore[misc, arg-type]


def test_only_the_readiness_vocabulary_is_unpickled() -> None:
    with pytest.raises(pickle.UnpicklingError, match=r"\.system is not part of a readiness report"):
        _ReportUnpickler(io.BytesIO(pickle.dumps(os.system))).load()


@linux_only
def test_a_cancelled_check_leaves_no_process_behind(store: Store, projects_dir: Path) -> None:
    add_project(store, projects_dir / "docs", "rag", "Docs Q&A")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        check_in_child(store, store.projects(), cancel)
    assert check_children(os.getpid()) == []


@linux_only
def test_a_check_past_its_deadline_is_stopped_with_a_sentence(store: Store, projects_dir: Path, slow_git: None) -> None:
    add_project(store, projects_dir / "docs", "rag", "Docs Q&A")
    started = time.monotonic()
    with pytest.raises(UserError, match=r"took longer than 1 s and was stopped") as stopped:
        check_in_child(store, store.projects(), timeout_s=1.0)
    assert time.monotonic() - started < 10
    assert "Press Refresh" in stopped.value.hint
    assert check_children(os.getpid()) == []


@linux_only
def test_the_check_process_dies_with_the_app(store: Store, projects_dir: Path, slow_git: None) -> None:
    """The app killed outright (no cleanup runs): its child sees its stdin close and stops, long
    before the slow git would have let it finish."""
    add_project(store, projects_dir / "docs", "rag", "Docs Q&A")
    app = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                from pathlib import Path
                from scaffolder.core.store import Store
                from scaffolder.gui.offline_readiness import check_in_child
                store = Store(Path({str(store.path)!r}))
                check_in_child(store, store.projects())
                """
            ),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not (children := check_children(app.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert children, "the app never started its check"
        time.sleep(1.0)  # the child is in the slow git by now
        assert alive(children[0])
        app.send_signal(signal.SIGKILL)
        app.wait()
        deadline = time.monotonic() + 5
        while alive(children[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(children[0])
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()


@linux_only
def test_the_dashboard_stops_its_check_when_the_app_quits(
    qtbot: QtBot, store: Store, projects_dir: Path, slow_git: None
) -> None:
    add_project(store, projects_dir / "docs", "rag", "Docs Q&A")
    state = PortfolioState(store)
    state.reload(background=False)
    state.check_readiness()
    qtbot.waitUntil(lambda: check_children(os.getpid()) != [], timeout=20000)
    state.stop_checking()  # what quitting the app does (aboutToQuit)
    qtbot.waitUntil(lambda: check_children(os.getpid()) == [], timeout=5000)
    assert state.portfolio_report is None and state.reports == {}
