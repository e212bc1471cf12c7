"""Fixtures for publishing and deploying: a real project repository in the portfolio, a fake
GitHub on 127.0.0.1, and a credential store that lives in memory (the OS one is never touched)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from scaffolder.core.store import Project, Store
from tests.helpers.fake_github import FakeGitHub, fake_github

TOKEN = "ghp_TestToken0123456789abcdefghijklmnopqrs"

PLACEHOLDER_README = """\
# Docs Q&A

[![CI](https://github.com/your-github-username/docs-qa/actions/workflows/ci.yml/badge.svg)](https://github.com/your-github-username/docs-qa/actions/workflows/ci.yml)

Answers questions over your documents, with citations.

Clone it: git clone https://github.com/your-github-username/docs-qa
"""

PLACEHOLDER_PYPROJECT = """\
[project]
name = "docs-qa"

[project.urls]
Repository = "https://github.com/your-github-username/docs-qa"
"""


class MemoryKeyring(KeyringBackend):
    """A credential store in memory: what the app keeps there can be looked at, and no file is written."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


class RecordingKeyring(KeyringBackend):
    """For a test that runs the app in another process (PYTHON_KEYRING_BACKEND names this class):
    what it keeps goes to $RECORDING_KEYRING_FILE, in the test's own temporary folder, so the test
    can look. The real credential store is never touched."""

    priority = 1  # type: ignore[assignment]

    def _load(self) -> dict[str, str]:
        path = Path(os.environ["RECORDING_KEYRING_FILE"])
        return dict(json.loads(path.read_text())) if path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service} {username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        kept = self._load()
        kept[f"{service} {username}"] = password
        Path(os.environ["RECORDING_KEYRING_FILE"]).write_text(json.dumps(kept))

    def delete_password(self, service: str, username: str) -> None:
        kept = self._load()
        if kept.pop(f"{service} {username}", None) is None:
            raise PasswordDeleteError("no such password")
        Path(os.environ["RECORDING_KEYRING_FILE"]).write_text(json.dumps(kept))


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    for var in ("GITHUB_TOKEN", "GH_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def github(tmp_path: Path) -> Iterator[FakeGitHub]:
    with fake_github(TOKEN, tmp_path / "github-server") as fake:
        yield fake


def git(path: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=path, capture_output=True, text=True, check=True).stdout.strip()


def make_project(store: Store, folder: Path, kind: str = "rag", name: str = "Docs Q&A", **answers: Any) -> Project:
    """A real repository on main with two commits and a README naming the placeholder account."""
    folder.mkdir(parents=True)
    git(folder, "init", "--quiet", "-b", "main")
    (folder / "README.md").write_text(PLACEHOLDER_README, encoding="utf-8")
    (folder / "pyproject.toml").write_text(PLACEHOLDER_PYPROJECT, encoding="utf-8")
    git(folder, "add", "README.md", "pyproject.toml")
    git(folder, "commit", "--quiet", "-m", "first")
    (folder / "app.py").write_text("print('hello')\n", encoding="utf-8")
    git(folder, "add", "app.py")
    git(folder, "commit", "--quiet", "-m", "second")
    return store.add_project(
        name=name,
        kind=kind,
        path=folder,
        template=kind,
        template_version="1.0.0",
        answers={"project_slug": "docs-qa", "description": "Answers questions over your documents.", **answers},
    )


def files_containing(secret: str, *roots: Path) -> list[Path]:
    """Every file under `roots` whose bytes contain `secret`."""
    needle = secret.encode()
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                try:
                    if needle in path.read_bytes():
                        found.append(path)
                except OSError:
                    continue
    return found
