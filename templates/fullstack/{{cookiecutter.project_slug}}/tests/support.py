"""Test helpers: settings for a temporary database, and a visitor with a cookie jar."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.providers import ChatMessage, Usage

MakeApp = Callable[..., FastAPI]  # the `make_app` fixture
PASSWORD = "correct horse battery"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def database_url(tmp_path: Path) -> str:
    """SQLite in `tmp_path`, or the PostgreSQL of TEST_DATABASE_URL (reset by conftest.py)."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{(tmp_path / 'test.db').as_posix()}"


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "app_env": "development",
        "secret_key": "test-secret-key-that-is-long-enough-to-pass",
        "database_url": database_url(tmp_path),
        "llm_provider": "offline",
        "offline_token_delay": 0,
        "log_format": "text",
        "openai_api_key": "",
        "anthropic_api_key": "",
        "github_client_id": "",
        "github_client_secret": "",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


class Visitor:
    """A browser stand-in: keeps cookies, reads the CSRF token from pages like a form would."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def __enter__(self) -> Visitor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.client.close()

    def csrf(self, page: str = "/login") -> str:
        found = CSRF_INPUT.search(self.client.get(page).text)
        assert found, f"no CSRF field on {page}"
        return found.group(1)

    def post(
        self,
        url: str,
        data: dict[str, str] | None = None,
        *,
        page: str = "/login",
        headers: dict[str, str] | None = None,
        follow: bool = False,
    ) -> httpx.Response:
        form = {"csrf_token": self.csrf(page), **(data or {})}
        return self.client.post(url, data=form, headers=headers, follow_redirects=follow)

    def sign_up(self, email: str, password: str = PASSWORD) -> httpx.Response:
        response = self.post(
            "/signup",
            {"email": email, "password": password, "password_confirm": password},
            page="/signup",
        )
        assert response.status_code == 303, response.text
        return response

    def log_in(self, email: str, password: str = PASSWORD) -> httpx.Response:
        return self.post("/login", {"email": email, "password": password})

    def start_conversation(self, prompt: str) -> int:
        response = self.post("/app/conversations", {"prompt": prompt}, page="/app")
        assert response.status_code == 303, response.text
        return int(response.headers["location"].rsplit("/", 1)[1])

    def stream(self, url: str) -> list[tuple[str, str]]:
        """GET a server-sent-events URL; return its (event, data) pairs in order."""
        events = []
        with self.client.stream("GET", url) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            event = ""
            for line in response.iter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    events.append((event, line[6:]))
        return events


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn on 127.0.0.1 (a real socket) in a thread; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_config=None, lifespan="on", proxy_headers=False
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def live_visitor(base_url: str) -> Visitor:
    return Visitor(httpx.Client(base_url=base_url, timeout=30))  # type: ignore[arg-type]


class ScriptedModel:
    """A stand-in language model: a fixed answer of `length` words, honouring `max_tokens`,
    reporting usage like a provider does (or not at all, as some do). Counts its calls."""

    name, model = "Scripted", "test"

    def __init__(self, length: int = 40, delay: float = 0.0, report_usage: bool = True) -> None:
        self.length = length
        self.delay = delay
        self.report_usage = report_usage
        self.calls = 0

    async def stream(
        self, messages: Sequence[ChatMessage], max_tokens: int
    ) -> AsyncIterator[str | Usage]:
        self.calls += 1
        words = min(self.length, max_tokens)
        for i in range(words):
            if self.delay:
                await asyncio.sleep(self.delay)
            yield f"word{i} "
        yield Usage(10, words) if self.report_usage else Usage(0, 0)


@contextmanager
def serve_command(
    folder: Path, url: str, **environment: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`python -m {{ cookiecutter.package_name }} serve` as a real process (what the Dockerfile runs)."""
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": url,
        "LLM_PROVIDER": "offline",
        "LOG_FORMAT": "text",
        **environment,
    }
    with (folder / "server.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "{{ cookiecutter.package_name }}", "serve", "--port", str(port)],
            cwd=folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "server.log").read_text())
            time.sleep(0.1)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=10)
