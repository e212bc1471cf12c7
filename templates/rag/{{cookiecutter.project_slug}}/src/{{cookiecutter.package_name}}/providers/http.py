"""One way to call a provider over HTTP: a timeout, and retries with exponential backoff."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any

import httpx

log = logging.getLogger(__name__)

# The statuses worth a retry, the same in every project of this family: timeouts, conflicts,
# "too early", rate limits, server errors and 529, Anthropic's "overloaded".
RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})


class ProviderError(RuntimeError):
    """A provider call failed for good (after retries, or a 4xx that retrying cannot fix)."""


def post_json(
    client: httpx.Client,
    url: str,
    payload: dict[str, Any],
    headers: dict[str, str] | None = None,
    max_retries: int = 3,
    backoff: float = 0.5,
    sleep: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """POST JSON and return the JSON answer, retrying transient failures.

    Retries on connection errors, timeouts, 429 and 5xx, waiting backoff * 2**attempt (plus
    jitter) or the server's Retry-After, whichever is longer.
    """
    attempt = 0
    while True:
        try:
            response = client.post(url, json=payload, headers=headers)
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            if attempt >= max_retries:
                raise ProviderError(f"{url}: {type(exc).__name__}: {exc}") from exc
            wait = backoff * 2**attempt
        else:
            if response.status_code < 400:
                try:
                    return response.json()
                except ValueError as exc:
                    raise ProviderError(f"{url}: answer is not JSON") from exc
            if response.status_code not in RETRY_STATUS or attempt >= max_retries:
                raise ProviderError(f"{url}: HTTP {response.status_code}: {response.text[:300]}")
            wait = backoff * 2**attempt
            retry_after = response.headers.get("retry-after", "")
            if retry_after.replace(".", "", 1).isdigit():
                wait = max(wait, min(float(retry_after), 60.0))
        wait += random.uniform(0, backoff / 4)
        log.warning(
            "provider call failed, retrying",
            extra={"url": url, "attempt": attempt + 1, "wait_s": round(wait, 2)},
        )
        (sleep or time.sleep)(wait)
        attempt += 1
