"""Test helpers: settings for a temporary database, and a visitor with a cookie jar."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.settings import Settings

MakeApp = Callable[..., FastAPI]  # the `make_app` fixture
PASSWORD = "correct horse battery"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "app_env": "development",
        "secret_key": "test-secret-key-that-is-long-enough-to-pass",
        "database_url": f"sqlite:///{(tmp_path / 'test.db').as_posix()}",
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

    def csrf(self, page: str = "/login") -> str:
        found = CSRF_INPUT.search(self.client.get(page).text)
        assert found, f"no CSRF field on {page}"
        return found.group(1)

    def post(self, url: str, data: dict[str, str] | None = None, *, page: str = "/login",
             headers: dict[str, str] | None = None, follow: bool = False) -> httpx.Response:
        form = {"csrf_token": self.csrf(page), **(data or {})}
        return self.client.post(url, data=form, headers=headers, follow_redirects=follow)

    def sign_up(self, email: str, password: str = PASSWORD) -> httpx.Response:
        response = self.post("/signup", {"email": email, "password": password,
                                         "password_confirm": password}, page="/signup")
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
