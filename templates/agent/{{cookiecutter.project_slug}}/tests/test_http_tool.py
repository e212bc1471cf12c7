"""`http_get` against real HTTP servers on 127.0.0.1: allow-list (scheme, host and port),
redirects, size cap, timeout."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
from pydantic import ValidationError

from fake_apis import JsonHandler
from {{ cookiecutter.package_name }}.agent import Agent
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.providers.offline import OfflinePlanner
from {{ cookiecutter.package_name }}.tools import ToolContext, ToolError, registry


class Handler(JsonHandler):
    hits: list[str]  # set per server: the paths it was asked for

    def do_GET(self) -> None:
        self.hits.append(self.path)
        if self.path == "/rates":
            self.send_json(200, json.dumps({"base": "EUR", "rates": {"USD": 1.08}}).encode())
        elif self.path == "/big":
            self.send_json(200, b'"' + b"x" * 50_000 + b'"')
        elif self.path == "/slow":
            time.sleep(1.5)
            self.send_json(200, b"{}")
        elif self.path == "/hop":
            self.send_response(302)
            self.send_header("Location", "/rates")
            self.end_headers()
        elif self.path == "/escape":
            self.send_response(302)
            self.send_header("Location", "http://example.com/steal")
            self.end_headers()
        elif self.path.startswith("/to-port/"):
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.path.split('/')[2]}/rates")
            self.end_headers()
        else:
            self.send_json(404, b'{"error": "not found"}')


class Server(str):
    """`127.0.0.1:<port>` of a running server, with the paths it was asked for."""

    hits: list[str]

    @property
    def port(self) -> int:
        return int(self.rsplit(":", 1)[1])


def start_server() -> tuple[Server, ThreadingHTTPServer]:
    handler = type("RecordingHandler", (Handler,), {"hits": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    address = Server(f"127.0.0.1:{httpd.server_address[1]}")
    address.hits = handler.hits
    return address, httpd


@pytest.fixture
def server() -> Iterator[Server]:
    address, httpd = start_server()
    yield address
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def other_server() -> Iterator[Server]:
    """A second local service on another port: the one the allow-list must not open."""
    address, httpd = start_server()
    yield address
    httpd.shutdown()
    httpd.server_close()


def get(settings: Settings, url: str):
    return registry.get("http_get").call({"url": url}, ToolContext(settings))


@pytest.fixture
def allowed(tmp_path, server: Server) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path,
        http_allowed_hosts=f"http://{server}",
        http_timeout_s=0.5,
        http_max_bytes=10_000,
    )


def test_fetches_json_from_an_allowed_host(allowed: Settings, server: Server) -> None:
    result = get(allowed, f"http://{server}/rates")
    assert result["status"] == 200
    assert result["json"] == {"base": "EUR", "rates": {"USD": 1.08}}


def test_refuses_a_host_outside_the_allow_list(allowed: Settings, server: Server) -> None:
    # The same server under another name: refused before any connection is made.
    with pytest.raises(ToolError, match=r"http://localhost:\d+ is not in the allow-list"):
        get(allowed, f"http://localhost:{server.port}/rates")
    assert server.hits == []


def test_an_allowed_host_does_not_open_its_other_ports(
    allowed: Settings, server: Server, other_server: Server
) -> None:
    # HTTP_ALLOWED_HOSTS names the first service; the second one on the same host stays closed.
    with pytest.raises(ToolError, match=rf"http://{other_server} is not in the allow-list"):
        get(allowed, f"http://{other_server}/rates")
    # ... also when an allowed service redirects there.
    with pytest.raises(ToolError, match=rf"http://{other_server} is not in the allow-list"):
        get(allowed, f"http://{server}/to-port/{other_server.port}")
    assert other_server.hits == []
    assert get(allowed, f"http://{server}/rates")["status"] == 200


def test_a_bare_host_allows_https_on_port_443_only(tmp_path, server: Server) -> None:
    bare = Settings(_env_file=None, data_dir=tmp_path, http_allowed_hosts="127.0.0.1")
    assert bare.allowed_origins == {("https", "127.0.0.1", 443)}
    with pytest.raises(ToolError, match="is not in the allow-list"):
        get(bare, f"http://{server}/rates")
    other_scheme = Settings(
        _env_file=None, data_dir=tmp_path, http_allowed_hosts=f"https://{server}"
    )
    with pytest.raises(ToolError, match="is not in the allow-list"):
        get(other_scheme, f"http://{server}/rates")
    assert server.hits == []


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("ftp://files.example.com", "scheme must be http or https"),
        ("https://api.example.com/v1", "no path"),
        ("http://127.0.0.1:99999", "port"),
        ("https://user:pw@api.example.com", "credentials"),
    ],
)
def test_a_bad_allow_list_entry_is_named_in_a_sentence(entry: str, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem) as caught:
        Settings(_env_file=None, http_allowed_hosts=f"https://api.github.com,{entry}")
    assert repr(entry) in str(caught.value)


def test_checks_every_redirect_hop(allowed: Settings, server: Server) -> None:
    assert get(allowed, f"http://{server}/hop")["json"]["base"] == "EUR"
    with pytest.raises(ToolError, match=r"http://example\.com is not in the allow-list"):
        get(allowed, f"http://{server}/escape")


def test_size_cap(allowed: Settings, server: Server) -> None:
    with pytest.raises(ToolError, match="10000-byte cap"):
        get(allowed, f"http://{server}/big")


def test_timeout(allowed: Settings, server: Server) -> None:
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
    hosts = {host for _, host, _ in settings.allowed_origins}
    assert hosts == {"api.frankfurter.dev", "api.open-meteo.com", "api.github.com"}
    assert {(scheme, port) for scheme, _, port in settings.allowed_origins} == {("https", 443)}


def test_offline_planner_fetches_a_url_through_the_loop(allowed: Settings, server: Server) -> None:
    result = Agent(OfflinePlanner(), allowed).run(f"What does http://{server}/rates return?")
    assert [c["name"] for c in result.tool_calls] == ["http_get"]
    assert "answered HTTP 200" in result.answer and '"USD": 1.08' in result.answer
