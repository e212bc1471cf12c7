"""`http_get` against a real HTTP server on 127.0.0.1: allow-list, redirects, size cap, timeout."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from {{ cookiecutter.package_name }}.agent import Agent
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.providers.offline import OfflinePlanner
from {{ cookiecutter.package_name }}.tools import ToolContext, ToolError, registry


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/rates":
            self._send(200, json.dumps({"base": "EUR", "rates": {"USD": 1.08}}).encode())
        elif self.path == "/big":
            self._send(200, b'"' + b"x" * 50_000 + b'"')
        elif self.path == "/slow":
            time.sleep(1.5)
            self._send(200, b"{}")
        elif self.path == "/hop":
            self.send_response(302)
            self.send_header("Location", "/rates")
            self.end_headers()
        elif self.path == "/escape":
            self.send_response(302)
            self.send_header("Location", "http://example.com/steal")
            self.end_headers()
        else:
            self._send(404, b'{"error": "not found"}')

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def get(settings: Settings, url: str):
    return registry.get("http_get").call({"url": url}, ToolContext(settings))


@pytest.fixture
def allowed(tmp_path) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path,
        http_allowed_hosts="127.0.0.1",
        http_timeout_s=0.5,
        http_max_bytes=10_000,
    )


def test_fetches_json_from_an_allowed_host(allowed: Settings, server: str) -> None:
    result = get(allowed, f"http://{server}/rates")
    assert result["status"] == 200
    assert result["json"] == {"base": "EUR", "rates": {"USD": 1.08}}


def test_refuses_a_host_outside_the_allow_list(allowed: Settings, server: str) -> None:
    port = server.split(":")[1]
    # The same server under another name: refused before any connection is made.
    with pytest.raises(ToolError, match="'localhost' is not in the allow-list"):
        get(allowed, f"http://localhost:{port}/rates")


def test_checks_every_redirect_hop(allowed: Settings, server: str) -> None:
    assert get(allowed, f"http://{server}/hop")["json"]["base"] == "EUR"
    with pytest.raises(ToolError, match=r"'example\.com' is not in the allow-list"):
        get(allowed, f"http://{server}/escape")


def test_size_cap(allowed: Settings, server: str) -> None:
    with pytest.raises(ToolError, match="10000-byte cap"):
        get(allowed, f"http://{server}/big")


def test_timeout(allowed: Settings, server: str) -> None:
    started = time.monotonic()
    with pytest.raises(ToolError, match="timed out"):
        get(allowed, f"http://{server}/slow")
    assert time.monotonic() - started < 1.4


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "http://u:p@127.0.0.1/"]
)
def test_refuses_other_schemes_and_credentials(allowed: Settings, url: str) -> None:
    with pytest.raises(ToolError):
        get(allowed, url)


def test_default_allow_list_does_not_include_loopback(settings: Settings) -> None:
    assert "127.0.0.1" not in settings.allowed_hosts
    assert "localhost" not in settings.allowed_hosts


def test_offline_planner_fetches_a_url_through_the_loop(allowed: Settings, server: str) -> None:
    result = Agent(OfflinePlanner(), allowed).run(f"What does http://{server}/rates return?")
    assert [c["name"] for c in result.tool_calls] == ["http_get"]
    assert "answered HTTP 200" in result.answer and '"USD": 1.08' in result.answer
