"""Fixtures for driving the real widgets: a main window over a temp portfolio."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from scaffolder.core.settings import Settings, save_settings
from scaffolder.core.store import Store
from scaffolder.core.surface import Surface, speak_on
from scaffolder.gui import messages, workers
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.ui_thread_gc import UiThreadGarbageCollector


@pytest.fixture(scope="package", autouse=True)
def garbage_collected_on_the_ui_thread(qapp: QApplication) -> Iterator[None]:
    """As in the app: cycles are collected on the UI thread only, never by a worker thread that
    happens to allocate (which would free Qt objects there and corrupt the event loop)."""
    collector = UiThreadGarbageCollector(qapp)
    collector.start()
    yield
    collector.stop()


@pytest.fixture(autouse=True)
def speaking_on_the_app() -> Iterator[None]:
    """Errors are worded for the app, as `run_gui` sets it at start."""
    speak_on(Surface.APP)
    yield
    speak_on(Surface.CLI)


@pytest.fixture
def store(isolated_user: Path) -> Store:
    return Store()


@pytest.fixture
def projects_dir(tmp_path: Path, store: Store) -> Path:
    folder = tmp_path / "portfolio"
    save_settings(
        store,
        Settings(
            projects_dir=str(folder),
            author_name="Grace Hopper",
            author_email="grace@example.com",
            github_username="ghopper",
        ),
    )
    return folder


@pytest.fixture
def window(qtbot: QtBot, store: Store, projects_dir: Path) -> Iterator[MainWindow]:
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.state.summaries_changed, timeout=10000):
        win.start()
    yield win
    workers.cancel_all()  # what a story left running (an index build, say) stops with it
    workers.wait_for_all()


@pytest.fixture
def confirm_all(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answer every confirmation with yes; the list records what was asked."""
    asked: list[str] = []

    def ask(_parent: object, title: str, text: str, confirm_label: str = "OK") -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(messages, "ask_confirm", ask)
    return asked
