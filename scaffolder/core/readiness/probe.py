"""HTTP probes of the live and write-up URLs: one GET each, concurrently, with one deadline each.

Redirects are not followed: a 3xx is an answer (a live site often redirects `/` to a login or
a docs page), and following it could leave the host the user recorded. Only the status line
and headers are read. The standard library is enough here; no HTTP client dependency.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scaffolder import __version__
from scaffolder.core.store import Probe

PROBE_TIMEOUT_S = 5.0
_MAX_PARALLEL_PROBES = 16


if TYPE_CHECKING:
    import urllib.request


class _Deadline:
    """One limit for the whole probe: connect, TLS, status line and headers. A socket's own
    timeout is per read, so a server that trickles a byte every second would hold the probe
    forever; when the deadline passes, every socket of the probe is shut down, which ends the
    read that is waiting, whichever it is."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def track(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    """urllib (proxies from the environment, TLS as usual), with connections whose sockets the
    deadline can shut; urllib is imported on first use: `status --offline` never pays for it."""
    import http.client
    import urllib.request

    def tracked(create: Any) -> Any:
        return lambda *args, **kwargs: deadline.track(create(*args, **kwargs))

    class Connection(http.client.HTTPConnection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = tracked(socket.create_connection)

    class TLSConnection(http.client.HTTPSConnection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = tracked(socket.create_connection)

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(Connection, req)

    class TLSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(TLSConnection, req, context=self._context)  # type: ignore[attr-defined]

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None  # urllib then raises HTTPError carrying the 3xx status

    return urllib.request.build_opener(NoRedirect, Handler, TLSHandler)


def answered(probe: Probe | None) -> bool:
    """A 2xx or 3xx status: the URL is up."""
    return probe is not None and probe.status is not None and 200 <= probe.status < 400


def describe(probe: Probe) -> str:
    """One line of evidence: status and latency, or the error, and when."""
    when = probe.probed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if probe.status is not None:
        latency = f" in {probe.latency_ms:.0f} ms" if probe.latency_ms is not None else ""
        return f"{probe.url} answered HTTP {probe.status}{latency} (probed {when})"
    return f"{probe.url}: {probe.error or 'no answer'} (probed {when})"


def probe_url(url: str, timeout: float = PROBE_TIMEOUT_S) -> Probe:
    """GET `url` once; never raises. A status outside 2xx/3xx is recorded as it came."""
    import http.client
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url, headers={"User-Agent": f"ai-portfolio-scaffolder/{__version__} (readiness check)"}
    )
    started = time.perf_counter()
    status: int | None = None
    error: str | None = None
    with _Deadline(timeout) as deadline:
        try:
            with _opener(deadline).open(request, timeout=timeout) as response:
                status = int(response.status)
        except urllib.error.HTTPError as err:
            status = int(err.code)
            err.close()
        except urllib.error.URLError as err:
            error = _reason(err.reason, timeout)
        except TimeoutError:
            error = f"no answer within {timeout:g} s"
        except (OSError, http.client.HTTPException, ValueError) as err:
            error = _reason(err, timeout)
    if deadline.expired:  # the sockets were shut: a status that came is only part of an answer
        partly = status is not None
        status, error = None, f"no {'complete ' if partly else ''}answer within {timeout:g} s"
    latency = (time.perf_counter() - started) * 1000
    if status is not None and latency > timeout * 1000:  # the socket timeout is per read: a trickle can outlast it
        status, error = None, f"answered HTTP {status} only after {latency / 1000:.1f} s (limit {timeout:g} s)"
    return Probe(url, status, round(latency, 1) if status is not None else None, error, datetime.now(UTC))


def _reason(reason: object, timeout: float) -> str:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "host name not found"
    return str(reason) or type(reason).__name__


def probe_all(urls: Iterable[str], timeout: float = PROBE_TIMEOUT_S) -> dict[str, Probe]:
    """Probe each distinct URL concurrently; the whole batch takes about one timeout at most."""
    distinct = list(dict.fromkeys(urls))
    if not distinct:
        return {}
    with ThreadPoolExecutor(max_workers=min(_MAX_PARALLEL_PROBES, len(distinct))) as pool:
        return dict(zip(distinct, pool.map(lambda u: probe_url(u, timeout), distinct), strict=True))
