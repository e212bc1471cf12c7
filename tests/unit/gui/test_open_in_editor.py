"""The "Open in <Editor>" button and the settings' editor chooser, with fake editors on PATH."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from scaffolder.core.editors import (
    CUSTOM,
    Editor,
    EditorChoice,
    EditorNotFound,
    EditorProblem,
    Host,
    ProjectFolderMissing,
)
from scaffolder.core.settings import Settings, save_settings
from scaffolder.core.store import Store
from scaffolder.gui import open_in_editor, workers
from scaffolder.gui.open_in_editor import EditorChooser, OpenInEditorButton
from tests.helpers.fake_editors import FakePrograms

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fake editors are POSIX scripts")


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "projects" / "Agent & Tools; $(x)"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def portfolio(project_dir: Path) -> Iterator[Store]:
    store = Store()
    store.add_project(name="agent", kind="agent", path=project_dir, template="agent", template_version="1", answers={})
    save_settings(store, Settings(editor="vscode"))
    yield store
    workers.wait_for_all()


def actions(menu: QMenu) -> dict[str, QAction]:
    return {a.text(): a for a in menu.actions() if a.text()}


@pytest.fixture
def button(qtbot: QtBot, fakes: FakePrograms, project_dir: Path, portfolio: Store, host: Host) -> OpenInEditorButton:
    fakes.install("code")
    fakes.install("zed")
    fakes.install("kitty")
    widget = OpenInEditorButton(lambda: project_dir, portfolio, host=host)
    qtbot.addWidget(widget)
    # Polled rather than waitSignal: pytest-qt disconnecting inside this emission can hang
    # PySide6 (seen once in CI: a futex wait in _silent_disconnect).
    qtbot.waitUntil(lambda: widget.state is not None, timeout=10000)
    return widget


def test_detection_runs_in_the_background_then_the_button_names_the_editor(
    qtbot: QtBot, fakes: FakePrograms, project_dir: Path, portfolio: Store, host: Host
) -> None:
    fakes.install("code")
    widget = OpenInEditorButton(lambda: project_dir, portfolio, host=host)
    qtbot.addWidget(widget)
    assert widget.text() == "Looking for editors…" and not widget.isEnabled()
    qtbot.waitUntil(lambda: widget.state is not None, timeout=10000)
    assert widget.text() == "Open in VS Code" and widget.isEnabled()


def test_clicking_the_button_opens_the_project_in_the_default_editor(
    qtbot: QtBot, button: OpenInEditorButton, fakes: FakePrograms, project_dir: Path
) -> None:
    with qtbot.waitSignal(button.launched) as launched:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    plan, _process = launched.args
    assert plan.argv == (str(fakes.bin_dir / "code"), str(project_dir))
    qtbot.waitUntil(lambda: fakes.ran("code"), timeout=10000)
    assert fakes.record("code")["argv"] == [str(project_dir)]


def test_the_drop_down_offers_the_other_editors_the_folder_and_a_terminal(
    qtbot: QtBot, button: OpenInEditorButton, fakes: FakePrograms, project_dir: Path
) -> None:
    menu = actions(button.menu())
    assert "Open in VS Code" not in menu
    assert {"Open in Zed", "Open folder", "Open terminal here", "Re-detect editors"} <= set(menu)
    with qtbot.waitSignal(button.launched):
        menu["Open in Zed"].trigger()
    qtbot.waitUntil(lambda: fakes.ran("zed"), timeout=10000)
    assert fakes.record("zed")["argv"] == [str(project_dir)]
    with qtbot.waitSignal(button.launched):
        menu["Open terminal here"].trigger()
    qtbot.waitUntil(lambda: fakes.ran("kitty"), timeout=10000)
    assert fakes.record("kitty")["argv"] == ["--directory", str(project_dir)]


class FileUrls(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def handle(self, url: QUrl) -> None:
        self.opened.append(url)


def test_open_folder_hands_the_folder_to_the_system_file_manager(
    qtbot: QtBot, button: OpenInEditorButton, project_dir: Path
) -> None:
    handler = FileUrls()
    QDesktopServices.setUrlHandler("file", handler, "handle")
    try:
        with qtbot.waitSignal(button.folder_opened):
            actions(button.menu())["Open folder"].trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [url.toLocalFile() for url in handler.opened] == [str(project_dir)]


def test_choosing_an_editor_for_this_project_is_remembered(
    qtbot: QtBot, button: OpenInEditorButton, portfolio: Store
) -> None:
    submenu = actions(button.menu())["Always open this project in"].menu()
    choices = actions(submenu)
    assert choices["The default editor (VS Code)"].isChecked()
    with qtbot.waitSignal(button.ready, timeout=10000):
        choices["Zed"].trigger()
    assert portfolio.get("agent").editor == "zed"
    assert button.text() == "Open in Zed"
    with qtbot.waitSignal(button.ready, timeout=10000):
        actions(actions(button.menu())["Always open this project in"].menu())["The default editor (VS Code)"].trigger()
    assert portfolio.get("agent").editor is None and button.text() == "Open in VS Code"


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[object]]:
    """Answer the failure dialog with "Choose another editor…" and pick Zed; record what was shown."""
    shown: dict[str, list[object]] = {"failures": [], "offered": []}

    def ask_after_failure(_parent: object, error: EditorProblem, can_choose: bool) -> bool:
        shown["failures"].append(error)
        return can_choose

    def ask_choose_editor(_parent: object, editors: list[Editor]) -> Editor | None:
        shown["offered"].append([e.id for e in editors])
        return next((e for e in editors if e.id == "zed"), None)

    monkeypatch.setattr(open_in_editor, "ask_after_failure", ask_after_failure)
    monkeypatch.setattr(open_in_editor, "ask_choose_editor", ask_choose_editor)
    return shown


def test_a_failed_launch_says_which_command_and_offers_another_editor(
    qtbot: QtBot, button: OpenInEditorButton, fakes: FakePrograms, project_dir: Path, dialogs: dict[str, list[object]]
) -> None:
    (fakes.bin_dir / "code").unlink()  # uninstalled after detection
    with qtbot.waitSignal(button.launched) as launched:
        button.click()
    (error,) = dialogs["failures"]
    assert isinstance(error, EditorNotFound)
    assert error.command_line == f"{fakes.bin_dir / 'code'} '{project_dir}'"
    assert dialogs["offered"] == [["zed"]]
    assert launched.args[0].what == "Zed"
    qtbot.waitUntil(lambda: fakes.ran("zed"), timeout=10000)


def test_a_missing_preferred_editor_is_explained_when_clicked(
    qtbot: QtBot, fakes: FakePrograms, project_dir: Path, portfolio: Store, host: Host, dialogs: dict[str, list[object]]
) -> None:
    fakes.install("zed")
    save_settings(portfolio, Settings(editor="pycharm"))
    widget = OpenInEditorButton(lambda: project_dir, portfolio, host=host)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.state is not None, timeout=10000)
    assert widget.text() == "Open in editor…"
    with qtbot.waitSignal(widget.launched):
        widget.click()
    assert "PyCharm Professional was not found" in str(dialogs["failures"][0])
    qtbot.waitUntil(lambda: fakes.ran("zed"), timeout=10000)


def test_re_detect_finds_an_editor_installed_meanwhile(
    qtbot: QtBot, button: OpenInEditorButton, fakes: FakePrograms
) -> None:
    assert "Open in Cursor" not in actions(button.menu())
    fakes.install("cursor")
    with qtbot.waitSignal(button.ready, timeout=10000):
        actions(button.menu())["Re-detect editors"].trigger()
    assert "Open in Cursor" in actions(button.menu())


# --- the chooser a settings dialog embeds ---------------------------------------------------


@pytest.fixture
def chooser(qtbot: QtBot, fakes: FakePrograms, host: Host) -> Iterator[EditorChooser]:
    fakes.install("code")
    widget = EditorChooser(host=host)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.detected, timeout=10000):
        pass
    yield widget
    workers.wait_for_all()


def labels(chooser: EditorChooser) -> list[str]:
    return [chooser.combo.itemText(i) for i in range(chooser.combo.count())]


def test_the_chooser_lists_the_editors_found_plus_automatic_and_custom(
    chooser: EditorChooser, fakes: FakePrograms
) -> None:
    assert labels(chooser) == ["First found (VS Code)", f"VS Code — {fakes.bin_dir / 'code'}", "Custom command…"]
    assert chooser.value() == EditorChoice("", "")
    assert not chooser.custom_command.isEnabled()


def test_the_chooser_round_trips_a_custom_command(qtbot: QtBot, chooser: EditorChooser) -> None:
    chooser.set_value(EditorChoice(CUSTOM, "kate -n {path}"))
    assert chooser.combo.currentText() == "Custom command…" and chooser.custom_command.isEnabled()
    assert chooser.value() == EditorChoice(CUSTOM, "kate -n {path}")
    with qtbot.waitSignal(chooser.changed):
        chooser.combo.setCurrentIndex(chooser.combo.findData("vscode"))
    assert chooser.value() == EditorChoice("vscode", "kate -n {path}")
    assert not chooser.custom_command.isEnabled()


def test_the_chooser_keeps_a_missing_editor_and_re_detect_finds_it_once_installed(
    qtbot: QtBot, chooser: EditorChooser, fakes: FakePrograms
) -> None:
    chooser.set_value(EditorChoice("zed"))
    assert chooser.combo.currentText() == "Zed (not found)"
    assert chooser.value().editor == "zed"
    fakes.install("zed")
    with qtbot.waitSignal(chooser.detected, timeout=10000):
        qtbot.mouseClick(chooser.redetect_button, Qt.MouseButton.LeftButton)
    assert chooser.combo.currentText() == f"Zed — {fakes.bin_dir / 'zed'}"
    assert chooser.value().editor == "zed"


def test_the_button_finds_a_fake_editor_on_the_real_path(
    qtbot: QtBot, fakes: FakePrograms, project_dir: Path, portfolio: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No injected host: the live PATH, read when detection runs."""
    monkeypatch.setenv("PATH", str(fakes.bin_dir))
    fakes.install("codium")
    save_settings(portfolio, Settings(editor="vscodium"))
    widget = OpenInEditorButton(lambda: project_dir, portfolio)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.state is not None, timeout=10000)
    assert widget.text() == "Open in VSCodium"
    with qtbot.waitSignal(widget.launched):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: fakes.ran("codium"), timeout=10000)
    assert fakes.record("codium")["argv"] == [str(project_dir)]


