"""The app looks like a product: its own icon, icons on its actions, readiness levels said in
words as well as colour, a dark palette when the system is dark, and an About box."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from scaffolder import __version__
from scaffolder.core.readiness import Level
from scaffolder.gui import theme
from scaffolder.gui.about import about_html, show_about
from scaffolder.gui.level_badge import LevelBadge
from scaffolder.gui.main_window import MainWindow


@pytest.fixture
def app_palette() -> Iterator[QApplication]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.palette()
    yield app
    app.setPalette(original)


def test_the_window_and_its_actions_have_icons(window: MainWindow) -> None:
    assert not window.windowIcon().isNull()
    assert not theme.app_icon().pixmap(64, 64).isNull()  # the icon file loads
    for action in (window.new_action, window.import_action, window.settings_action, window.refresh_action):
        assert not action.icon().isNull(), action.text()


def test_a_level_badge_says_the_level_in_words_not_colour_alone(qtbot: QtBot) -> None:
    badge = LevelBadge()
    qtbot.addWidget(badge)
    for level in Level:
        badge.set_level(level, 40)
        assert badge.label.text() == level.label


def test_a_dark_system_gets_a_dark_palette_and_readable_error_colours(app_palette: QApplication) -> None:
    theme.apply_color_scheme(app_palette, Qt.ColorScheme.Dark)
    assert theme.is_dark()
    window = app_palette.palette().color(QPalette.ColorRole.Window)
    text = app_palette.palette().color(QPalette.ColorRole.WindowText)
    assert window.lightness() < 60 and text.lightness() > 200
    assert theme.colour("error") != "#b3261e"  # the light red would be unreadable on dark grey
    theme.apply_color_scheme(app_palette, Qt.ColorScheme.Light)
    assert not theme.is_dark()


def test_the_about_box_has_version_links_and_licences(qtbot: QtBot, window: MainWindow) -> None:
    text = about_html()
    assert __version__ in text and "MIT" in text and "LGPL-3.0" in text and "href='https://" in text
    box = show_about(window)
    qtbot.addWidget(box)
    assert box.isVisible() and not box.iconPixmap().isNull()
    box.close()


def test_tinted_labels_follow_a_change_of_colour_scheme(qtbot: QtBot, app_palette: QApplication) -> None:
    from PySide6.QtWidgets import QLabel

    label = QLabel("Folder missing")
    qtbot.addWidget(label)
    theme.apply_color_scheme(app_palette, Qt.ColorScheme.Light)
    theme.tint(label, "error")
    light = label.palette().color(QPalette.ColorRole.WindowText).name()
    theme.apply_color_scheme(app_palette, Qt.ColorScheme.Dark)
    dark = label.palette().color(QPalette.ColorRole.WindowText).name()
    assert light != dark and dark == theme.colour("error")
    theme.apply_color_scheme(app_palette, Qt.ColorScheme.Light)
