"""Start-up, keyboard use, readiness on the dashboard, and errors reaching the log file."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from scaffolder.app import setup_logging
from scaffolder.core.paths import log_dir
from scaffolder.core.store import Store
from scaffolder.gui import messages, workers
from scaffolder.gui.main_window import MainWindow
from tests.unit.gui.test_dashboard import add_project


def test_the_window_appears_before_git_and_readiness_are_known(qtbot: QtBot, store: Store, projects_dir: Path) -> None:
    add_project(store, projects_dir / "early", "rag", "Early Bird")
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.start()
    assert window.state.projects and window.state.summaries == {} and window.state.reports == {}
    slot = window.dashboard.slots["rag"]
    assert slot.name.text() == "Early Bird"
    assert slot.readiness.label.text() == "Not checked yet"
    with qtbot.waitSignals([window.state.summaries_changed, window.state.reports_changed], timeout=20000):
        pass
    assert "on main" in slot.commit.text()
    assert slot.readiness.label.text() == "Draft"  # one commit, no README sections, no CI
    assert 0 <= slot.readiness.bar.value() < 100
    assert "Portfolio readiness" in window.dashboard.portfolio_level.text()


def test_ctrl_n_opens_the_new_project_wizard(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.wizard is not None
    qtbot.waitExposed(window.wizard)
    qtbot.keyClick(window.wizard, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.wizard.isVisible())


def test_opening_a_project_shows_its_checklists(qtbot: QtBot, store: Store, projects_dir: Path) -> None:
    project = add_project(store, projects_dir / "check-me", "agent", "Check Me")
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.start()
    window.open_project(project.id)
    view = window.project_page.readiness
    assert view is not None
    with qtbot.waitSignal(view.report_changed, timeout=20000) as checked:
        pass
    assert checked.args[0].project_id == project.id
    tabs = [view.tabs.tabText(i).replace("&", "").split(" (")[0] for i in range(view.tabs.count())]
    assert tabs == ["README", "Deployment", "Write-up", "Git history"]


def test_an_unexpected_error_is_logged_with_its_traceback(monkeypatch: pytest.MonkeyPatch, qtbot: QtBot) -> None:
    handler = setup_logging()
    assert handler is not None
    monkeypatch.setattr(QMessageBox, "exec", lambda _box: 0)
    try:
        try:
            raise ValueError("the disk is lava")
        except ValueError as err:
            import traceback

            messages.report_error(None, err, "".join(traceback.format_exception(err)))
        handler.flush()
        text = (log_dir() / "scaffolder.log").read_text(encoding="utf-8")
        assert "the disk is lava" in text and "Traceback" in text
    finally:
        logging.getLogger("scaffolder").removeHandler(handler)
        handler.close()


def labels_with_a_literal_ampersand(widget: QWidget) -> list[str]:
    """A label with a mnemonic `&` but no buddy shows the ampersand to the user."""
    return [
        label.text()
        for label in widget.findChildren(QLabel)
        if "&" in label.text().replace("&&", "")
        and label.textFormat() != Qt.TextFormat.RichText
        and "<" not in label.text()
        and label.buddy() is None
    ]


def test_no_window_shows_a_literal_ampersand(qtbot: QtBot, window: MainWindow) -> None:
    from scaffolder.core.settings import load_settings
    from scaffolder.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(load_settings(window.store), window)
    qtbot.addWidget(dialog)
    wizard = window.new_project("rag")
    wizard.next()
    wizard.next()
    for widget in (window, dialog, wizard):
        assert labels_with_a_literal_ampersand(widget) == []


def test_a_portfolio_restored_from_its_backup_is_said_in_the_window(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An empty portfolio file is never a new empty portfolio: the store restores the backup,
    and the window says so in its status bar."""
    from scaffolder.core.store import Store

    path = tmp_path / "portfolio.sqlite3"
    first = Store(path)
    first.add_project(name="Kept", kind="custom", path=tmp_path, template=None, template_version=None, answers={})
    path.write_bytes(b"")

    store = Store(path)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.start()
    assert "restored the backup" in window.statusBar().currentMessage()
    assert [p.name for p in store.projects()] == ["Kept"]
    workers.wait_for_all()
