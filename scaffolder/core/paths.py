"""Where things live: bundled templates, the portfolio's data directory, logs."""

from __future__ import annotations

import json
import os
from pathlib import Path

APP_NAME = "ai-portfolio-scaffolder"
SLOT_KEY = "_portfolio_slot"  # in a bundled template's cookiecutter.json: its place in the portfolio


def templates_root() -> Path:
    """The bundled templates: inside the installed package, or the checkout's top-level folder."""
    installed = Path(__file__).resolve().parent.parent / "templates"
    if installed.is_dir():
        return installed
    checkout = Path(__file__).resolve().parents[2] / "templates"
    return checkout


def _bundled_kinds(root: Path) -> tuple[str, ...]:
    """The kind of each bundled template (its folder's name), in the order of the portfolio's
    slots, as each template's own metadata declares it. Read once, at import: the whole app (store,
    dashboard, status) takes its kinds from here, so a template folder is the only place to add one."""
    slots: list[tuple[int, str]] = []
    for metadata in root.glob("*/cookiecutter.json"):
        slot = json.loads(metadata.read_text(encoding="utf-8")).get(SLOT_KEY)
        if isinstance(slot, int):
            slots.append((slot, metadata.parent.name))
    return tuple(kind for _slot, kind in sorted(slots))


BUNDLED_KINDS = _bundled_kinds(templates_root())
CUSTOM_KIND = "custom"  # from a template of the user's own, or imported
KINDS = (*BUNDLED_KINDS, CUSTOM_KIND)


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
