"""Pick the provider named by `LLM_PROVIDER`; fall back to the offline planner, and say so,
when that provider has no key or cannot be reached."""

from __future__ import annotations

import logging

import httpx

from ..config import Settings
from .anthropic import AnthropicProvider
from .base import (
    Message,
    ModelResponse,
    Provider,
    ProviderError,
    ToolCall,
    ToolSpec,
    Usage,
)
from .offline import OfflinePlanner
from .ollama import OllamaProvider
from .openai import OpenAIProvider

log = logging.getLogger(__name__)

__all__ = [
    "AnthropicProvider",
    "Message",
    "ModelResponse",
    "OfflinePlanner",
    "OllamaProvider",
    "OpenAIProvider",
    "Provider",
    "ProviderError",
    "ToolCall",
    "ToolSpec",
    "Usage",
    "build_provider",
]


def build_provider(
    settings: Settings, name: str | None = None, client: httpx.Client | None = None
) -> Provider:
    name = name or settings.llm_provider
    client = client or httpx.Client()
    timeout_s, retries = settings.provider_timeout_s, settings.provider_max_retries
    if name == "openai":
        if settings.openai_api_key:
            return OpenAIProvider(
                settings.openai_api_key,
                settings.llm_model,
                settings.openai_base_url,
                client=client,
                timeout_s=timeout_s,
                max_retries=retries,
            )
        log.warning("LLM_PROVIDER=openai but OPENAI_API_KEY is not set: using the offline planner")
    elif name == "anthropic":
        if settings.anthropic_api_key:
            return AnthropicProvider(
                settings.anthropic_api_key,
                settings.llm_model,
                settings.anthropic_base_url,
                client=client,
                timeout_s=timeout_s,
                max_retries=retries,
            )
        log.warning(
            "LLM_PROVIDER=anthropic but ANTHROPIC_API_KEY is not set: using the offline planner"
        )
    elif name == "ollama":
        ollama = OllamaProvider(
            settings.ollama_host,
            settings.llm_model,
            client=client,
            timeout_s=timeout_s,
            max_retries=retries,
        )
        if ollama.reachable():
            return ollama
        log.warning(
            "LLM_PROVIDER=ollama but no Ollama answers at %s: using the offline planner",
            settings.ollama_host,
        )
    elif name != "offline":
        raise ValueError(f"unknown LLM_PROVIDER {name!r}: use offline, openai, anthropic or ollama")
    return OfflinePlanner()
