"""At 800 px wide, and at 200 % (twice the font on twice the pixels), no text in the app is cut
off: every label, button and placeholder gets the room its text needs, and nothing is pushed
out of the window. The check walks the real widgets and compares each size hint with its geometry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from scaffolder.core.settings import load_settings
from scaffolder.core.store import Store
from scaffolder.gui import workers
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.settings_dialog import SettingsDialog
from scaffolder.gui.welcome_dialog import WelcomeDialog
from tests.unit.gui.layout_check import clipped_widgets
from tests.unit.gui.test_dashboard import add_project, make_repo

SCALES = [pytest.param(1, 800, id="800px-100%"), pytest.param(2, 1600, id="800px-200%")]


@pytest.fixture
def scaled_font(request: pytest.FixtureRequest) -> Iterator[int]:
    """Fonts at `scale`× their size, as on a screen with twice the DPI (Qt then doubles pixels too)."""
    scale = request.param
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.font()
    font = app.font()
    font.setPointSizeF(original.pointSizeF() * scale)
    app.setFont(font)
    yield scale
    app.setFont(original)


def settle(qtbot: QtBot, widget: QWidget, width: int, height: int) -> None:
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.wait(50)  # one turn of layout and polish after the resize (no worker involved)


def assert_readable(widget: QWidget, width: int) -> None:
    assert widget.width() == width, (
        f"{type(widget).__name__} cannot be {width} px wide: its minimum is {widget.minimumSizeHint().width()}"
    )
    problems = clipped_widgets(widget)
    assert not problems, "\n".join(problems)


@pytest.fixture
def full_window(qtbot: QtBot, store: Store, projects_dir: Path, scaled_font: int) -> Iterator[MainWindow]:
    """Built after the font is scaled, as a window opened on a high-DPI screen is."""
    for kind, name in (("rag", "Ask the Docs"), ("agent", "Support Desk Agent"), ("fullstack", "Writing Coach")):
        add_project(store, projects_dir / name.lower().replace(" ", "-"), kind, name)
    store.add_project(
        name="Kaggle notebooks",
        kind="custom",
        path=make_repo(projects_dir / "kaggle"),
        template=None,
        template_version=None,
        answers={},
    )
    window = MainWindow(store)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.state.reports_changed, timeout=20000):
        window.start()
    yield window
    workers.wait_for_all()


@pytest.mark.parametrize(("scaled_font", "width"), SCALES, indirect=["scaled_font"])
def test_the_dashboard_with_three_projects_fits(
    qtbot: QtBot, full_window: MainWindow, scaled_font: int, width: int
) -> None:
    settle(qtbot, full_window, width, 600 * scaled_font)
    qtbot.waitUntil(lambda: full_window.dashboard.slots["rag"].readiness.bar.value() > 0, timeout=10000)
    assert_readable(full_window, width)
    scroll = full_window.pages.currentWidget()
    assert not scroll.horizontalScrollBar().isVisible(), "the cards are cut off instead of reflowing"


@pytest.mark.parametrize(("scaled_font", "width"), SCALES, indirect=["scaled_font"])
def test_the_empty_dashboard_fits(qtbot: QtBot, scaled_font: int, window: MainWindow, width: int) -> None:
    settle(qtbot, window, width, 600 * scaled_font)
    assert_readable(window, width)


@pytest.mark.parametrize(("scaled_font", "width"), SCALES, indirect=["scaled_font"])
def test_the_project_page_fits(qtbot: QtBot, scaled_font: int, full_window: MainWindow, width: int) -> None:
    settle(qtbot, full_window, width, 600 * scaled_font)
    full_window.open_project(full_window.state.slot_project("rag").id)
    readiness = full_window.project_page.readiness
    qtbot.waitUntil(lambda: readiness.report is not None, timeout=10000)
    qtbot.wait(50)
    assert_readable(full_window, width)


@pytest.mark.parametrize(("scaled_font", "width"), SCALES, indirect=["scaled_font"])
def test_every_wizard_page_fits_even_with_an_inline_error(
    qtbot: QtBot, scaled_font: int, window: MainWindow, width: int
) -> None:
    wizard = window.new_project("rag")
    wizard_width = 760 * scaled_font
    settle(qtbot, wizard, wizard_width, 600 * scaled_font)
    assert_readable(wizard, wizard_width)
    wizard.next()
    package = wizard.questions_page.editors["package_name"].widget
    package.setText("2docs")
    package.textEdited.emit("2docs")
    qtbot.wait(50)
    assert wizard.questions_page.errors["package_name"].isVisible()
    assert_readable(wizard, wizard_width)
    package.setText("docs_qa")
    package.textEdited.emit("docs_qa")
    wizard.next()
    qtbot.wait(50)
    assert_readable(wizard, wizard_width)
    with qtbot.waitSignal(wizard.project_created, timeout=60000):
        wizard.next()
    qtbot.wait(50)
    assert_readable(wizard, wizard_width)
    workers.wait_for_all()


@pytest.mark.parametrize(("scaled_font", "width"), SCALES, indirect=["scaled_font"])
def test_the_settings_and_welcome_dialogs_fit(qtbot: QtBot, store: Store, scaled_font: int, width: int) -> None:
    settings = load_settings(store)
    for dialog in (SettingsDialog(settings), WelcomeDialog(settings)):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.wait(50)
        assert_readable(dialog, dialog.width())


SCALED_RUN = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
assert app.devicePixelRatio() == 2.0, app.devicePixelRatio()
from scaffolder.core.settings import load_settings
from scaffolder.core.store import Store
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.settings_dialog import SettingsDialog
from scaffolder.gui.welcome_dialog import WelcomeDialog
from tests.unit.gui.layout_check import clipped_widgets
store = Store()
window = MainWindow(store)
window.resize(800, 600)
window.show()
window.start()
for _ in range(50):
    app.processEvents()
problems = clipped_widgets(window)
for dialog in (SettingsDialog(load_settings(store)), WelcomeDialog(load_settings(store))):
    dialog.show()
    app.processEvents()
    problems += clipped_widgets(dialog)
print("\\n".join(problems) or "readable")
"""


def test_at_a_real_200_percent_scale_factor_nothing_is_clipped(isolated_user: Path) -> None:
    """Qt's own high-DPI scaling (QT_SCALE_FACTOR=2) in a fresh process: the same walk."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", SCALED_RUN],
        cwd=root,
        env={**os.environ, "QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "readable", result.stdout
