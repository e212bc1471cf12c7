"""LLM providers behind one small interface, chosen by LLM_PROVIDER at run time.

offline    no model: the answerer quotes the retrieved passages (see answer.py)
openai     Chat Completions API (OPENAI_API_KEY; OPENAI_BASE_URL for compatible servers: a
           local one such as llama.cpp, vLLM or LM Studio needs no key and gets no
           Authorization header)
anthropic  Messages API (ANTHROPIC_API_KEY), with the headers and API version of the current
           `anthropic` SDK

A provider that is chosen but cannot work (no key for the hosted API) is a ConfigError with
the fix, never a quiet switch to offline answers: only LLM_PROVIDER=offline answers offline.
ollama     a local Ollama server (OLLAMA_HOST)

Every call has a timeout and retries with backoff (http.py); usage and cost are reported
when the provider returns token counts.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import httpx

from ..config import ConfigError, Settings
from .http import RETRY_STATUS, ProviderError, post_json

log = logging.getLogger(__name__)

# USD per million tokens (input, output). Unknown models report tokens but no cost.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "claude-haiku-4-5": (1.00, 5.00),
    "claude-sonnet-4-5": (3.00, 15.00),
}
OPENAI_API_URL = "https://api.openai.com/v1"
# What anthropic-sdk-python 2.14.0 (PyPI) sends: `anthropic-version` from its _constants.py
# and the key as a bearer token (Anthropic.auth_headers). Update both together.
ANTHROPIC_API_VERSION = "2026-10-21"
DEFAULT_MODELS = {
    "openai": "gpt-4o-mini",
    "anthropic": "claude-haiku-4-5",
    "ollama": "llama3.2",
}


@dataclass
class Usage:
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None

    @classmethod
    def priced(
        cls, model: str, input_tokens: int, output_tokens: int, local: bool = False
    ) -> Usage:
        price = (0.0, 0.0) if local else PRICES.get(model)
        cost = None
        if price is not None:
            cost = round((input_tokens * price[0] + output_tokens * price[1]) / 1_000_000, 8)
        return cls(model, input_tokens, output_tokens, cost)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Completion:
    text: str
    usage: Usage | None


class LLM(Protocol):
    name: str

    def complete(self, system: str, user: str) -> Completion: ...

    def stream(self, system: str, user: str) -> Iterator[str | Completion]:
        """Yield text pieces as they arrive, then one final Completion (full text, usage)."""
        ...


def is_hosted_openai(settings: Settings) -> bool:
    return settings.openai_base_url.rstrip("/") == OPENAI_API_URL


def openai_headers(settings: Settings) -> dict[str, str]:
    """The bearer key when there is one; a local compatible server gets no Authorization."""
    if not settings.openai_api_key:
        return {}
    return {"Authorization": f"Bearer {settings.openai_api_key}"}


def check_openai_key(settings: Settings, variable: str) -> None:
    if not settings.openai_api_key and is_hosted_openai(settings):
        raise ConfigError(
            f"{variable}=openai needs OPENAI_API_KEY for api.openai.com: set it, or point "
            "OPENAI_BASE_URL at a local OpenAI-compatible server (no key needed), or choose "
            f"{variable}={'offline' if variable == 'LLM_PROVIDER' else 'wordllama'}."
        )


class _HTTPProvider:
    provider = ""

    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self.model = settings.llm_model or DEFAULT_MODELS[self.provider]
        self.name = f"{self.provider}:{self.model}"
        self.client = client or httpx.Client(timeout=settings.request_timeout)

    def _post(self, url: str, payload: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        return post_json(self.client, url, payload, headers, max_retries=self.settings.max_retries)

    def _stream_lines(
        self, url: str, payload: dict[str, Any], headers: dict[str, str]
    ) -> Iterator[str]:
        """Open a streaming POST (retrying only until the first byte) and yield its lines."""
        attempt = 0
        started = False
        while True:
            try:
                with self.client.stream("POST", url, json=payload, headers=headers) as response:
                    if response.status_code >= 400:
                        response.read()
                        if (
                            response.status_code in RETRY_STATUS
                            and attempt < self.settings.max_retries
                        ):
                            raise _Retry()
                        raise ProviderError(
                            f"{url}: HTTP {response.status_code}: {response.text[:300]}"
                        )
                    for line in response.iter_lines():
                        started = True
                        yield line
                    return
            except (_Retry, httpx.TransportError) as exc:
                if started or attempt >= self.settings.max_retries:
                    raise ProviderError(f"{url}: {exc!r}") from exc
                time.sleep(0.5 * 2**attempt)
                attempt += 1


class _Retry(Exception):
    pass


def _sse_data(lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    for line in lines:
        if line.startswith("data:"):
            data = line[5:].strip()
            if data and data != "[DONE]":
                yield json.loads(data)


class OpenAIChat(_HTTPProvider):
    provider = "openai"

    def _request(self, system: str, user: str) -> tuple[str, dict[str, Any], dict[str, str]]:
        url = f"{self.settings.openai_base_url.rstrip('/')}/chat/completions"
        payload = {
            "model": self.model,
            "temperature": 0,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        }
        return url, payload, openai_headers(self.settings)

    def complete(self, system: str, user: str) -> Completion:
        url, payload, headers = self._request(system, user)
        data = self._post(url, payload, headers)
        usage = data.get("usage") or {}
        return Completion(
            text=data["choices"][0]["message"]["content"] or "",
            usage=Usage.priced(
                self.model, usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)
            ),
        )

    def stream(self, system: str, user: str) -> Iterator[str | Completion]:
        url, payload, headers = self._request(system, user)
        payload |= {"stream": True, "stream_options": {"include_usage": True}}
        parts: list[str] = []
        usage = Usage(self.model)
        for event in _sse_data(self._stream_lines(url, payload, headers)):
            for choice in event.get("choices") or []:
                piece = (choice.get("delta") or {}).get("content")
                if piece:
                    parts.append(piece)
                    yield piece
            if event.get("usage"):
                u = event["usage"]
                usage = Usage.priced(
                    self.model, u.get("prompt_tokens", 0), u.get("completion_tokens", 0)
                )
        yield Completion("".join(parts), usage)


class AnthropicChat(_HTTPProvider):
    provider = "anthropic"

    def _request(self, system: str, user: str) -> tuple[str, dict[str, Any], dict[str, str]]:
        url = f"{self.settings.anthropic_base_url.rstrip('/')}/v1/messages"
        payload = {
            "model": self.model,
            "max_tokens": 1024,
            "temperature": 0,
            "system": system,
            "messages": [{"role": "user", "content": user}],
        }
        headers = {
            "Authorization": f"Bearer {self.settings.anthropic_api_key}",
            "anthropic-version": ANTHROPIC_API_VERSION,
            "Accept": "application/json",
        }
        return url, payload, headers

    def complete(self, system: str, user: str) -> Completion:
        url, payload, headers = self._request(system, user)
        data = self._post(url, payload, headers)
        blocks = data.get("content", [])
        text = "".join(b.get("text", "") for b in blocks if b.get("type") == "text")
        usage = data.get("usage") or {}
        return Completion(
            text,
            Usage.priced(self.model, usage.get("input_tokens", 0), usage.get("output_tokens", 0)),
        )

    def stream(self, system: str, user: str) -> Iterator[str | Completion]:
        url, payload, headers = self._request(system, user)
        payload["stream"] = True
        parts: list[str] = []
        input_tokens = output_tokens = 0
        for event in _sse_data(self._stream_lines(url, payload, headers)):
            kind = event.get("type")
            if kind == "message_start":
                input_tokens = event["message"].get("usage", {}).get("input_tokens", 0)
            elif kind == "content_block_delta":
                piece = event.get("delta", {}).get("text", "")
                if piece:
                    parts.append(piece)
                    yield piece
            elif kind == "message_delta":
                output_tokens = event.get("usage", {}).get("output_tokens", output_tokens)
        yield Completion("".join(parts), Usage.priced(self.model, input_tokens, output_tokens))


class OllamaChat(_HTTPProvider):
    provider = "ollama"

    def _request(self, system: str, user: str, stream: bool) -> tuple[str, dict[str, Any]]:
        url = f"{self.settings.ollama_host.rstrip('/')}/api/chat"
        payload = {
            "model": self.model,
            "stream": stream,
            "options": {"temperature": 0},
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        }
        return url, payload

    def complete(self, system: str, user: str) -> Completion:
        url, payload = self._request(system, user, stream=False)
        data = self._post(url, payload, {})
        return Completion(
            data.get("message", {}).get("content", ""),
            Usage.priced(
                self.model, data.get("prompt_eval_count", 0), data.get("eval_count", 0), local=True
            ),
        )

    def stream(self, system: str, user: str) -> Iterator[str | Completion]:
        url, payload = self._request(system, user, stream=True)
        parts: list[str] = []
        usage = Usage(self.model, cost_usd=0.0)
        for line in self._stream_lines(url, payload, {}):
            if not line.strip():
                continue
            event = json.loads(line)
            piece = event.get("message", {}).get("content", "")
            if piece:
                parts.append(piece)
                yield piece
            if event.get("done"):
                usage = Usage.priced(
                    self.model,
                    event.get("prompt_eval_count", 0),
                    event.get("eval_count", 0),
                    local=True,
                )
        yield Completion("".join(parts), usage)


def build_llm(settings: Settings, client: httpx.Client | None = None) -> LLM | None:
    """The configured model, or None for the offline extractive answerer."""
    provider = settings.llm_provider
    if provider == "offline":
        return None
    if provider == "openai":
        check_openai_key(settings, "LLM_PROVIDER")
        return OpenAIChat(settings, client)
    if provider == "anthropic":
        if not settings.anthropic_api_key:
            raise ConfigError(
                "LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY: set it, or choose "
                "LLM_PROVIDER=offline for extractive answers with no model."
            )
        return AnthropicChat(settings, client)
    if provider == "ollama":
        return OllamaChat(settings, client)
    raise ProviderError(f"unknown LLM_PROVIDER {provider!r}")
