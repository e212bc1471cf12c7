"""`http_get`: fetch JSON from an allow-listed host, with a timeout and a size cap.

Redirects are followed by hand so that every hop is checked against the allow-list; the body
is streamed and dropped past `HTTP_MAX_BYTES`, so a huge response cannot fill memory.
"""

from __future__ import annotations

import contextlib
import json
from typing import Annotated, Any
from urllib.parse import urljoin, urlsplit

import httpx
from pydantic import Field

from ..config import DEFAULT_PORTS, Origin, format_origin
from .registry import ToolContext, ToolError, tool

MAX_REDIRECTS = 3


def check_url(url: str, allowed_origins: set[Origin]) -> Origin:
    """Return the origin (scheme, host, port) of `url` if it may be fetched, else raise
    `ToolError`. Scheme, host and port must all match one allow-list entry."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS:
        raise ToolError(f"only http and https URLs are allowed, not {parts.scheme or 'none'!r}")
    host = (parts.hostname or "").lower()
    if not host:
        raise ToolError("the URL has no host")
    if parts.username or parts.password:
        raise ToolError("URLs with credentials are not allowed")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise ToolError("the URL's port is not a number from 0 to 65535") from None
    origin = (parts.scheme, host, port)
    if origin not in allowed_origins:
        allowed = ", ".join(sorted(format_origin(o) for o in allowed_origins)) or "(none)"
        raise ToolError(
            f"{format_origin(origin)} is not in the allow-list (HTTP_ALLOWED_HOSTS: {allowed}); "
            "an entry is scheme://host[:port] and allows that port only"
        )
    return origin


def fetch(
    client: httpx.Client, url: str, allowed_origins: set[Origin], max_bytes: int, timeout_s: float
) -> dict[str, Any]:
    for _ in range(MAX_REDIRECTS + 1):
        check_url(url, allowed_origins)
        try:
            with client.stream(
                "GET",
                url,
                timeout=timeout_s,
                follow_redirects=False,
                headers={"Accept": "application/json"},
            ) as response:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                declared = int(response.headers.get("content-length") or 0)
                if declared > max_bytes:
                    raise ToolError(f"response is {declared} bytes, over the {max_bytes}-byte cap")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise ToolError(f"response exceeds the {max_bytes}-byte cap")
                return _result(response, bytes(body), url)
        except httpx.TimeoutException:
            raise ToolError(f"request timed out after {timeout_s:g}s") from None
        except httpx.HTTPError as exc:
            raise ToolError(f"request failed: {exc}") from None
    raise ToolError(f"more than {MAX_REDIRECTS} redirects")


def _result(response: httpx.Response, body: bytes, url: str) -> dict[str, Any]:
    content_type = response.headers.get("content-type", "")
    result: dict[str, Any] = {
        "url": url,
        "status": response.status_code,
        "content_type": content_type,
    }
    text = body.decode(response.encoding or "utf-8", errors="replace")
    if "json" in content_type:
        try:
            result["json"] = json.loads(text)
            return result
        except ValueError:
            pass
    result["text"] = text[:4_000]
    return result


@tool(sensitive="sends a request to another server, and a URL can carry data out")
def http_get(
    url: Annotated[
        str,
        Field(
            description="Full http(s) URL of a JSON API on an allowed host",
            min_length=8,
            max_length=2_000,
        ),
    ],
    ctx: ToolContext,
) -> dict[str, Any]:
    """GET a JSON API. Only origins (scheme, host and port) in the configured allow-list can be
    reached; the response is returned as parsed JSON (or text) with its status code."""
    settings = ctx.settings
    with contextlib.ExitStack() as stack:
        client = ctx.http_client or stack.enter_context(httpx.Client())
        return fetch(
            client, url, settings.allowed_origins, settings.http_max_bytes, settings.http_timeout_s
        )
