"""The app follows the disk by itself: a project folder moved in a shell shows as missing on the
dashboard and on its open page, and comes back; a commit made with git updates the page header."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from scaffolder.core.editors import ProjectFolderMissing
from scaffolder.core.store import Store
from scaffolder.gui import open_in_editor
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.portfolio_state import PRESENCE_DEBOUNCE_MS
from scaffolder.gui.readiness_view import DEFAULT_DEBOUNCE_MS
from tests.unit.gui.test_dashboard import add_project

# Waiting for a signal, not sleeping: the limit only says how long a broken watcher may take to fail.
NOTICE_WITHIN_MS = PRESENCE_DEBOUNCE_MS + 2000


def open_page(qtbot: QtBot, window: MainWindow, project_id: int) -> None:
    window.open_project(project_id)
    readiness = window.project_page.readiness
    assert readiness is not None
    qtbot.waitUntil(lambda: readiness.report is not None, timeout=10000)


def test_a_folder_renamed_in_a_shell_shows_as_missing_then_comes_back(
    qtbot: QtBot, window: MainWindow, store: Store, projects_dir: Path
) -> None:
    project = add_project(store, projects_dir / "docs-qa", "rag", "Docs QA")
    with qtbot.waitSignal(window.state.summaries_changed, timeout=10000):
        window.state.reload()
    open_page(qtbot, window, project.id)
    slot, page = window.dashboard.slots["rag"], window.project_page
    assert not slot.missing.isVisibleTo(window.dashboard) and not page.missing.isVisibleTo(page)

    moved = projects_dir / "docs-qa-renamed"
    with qtbot.waitSignal(window.state.presence_changed, timeout=NOTICE_WITHIN_MS) as seen:
        subprocess.run(["mv", str(project.path), str(moved)], check=True)
    assert seen.args == [project.id, False]
    assert slot.missing.isVisibleTo(window.dashboard) and slot.locate_button.isVisibleTo(window.dashboard)
    assert not slot.readiness.isVisibleTo(window.dashboard)
    assert page.missing.isVisibleTo(page) and "is missing" in page.missing_text.text()
    assert page.locate.isVisibleTo(page) and page.forget.isVisibleTo(page)
    assert not page.open_in_editor.isVisibleTo(page) and page.readiness is None

    with qtbot.waitSignal(window.state.presence_changed, timeout=NOTICE_WITHIN_MS) as seen:
        subprocess.run(["mv", str(moved), str(project.path)], check=True)
    assert seen.args == [project.id, True]
    assert not slot.missing.isVisibleTo(window.dashboard) and slot.readiness.isVisibleTo(window.dashboard)
    assert not page.missing.isVisibleTo(page) and page.readiness is not None


def test_a_deleted_folder_is_noticed_too(qtbot: QtBot, window: MainWindow, store: Store, projects_dir: Path) -> None:
    project = add_project(store, projects_dir / "scratch", "agent", "Scratch")
    window.state.reload()
    with qtbot.waitSignal(window.state.presence_changed, timeout=NOTICE_WITHIN_MS):
        subprocess.run(["rm", "-rf", str(project.path)], check=True)
    assert window.dashboard.slots["agent"].missing.isVisibleTo(window.dashboard)


def test_a_commit_made_with_git_updates_the_page_header(
    qtbot: QtBot, window: MainWindow, store: Store, projects_dir: Path
) -> None:
    project = add_project(store, projects_dir / "tool-user", "agent", "Tool User")
    with qtbot.waitSignal(window.state.summaries_changed, timeout=10000):
        window.state.reload()
    open_page(qtbot, window, project.id)
    details = window.project_page.details
    assert "<br>1 commit<br>" in details.text()
    assert DEFAULT_DEBOUNCE_MS <= 300  # the page follows within half a second of the last write

    (project.path / "notes.md").write_text("# Notes\n", encoding="utf-8")
    qtbot.waitUntil(lambda: "uncommitted changes" in details.text(), timeout=5000)
    subprocess.run(["git", "-C", str(project.path), "add", "notes.md"], check=True)
    subprocess.run(["git", "-C", str(project.path), "commit", "-q", "-m", "notes"], check=True)
    qtbot.waitUntil(lambda: "2 commits" in details.text(), timeout=5000)
    assert "uncommitted changes" not in details.text()


def test_open_in_editor_on_a_missing_project_says_the_folder_is_missing(
    qtbot: QtBot, window: MainWindow, store: Store, projects_dir: Path, monkeypatch
) -> None:
    project = add_project(store, projects_dir / "gone", "rag", "Gone")
    window.state.reload()
    window.open_project(project.id)
    subprocess.run(["rm", "-rf", str(project.path)], check=True)
    shown: list[ProjectFolderMissing] = []
    monkeypatch.setattr(open_in_editor, "ask_after_failure", lambda _parent, error, _can: shown.append(error) or False)
    button = window.project_page.open_in_editor
    button.open_folder()
    assert shown and "missing" in shown[0].message and shown[0].reason != "no folder given"


def test_the_project_page_locate_button_points_it_at_the_new_folder(
    qtbot: QtBot, window: MainWindow, store: Store, projects_dir: Path, monkeypatch
) -> None:
    from scaffolder.gui import messages

    project = add_project(store, projects_dir / "wanderer", "rag", "Wanderer")
    window.state.reload()
    window.open_project(project.id)
    moved = projects_dir.parent / "moved" / "wanderer"
    moved.parent.mkdir()
    with qtbot.waitSignal(window.state.presence_changed, timeout=NOTICE_WITHIN_MS):
        subprocess.run(["mv", str(project.path), str(moved)], check=True)
    monkeypatch.setattr(messages, "ask_directory", lambda *_a, **_k: moved)
    qtbot.mouseClick(window.project_page.locate, Qt.MouseButton.LeftButton)
    page = window.project_page
    assert not page.missing.isVisibleTo(page) and str(moved) in page.details.text()
    assert page.readiness is not None


def test_a_new_file_in_a_subfolder_shows_as_uncommitted_changes(
    qtbot: QtBot, window: MainWindow, store: Store, projects_dir: Path
) -> None:
    project = add_project(store, projects_dir / "deep", "rag", "Deep")
    (project.path / "src" / "deep").mkdir(parents=True)
    with qtbot.waitSignal(window.state.summaries_changed, timeout=10000):
        window.state.reload()
    open_page(qtbot, window, project.id)
    details = window.project_page.details
    assert "uncommitted changes" not in details.text()  # empty folders are nothing to git
    (project.path / "src" / "deep" / "module.py").write_text("X = 1\n", encoding="utf-8")
    qtbot.waitUntil(lambda: "uncommitted changes" in details.text(), timeout=5000)


def test_a_checkout_burst_gives_one_or_two_rechecks_not_one_per_file(
    qtbot: QtBot, window: MainWindow, store: Store, projects_dir: Path
) -> None:
    project = add_project(store, projects_dir / "bursty", "agent", "Bursty")
    git = ["git", "-C", str(project.path)]
    subprocess.run([*git, "switch", "-q", "-c", "many"], check=True)
    for i in range(30):
        (project.path / f"file_{i}.txt").write_text(f"{i}\n", encoding="utf-8")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "thirty files"], check=True)
    subprocess.run([*git, "switch", "-q", "main"], check=True)
    window.state.reload()
    open_page(qtbot, window, project.id)
    view = window.project_page.readiness
    assert view is not None
    rechecks: list[object] = []
    view.report_changed.connect(rechecks.append)
    subprocess.run([*git, "switch", "-q", "many"], check=True)  # writes 30 files and the refs
    qtbot.waitUntil(lambda: "on many" in window.project_page.details.text(), timeout=5000)
    # Settled: no check running (the status says "Checking…" while one does) and none waiting.
    qtbot.waitUntil(lambda: view.status.text().startswith("Checked") and not view.debounce.isActive(), timeout=5000)
    assert 1 <= len(rechecks) <= 2