def test_before_a_project_exists_nothing_is_opened_and_the_user_is_told(
    qtbot: QtBot, fakes: FakePrograms, portfolio: Store, host: Host, dialogs: dict[str, list[object]]
) -> None:
    """The wizard's success page shows the button before the folder exists."""
    fakes.install("code")
    widget = OpenInEditorButton(lambda: None, portfolio, host=host)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.state is not None, timeout=10000)
    with qtbot.waitSignal(widget.failed) as failed:
        widget.click()
    assert isinstance(failed.args[0], ProjectFolderMissing)
    assert dialogs["offered"] == []
    assert not fakes.ran("code")


def test_a_failed_terminal_names_its_command_and_offers_no_editor(
    qtbot: QtBot, button: OpenInEditorButton, fakes: FakePrograms, project_dir: Path, dialogs: dict[str, list[object]]
) -> None:
    (fakes.bin_dir / "kitty").unlink()
    with qtbot.waitSignal(button.failed) as failed:
        actions(button.menu())["Open terminal here"].trigger()
    error = failed.args[0]
    assert isinstance(error, EditorNotFound)
    assert error.command_line == f"{fakes.bin_dir / 'kitty'} --directory '{project_dir}'"
    assert dialogs["failures"] == [error] and dialogs["offered"] == []
