"""Registering existing repositories, and reading back what a generation recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scaffolder.core import git
from scaffolder.core.errors import UserError
from scaffolder.core.generate import ANSWERS_FILE, SCAFFOLDER_ANSWERS_FILE
from scaffolder.core.paths import CUSTOM_KIND, KINDS
from scaffolder.core.readiness.files import read_text_bounded
from scaffolder.core.store import Project, Store

_MAX_ANSWERS_BYTES = 1_000_000


def read_answers_file(path: Path) -> dict[str, Any] | None:
    """The record a generation committed, or None (absent, unreadable, or not safe to read: the
    repository may be anyone's, and a FIFO there must not hang `scaffolder import`). The app's own
    `.scaffolder/answers.json` first, then `.cookiecutter.json` (projects generated before it
    existed; a template may ship a `.cookiecutter.json` of its own, without the app's part)."""
    for name in (SCAFFOLDER_ANSWERS_FILE, ANSWERS_FILE):
        text = read_text_bounded(path, name, _MAX_ANSWERS_BYTES)
        if not isinstance(text, str):
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("cookiecutter"), dict):
            return data
    return None


def import_project(store: Store, path: Path, name: str | None = None) -> Project:
    """Register an existing git repository. Its kind is what its answers file recorded, else custom."""
    path = Path(path).expanduser().resolve()
    if not path.is_dir():
        raise UserError(f"{path} is not a folder.", "Give the folder of a git repository.")
    git.git_executable()
    if not git.is_repository(path):
        raise UserError(
            f"{path} is not a git repository.", "Run  git init  in it first, or choose the repository's top folder."
        )
    replay = read_answers_file(path) or {}
    answers = {k: v for k, v in replay.get("cookiecutter", {}).items() if not k.startswith("_")}
    meta = replay.get("scaffolder", {}) if isinstance(replay.get("scaffolder"), dict) else {}
    kind = meta.get("kind") if meta.get("kind") in KINDS else CUSTOM_KIND
    display = name or str(answers.get("project_name") or path.name)
    return store.add_project(
        name=display,
        kind=kind,
        path=path,
        template=meta.get("template") or replay.get("cookiecutter", {}).get("_template"),
        template_version=meta.get("template_version"),
        answers=answers,
    )
