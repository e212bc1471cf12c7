"""A small template kept in its own git repository, moved from version 1 to version 2 the way a
template author would: one file changed, one added, one deleted, one question added."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.helpers.template_tree import PROJECT_DIR, build_file_tree

APP_V1 = """\
NAME = "{{ cookiecutter.project_slug }}"
GREETING = "hello"


def main() -> None:
    print(GREETING, NAME)
"""

APP_V2 = APP_V1.replace('GREETING = "hello"', 'GREETING = "hello, world"')

SETTINGS_V1 = "[server]\nport = 8000\nworkers = 1\n"
SETTINGS_V2 = "[server]\nport = 8000\nworkers = 2\n"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout.strip()


def template_v1(root: Path) -> Path:
    """Version 1.0.0, committed in its own repository at `root`."""
    build_file_tree(
        root,
        {
            "cookiecutter.json": {
                "project_name": "Demo Project",
                "project_slug": "{{ cookiecutter.project_name|slugify }}",
                "_template_version": "1.0.0",
            },
            f"{PROJECT_DIR}/README.md": "# {{ cookiecutter.project_name }}\n\nA demo.\n",
            f"{PROJECT_DIR}/src/app.py": APP_V1,
            f"{PROJECT_DIR}/settings.toml": SETTINGS_V1,
            f"{PROJECT_DIR}/OLD_NOTES.md": "Notes that version 2 drops.\n",
        },
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "--all")
    git(root, "commit", "-q", "-m", "Template 1.0.0")
    return root


def move_to_v2(root: Path) -> Path:
    """Version 2.0.0: app.py and settings.toml changed, CI.md added, OLD_NOTES.md deleted, and a
    new question `ci_provider` (default "github") that CI.md uses."""
    build_file_tree(
        root,
        {
            "cookiecutter.json": {
                "project_name": "Demo Project",
                "project_slug": "{{ cookiecutter.project_name|slugify }}",
                "ci_provider": ["github", "gitlab"],
                "_template_version": "2.0.0",
            },
            f"{PROJECT_DIR}/src/app.py": APP_V2,
            f"{PROJECT_DIR}/settings.toml": SETTINGS_V2,
            f"{PROJECT_DIR}/CI.md": "CI runs on {{ cookiecutter.ci_provider }}.\n",
        },
    )
    (root / PROJECT_DIR / "OLD_NOTES.md").unlink()
    git(root, "add", "--all")
    git(root, "commit", "-q", "-m", "Template 2.0.0")
    return root
