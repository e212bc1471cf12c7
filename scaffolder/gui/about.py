"""The About box: version, where to read more, and the licences of what the app is built on."""

from __future__ import annotations

import platform
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from scaffolder import __version__
from scaffolder.gui import theme

# (distribution, licence, home page): what ships inside every install of the app.
THIRD_PARTY = (
    ("PySide6 (Qt for Python)", "LGPL-3.0", "https://doc.qt.io/qtforpython-6/"),
    ("cookiecutter", "BSD-3-Clause", "https://cookiecutter.readthedocs.io"),
    ("GitPython", "BSD-3-Clause", "https://gitpython.readthedocs.io"),
    ("Jinja2", "BSD-3-Clause", "https://jinja.palletsprojects.com"),
    ("platformdirs", "MIT", "https://platformdirs.readthedocs.io"),
    ("markdown-it-py", "MIT", "https://markdown-it-py.readthedocs.io"),
)


def _installed_version(name: str) -> str:
    try:
        return metadata.version(name.split(" ")[0])
    except metadata.PackageNotFoundError:
        return ""


def about_html() -> str:
    rows = "".join(
        f"<tr><td><a href='{url}'>{name}</a> {_installed_version(name)}</td><td>{licence}</td></tr>"
        for name, licence, url in THIRD_PARTY
    )
    return (
        f"<h3>AI Portfolio Scaffolder {__version__}</h3>"
        "<p>Generates the three portfolio projects an AI engineer is hired on (a RAG application, an AI agent "
        "and a full-stack AI product), commits each to its own git repository, and keeps them honest until "
        "they are shown.</p>"
        "<p>Licence: MIT (the LICENSE file next to the app). Each generated project carries its own licence, "
        "the one you chose in the wizard.</p>"
        f"<p>Running on Python {platform.python_version()}, Qt {qVersion()} with PySide6 {pyside_version}.</p>"
        "<p><b>Built on</b></p>"
        f"<table cellspacing='2'>{rows}</table>"
        "<p>Templates are rendered with <a href='https://cookiecutter.readthedocs.io'>cookiecutter</a>; "
        "the command line is <code>scaffolder --help</code>.</p>"
    )


def show_about(parent: QWidget | None) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("about")
    box.setWindowTitle("About AI Portfolio Scaffolder")
    box.setIconPixmap(theme.app_icon().pixmap(64, 64))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_html())
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.open()
    return box
