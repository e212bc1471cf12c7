"""HTTP probes against a real server on 127.0.0.1: an answer, an error, a redirect, one too slow
for the timeout, and a port nobody listens on."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from scaffolder.core.readiness import Result, check_project
from scaffolder.core.readiness.probe import answered, probe_all, probe_url
from tests.unit.core.readiness.conftest import Repo, answer, http_site

TIMEOUT = 0.5


class Site:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def site() -> Iterator[Site]:
    """/ answers 200, /error 500, /moved 301, and /slow… only when the test is over."""
    release = threading.Event()

    def respond(request: BaseHTTPRequestHandler) -> None:
        if request.path.startswith("/slow"):
            release.wait(10)  # far beyond the probe timeout
        if request.path.startswith("/trickle"):  # each header in time for the socket timeout, all of them too late
            request.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for i in range(4 if request.path == "/trickle" else 400):
                request.wfile.flush()
                release.wait(TIMEOUT / 2)
                request.wfile.write(f"X-Part: {i}\r\n".encode())
            request.wfile.write(b"Content-Length: 0\r\n\r\n")
            return
        if request.path == "/moved":
            answer(request, 301, {"Location": "/elsewhere"})
        else:
            answer(request, 500 if request.path == "/error" else 200)

    with http_site(respond) as base:
        yield Site(base)
        release.set()


@pytest.fixture
def refused_url() -> str:
    """A port that was free a moment ago and has nobody listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def test_a_site_that_answers(site: Site) -> None:
    probe = probe_url(site.url("/"), TIMEOUT)
    assert (probe.status, probe.error) == (200, None)
    assert probe.latency_ms is not None and probe.latency_ms < TIMEOUT * 1000
    assert answered(probe)


def test_a_server_error_is_recorded_as_it_came(site: Site) -> None:
    probe = probe_url(site.url("/error"), TIMEOUT)
    assert probe.status == 500
    assert not answered(probe)


def test_a_redirect_is_an_answer_and_is_not_followed(site: Site) -> None:
    probe = probe_url(site.url("/moved"), TIMEOUT)
    assert probe.status == 301
    assert answered(probe)


def test_a_slow_site_times_out(site: Site) -> None:
    started = time.perf_counter()
    probe = probe_url(site.url("/slow"), TIMEOUT)
    assert (probe.status, probe.error) == (None, "no answer within 0.5 s")
    assert time.perf_counter() - started < TIMEOUT * 4
    assert not answered(probe)


def test_a_site_that_trickles_its_answer_past_the_limit_has_not_answered(site: Site) -> None:
    probe = probe_url(site.url("/trickle"), TIMEOUT)
    assert (probe.status, probe.error) == (None, "no complete answer within 0.5 s")
    assert not answered(probe)


def test_a_site_that_trickles_forever_is_given_up_on_at_the_deadline(site: Site) -> None:
    """A header every quarter of the limit, for 100 limits: the socket timeout never fires, the
    one deadline for the whole probe does."""
    started = time.perf_counter()
    probe = probe_url(site.url("/trickle-forever"), TIMEOUT)
    elapsed = time.perf_counter() - started
    assert (probe.status, probe.error) == (None, "no complete answer within 0.5 s")
    assert elapsed < TIMEOUT * 3


def test_a_refused_connection(refused_url: str) -> None:
    probe = probe_url(refused_url, TIMEOUT)
    assert (probe.status, probe.error) == (None, "connection refused")


def test_probes_run_concurrently(site: Site, refused_url: str) -> None:
    slow = [site.url(f"/slow?{i}") for i in range(4)]
    started = time.perf_counter()
    probes = probe_all([*slow, site.url("/"), refused_url, site.url("/")], TIMEOUT)
    elapsed = time.perf_counter() - started
    assert elapsed < TIMEOUT * 3, "four slow probes one after another would take four timeouts"
    assert [probes[u].error for u in slow] == ["no answer within 0.5 s"] * 4
    assert probes[site.url("/")].status == 200
    assert len(probes) == 6  # the duplicate URL is probed once


def test_status_probes_the_urls_and_the_store_remembers_them(complete_repo: Repo, site: Site) -> None:
    store, name = complete_repo.store, complete_repo.name
    store.set_live_url(name, site.url("/"))
    store.set_writeup_url(name, site.url("/error"))

    report = check_project(store, name, timeout=TIMEOUT)
    live, published = report.result("live-url-answers"), report.result("writeup-published")
    assert live.result is Result.PASSED
    assert live.evidence.startswith(f"{site.url('/')} answered HTTP 200 in ")
    assert published.result is Result.FAILED
    assert published.evidence.startswith(f"{site.url('/error')} answered HTTP 500")

    recorded = store.probes(store.get(name).id)
    assert {url: p.status for url, p in recorded.items()} == {site.url("/"): 200, site.url("/error"): 500}

    offline = check_project(store, name, offline=True)  # no new probe: the last one, with its time
    assert offline.result("live-url-answers").evidence == live.evidence
    assert offline.result("live-url-answers").result is Result.PASSED


def test_a_down_live_url_fails_the_check_with_the_error(complete_repo: Repo, refused_url: str) -> None:
    complete_repo.store.set_live_url(complete_repo.name, refused_url)
    result = check_project(complete_repo.store, complete_repo.name, timeout=TIMEOUT).result("live-url-answers")
    assert result.result is Result.FAILED
    assert result.evidence.startswith(f"{refused_url}: connection refused (probed ")
    assert "logs" in result.fix
