"""Streaming HTTP for the hosted providers: timeouts, retries with backoff, readable errors."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx

from . import ProviderError

log = logging.getLogger(__name__)
# The statuses worth a retry, the same in every project of this family: timeouts, conflicts,
# "too early", rate limits, server errors and 529, Anthropic's "overloaded".
RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})


class Progress:
    """Set by a provider once it has passed text on: from then on a retry would repeat it."""

    text_sent = False


class HttpProvider:
    """Base for providers that POST a JSON body and read a streamed answer line by line."""

    name = "http"

    def __init__(
        self,
        *,
        model: str,
        base_url: str,
        timeout: float,
        retries: int,
        transport: httpx.AsyncBaseTransport | None = None,
        backoff: float = 0.5,
    ) -> None:
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.transport = transport
        self.backoff = backoff

    def headers(self) -> dict[str, str]:
        return {}

    async def lines(
        self, path: str, body: dict[str, Any], progress: Progress
    ) -> AsyncIterator[str]:
        """POST and yield response lines. Retries only until the provider has passed the first
        text on (`progress`): after that a retry would repeat what the reader already has, so
        the error is final."""
        timeout = httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0))
        async with httpx.AsyncClient(timeout=timeout, transport=self.transport) as client:
            for attempt in range(self.retries + 1):
                last = attempt == self.retries or progress.text_sent
                try:
                    async with client.stream(
                        "POST", self.base_url + path, json=body, headers=self.headers()
                    ) as response:
                        if response.status_code >= 400:
                            if response.status_code in RETRY_STATUS and not last:
                                await self._wait(attempt, f"HTTP {response.status_code}")
                                continue
                            await response.aread()
                            raise ProviderError(self._status_message(response))
                        async for line in response.aiter_lines():
                            if line:
                                yield line
                        return
                except httpx.TimeoutException as exc:
                    if progress.text_sent or attempt == self.retries:
                        raise ProviderError(
                            f"{self.name} did not answer within {self.timeout:g} seconds. "
                            "Try again in a moment."
                        ) from exc
                    await self._wait(attempt, "timeout")
                except httpx.TransportError as exc:
                    if progress.text_sent:
                        raise ProviderError(
                            f"the connection to {self.name} dropped mid-answer."
                        ) from exc
                    if attempt == self.retries:
                        raise ProviderError(
                            f"Could not reach {self.name} at {self.base_url}. "
                            "Check the URL and your connection."
                        ) from exc
                    await self._wait(attempt, type(exc).__name__)

    async def _wait(self, attempt: int, reason: str) -> None:
        delay = self.backoff * 2**attempt
        log.warning(
            "provider retry",
            extra={
                "provider": self.name,
                "reason": reason,
                "attempt": attempt + 1,
                "delay_s": delay,
            },
        )
        await asyncio.sleep(delay)

    def _status_message(self, response: httpx.Response) -> str:
        if response.status_code in (401, 403):
            return f"{self.name} rejected the API key (HTTP {response.status_code})."
        detail = ""
        try:
            payload = response.json()
            error = payload.get("error", payload)
            detail = error.get("message", "") if isinstance(error, dict) else str(error)
        except (ValueError, AttributeError):
            detail = response.text[:200]
        return f"{self.name} answered HTTP {response.status_code}: {detail}".rstrip(": ")


def sse_data(line: str) -> dict[str, Any] | None:
    """The JSON payload of one server-sent-events `data:` line (None for other lines)."""
    if not line.startswith("data:"):
        return None
    payload = line[5:].strip()
    if not payload or payload == "[DONE]":
        return None
    try:
        return json.loads(payload)
    except ValueError as exc:
        raise ProviderError("The provider sent a malformed stream.") from exc
