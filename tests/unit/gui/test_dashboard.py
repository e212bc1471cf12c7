"""The dashboard shows the portfolio at a glance and turns clicks into intents."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from scaffolder.app import install_excepthook
from scaffolder.core.store import Store
from scaffolder.gui import messages
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.models.portfolio_model import PortfolioTableModel


def add_project(store: Store, path: Path, kind: str, name: str):
    """A real repository registered as one of the recommended kinds (templates are tested elsewhere)."""
    make_repo(path)
    return store.add_project(name=name, kind=kind, path=path, template=kind, template_version="1", answers={})


def make_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    (path / "README.md").write_text("# Side project\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(path), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(path), "commit", "-q", "-m", "first"], check=True)
    return path


def test_empty_slots_offer_to_generate_each_recommended_project(window: MainWindow) -> None:
    for kind in ("rag", "agent", "fullstack"):
        slot = window.dashboard.slots[kind]
        assert slot.project is None
        assert slot.generate_button.isVisible()
        assert slot.description.isVisible()
    assert window.dashboard.others_empty.isVisible()


def test_a_generated_project_fills_its_slot_with_name_path_and_last_commit(
    qtbot: QtBot, store: Store, projects_dir: Path
) -> None:
    project = add_project(store, projects_dir / "tool-user", "agent", "Tool User")
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.state.summaries_changed, timeout=10000):
        window.start()
    slot = window.dashboard.slots["agent"]
    assert slot.name.text() == "Tool User"
    assert slot.path.text() == str(project.path)
    assert "on main" in slot.commit.text()
    assert slot.open_button.isVisible() and not slot.generate_button.isVisible()
    qtbot.mouseClick(slot.open_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.project_page
    assert "Tool User" in window.project_page.title.text()
    assert "<br>1 commit<br>" in window.project_page.details.text()  # not "1 commits"


def test_a_missing_project_says_so_and_offers_locate_and_forget(
    qtbot: QtBot,
    store: Store,
    projects_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    confirm_all: list[str],
) -> None:
    project = add_project(store, projects_dir / "moved-away", "rag", "Moved Away")
    new_home = tmp_path / "elsewhere" / "moved-away"
    new_home.parent.mkdir()
    shutil.move(project.path, new_home)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.state.summaries_changed, timeout=10000):
        window.start()
    slot = window.dashboard.slots["rag"]
    assert slot.missing.isVisible() and slot.locate_button.isVisible() and slot.forget_button.isVisible()
    assert not slot.open_button.isVisible()
    assert not slot.readiness.isVisible()  # "folder missing", not "Draft · 0 %"

    monkeypatch.setattr(messages, "ask_directory", lambda *_args, **_kw: new_home)
    with qtbot.waitSignal(window.state.summaries_changed, timeout=10000):
        qtbot.mouseClick(slot.locate_button, Qt.MouseButton.LeftButton)
    assert not slot.missing.isVisible()
    assert store.get("Moved Away").path == new_home

    shutil.rmtree(new_home)
    window.state.reload()
    qtbot.mouseClick(slot.forget_button, Qt.MouseButton.LeftButton)
    assert "files" in confirm_all[0] and "not touched" in confirm_all[0]
    assert store.projects() == []
    assert slot.generate_button.isVisible()


def test_importing_a_repository_lists_it_under_other_projects_and_forget_keeps_its_files(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, confirm_all: list[str]
) -> None:
    repo = make_repo(tmp_path / "side-project")
    monkeypatch.setattr(messages, "ask_directory", lambda *_args, **_kw: repo)
    with qtbot.waitSignal(window.state.projects_changed, timeout=10000):
        window.import_action.trigger()
    model = window.dashboard.others_model
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert model.project_at(0).name == "side-project"
    assert model.project_at(0).kind == "custom"
    assert not window.dashboard.others_empty.isVisible()

    window.dashboard.others.selectRow(0)
    window.dashboard.forget_other.click()
    assert confirm_all and "side-project" in confirm_all[0]
    assert model.rowCount() == 0
    assert (repo / "README.md").is_file()


def test_importing_a_folder_that_is_not_a_repository_explains_why(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    shown: list[BaseException] = []
    monkeypatch.setattr(messages, "ask_directory", lambda *_args, **_kw: plain)
    monkeypatch.setattr(messages, "report_error", lambda _parent, err, details="": shown.append(err))
    window.import_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "not a git repository" in str(shown[0])
    assert window.store.projects() == []


def test_the_portfolio_model_is_a_well_behaved_qt_model(qtmodeltester, store: Store, tmp_path: Path) -> None:
    make_repo(tmp_path / "a")
    from scaffolder.core.portfolio import import_project

    project = import_project(store, tmp_path / "a")
    model = PortfolioTableModel()
    model.set_projects([project], {})
    qtmodeltester.check(model)
    assert model.rowCount() == 1 and model.columnCount() == 4


@pytest.mark.qt_no_exception_capture
def test_an_unexpected_error_in_a_slot_is_shown_not_swallowed(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[tuple[BaseException, str]] = []
    monkeypatch.setattr(messages, "report_error", lambda _parent, err, details="": shown.append((err, details)))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook()
    button = QPushButton("boom")
    qtbot.addWidget(button)

    def explode() -> None:
        raise RuntimeError("kaboom")

    button.clicked.connect(explode)
    button.click()
    assert shown and isinstance(shown[0][0], RuntimeError)
    assert "kaboom" in shown[0][1]
    assert QApplication.instance() is not None
