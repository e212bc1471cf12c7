"""Where things live: bundled templates, the portfolio's data directory, logs."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "ai-portfolio-scaffolder"
BUNDLED_KINDS = ("rag", "agent", "fullstack")


def templates_root() -> Path:
    """The bundled templates: inside the installed package, or the checkout's top-level folder."""
    installed = Path(__file__).resolve().parent.parent / "templates"
    if installed.is_dir():
        return installed
    checkout = Path(__file__).resolve().parents[2] / "templates"
    return checkout


def data_dir() -> Path:
    """`$SCAFFOLDER_HOME` when set (tests, portable use), else the platform's user data dir."""
    override = os.environ.get("SCAFFOLDER_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    override = os.environ.get("SCAFFOLDER_HOME")
    if override:
        return Path(override).expanduser() / "logs"
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))


def default_projects_dir() -> Path:
    return Path.home() / "portfolio"
