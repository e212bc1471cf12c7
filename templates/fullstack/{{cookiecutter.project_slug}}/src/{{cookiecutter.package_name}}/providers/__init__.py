"""One small interface for every model: stream text pieces, then report the tokens used.

`make_provider(settings)` picks the implementation from `LLM_PROVIDER` at run time, so switching
models is configuration, never a code change.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import httpx

from ..product import PRODUCT

if TYPE_CHECKING:
    from ..config import Settings


@dataclass(frozen=True)
class ChatMessage:
    role: str  # "system" | "user" | "assistant"
    content: str


@dataclass(frozen=True)
class Usage:
    input_tokens: int
    output_tokens: int

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens


class ProviderError(Exception):
    """A failure worth telling the user in a sentence (bad key, timeout, model unreachable)."""


class Provider(Protocol):
    name: str
    model: str

    def stream(
        self, messages: Sequence[ChatMessage], max_tokens: int
    ) -> AsyncIterator[str | Usage]:
        """Yield text pieces in order, then exactly one `Usage`. Raise `ProviderError`."""
        ...


# What the product is for comes from one data module (product.py), never from the code here.
SYSTEM_PROMPT = PRODUCT.system_prompt


def make_provider(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> Provider:
    """The configured provider. `transport` lets tests answer HTTP calls without a network."""
    from .anthropic import AnthropicProvider
    from .offline import OfflineProvider
    from .ollama import OllamaProvider
    from .openai import OpenAIProvider

    name = settings.effective_provider
    if name == "offline":
        return OfflineProvider(delay=settings.offline_token_delay)
    http = dict(
        model=settings.model_name,
        timeout=settings.llm_timeout_seconds,
        retries=settings.llm_max_retries,
        transport=transport,
    )
    if name == "openai":
        return OpenAIProvider(
            api_key=settings.openai_api_key, base_url=settings.openai_base_url, **http
        )
    if name == "anthropic":
        return AnthropicProvider(
            api_key=settings.anthropic_api_key, base_url=settings.anthropic_base_url, **http
        )
    return OllamaProvider(base_url=settings.ollama_base_url, **http)


__all__ = ["SYSTEM_PROMPT", "ChatMessage", "Provider", "ProviderError", "Usage", "make_provider"]
