"""A real git repository per test, registered in a real (temp) portfolio, and checked by the
real engine: tests write files, commit, and read the report a user would see."""

from __future__ import annotations

import os
import subprocess
import textwrap
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from scaffolder.core.readiness import CheckResult, Report, check_project
from scaffolder.core.store import Store

# A README that passes every README check that depends only on its text.
GOOD_README = """\
# Docs Q&A

Answers questions over your documents, with citations.

[Live demo](https://docs-qa.example.org) · [Read the write-up](WRITEUP.md)

![Demo](docs/demo.gif)

## Architecture

```mermaid
flowchart LR
  ingest --> index --> answer
```

## Quick start

```bash
pip install -e ".[test]"
python -m docs_qa serve
```

## Usage

```console
$ curl localhost:8000/ask -d '{"q": "What is RAG?"}'
```

## Evaluation

| metric | score |
|--------|-------|
| recall@5 | 0.92 |

## License

MIT, see [LICENSE](LICENSE).
"""

WRITEUP = (
    "# Building Docs Q&A\n\n## Problem\n\n"
    + "People lose hours searching internal documents for answers they already wrote down. " * 8
    + "\n\n## Approach\n\n"
    + "I index every document with keyword and vector search and answer with quoted passages. " * 8
    + "\n\n## Results\n\n"
    + "On a golden set of fifty questions the answers cite the right passage most of the time. " * 8
    + "\n\n## What I learned\n\n"
    + "Evaluation first saved me from tuning the wrong thing, and chunk size mattered most. " * 8
    + "\n"
)

# Every file the automatic checks look for, with content that passes.
COMPLETE_PROJECT = {
    "README.md": GOOD_README,
    "WRITEUP.md": WRITEUP,
    "LICENSE": "MIT License\n",
    "docs/demo.gif": b"GIF89a\x01\x00\x01\x00",
    "Dockerfile": "FROM python:3.12-slim\n",
    "render.yaml": "services: []\n",
    ".github/workflows/ci.yml": "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
    "tests/test_app.py": "def test_ok():\n    assert True\n",
    ".env.example": "OPENAI_API_KEY=\n",
    ".gitignore": ".env\n",
}


def answer(request: BaseHTTPRequestHandler, status: int, headers: dict[str, str] | None = None) -> None:
    request.send_response(status)
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.send_header("Content-Length", "0")
    request.end_headers()


@contextmanager
def http_site(respond: Callable[[BaseHTTPRequestHandler], None]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 (a free port) that answers each GET with `respond`;
    yields its base URL, ending in "/"."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            respond(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def git(path: Path, *args: str, when: datetime | None = None) -> str:
    env = dict(os.environ)
    if when is not None:
        stamp = when.isoformat()
        env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    done = subprocess.run(["git", "-C", str(path), *args], capture_output=True, text=True, env=env, check=True)
    return done.stdout


@dataclass
class Repo:
    """A project in the portfolio, backed by a real repository in a temp folder."""

    path: Path
    store: Store
    name: str

    def write(self, relative: str, content: str | bytes) -> Repo:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content), encoding="utf-8")
        return self

    def write_all(self, files: dict[str, str | bytes]) -> Repo:
        for relative, content in files.items():
            self.write(relative, content)
        return self

    def commit(self, message: str = "Work", when: datetime | None = None) -> Repo:
        git(self.path, "add", "--all")
        git(self.path, "commit", "--allow-empty", "--quiet", "--no-verify", "-m", message, when=when)
        return self

    def git(self, *args: str) -> str:
        return git(self.path, *args)

    def report(self) -> Report:
        return check_project(self.store, self.name, offline=True)

    def result(self, check_id: str) -> CheckResult:
        return self.report().result(check_id)


def make_repo(tmp_path: Path, store: Store, name: str = "Docs Q&A", kind: str = "rag") -> Repo:
    path = tmp_path / name.lower().replace(" ", "-").replace("&", "and")
    path.mkdir(parents=True)
    git(path, "init", "--quiet", "-b", "main")
    store.add_project(name=name, kind=kind, path=path, template=None, template_version=None, answers={})
    return Repo(path, store, name)


@pytest.fixture
def store(isolated_user: Path) -> Store:
    return Store()


@pytest.fixture
def repo(tmp_path: Path, store: Store) -> Repo:
    return make_repo(tmp_path, store)


@pytest.fixture
def complete_repo(repo: Repo) -> Repo:
    """A project whose files pass every automatic file check, committed once."""
    return repo.write_all(COMPLETE_PROJECT).commit("Initial commit", when=datetime(2026, 1, 5, 10, tzinfo=UTC))
