"""Pick the provider named by `LLM_PROVIDER`.

A provider that is configured but cannot work (no key for the vendor's own API, no Ollama at
`OLLAMA_HOST`) is an error with a sentence that says what to set: quietly answering with the
offline planner instead would pass off rules as the model the user asked for. Only
`LLM_PROVIDER=offline` gives the offline planner. A local OpenAI-compatible server (llama.cpp,
vLLM, LM Studio) at `OPENAI_BASE_URL` needs no key: no `Authorization` header is sent.
"""

from __future__ import annotations

import httpx

from ..config import Settings
from .anthropic import AnthropicProvider
from .base import (
    Message,
    ModelResponse,
    Provider,
    ProviderConfigError,
    ProviderError,
    ToolCall,
    ToolSpec,
    Usage,
)
from .offline import OfflinePlanner
from .ollama import OllamaProvider
from .openai import OpenAIProvider

__all__ = [
    "AnthropicProvider",
    "Message",
    "ModelResponse",
    "OfflinePlanner",
    "OllamaProvider",
    "OpenAIProvider",
    "Provider",
    "ProviderConfigError",
    "ProviderError",
    "ToolCall",
    "ToolSpec",
    "Usage",
    "build_provider",
]


OPENAI_API = "https://api.openai.com"
ANTHROPIC_API = "https://api.anthropic.com"


def _is_vendor(base_url: str, vendor: str) -> bool:
    return base_url.rstrip("/").lower().startswith(vendor)


def build_provider(
    settings: Settings, name: str | None = None, client: httpx.Client | None = None
) -> Provider:
    """The provider `name` (default `LLM_PROVIDER`); `ProviderConfigError` when it cannot work."""
    name = name or settings.llm_provider
    timeout_s, retries = settings.provider_timeout_s, settings.provider_max_retries
    if name == "offline":
        return OfflinePlanner()
    if name == "openai":
        if not settings.openai_api_key and _is_vendor(settings.openai_base_url, OPENAI_API):
            raise ProviderConfigError(
                "LLM_PROVIDER=openai needs OPENAI_API_KEY for the OpenAI API; for a local "
                "OpenAI-compatible server set OPENAI_BASE_URL to it (no key needed), or set "
                "LLM_PROVIDER=offline to use the offline planner."
            )
        return OpenAIProvider(
            settings.openai_api_key,
            settings.llm_model,
            settings.openai_base_url,
            client=client or httpx.Client(),
            timeout_s=timeout_s,
            max_retries=retries,
        )
    if name == "anthropic":
        if not settings.anthropic_api_key and _is_vendor(
            settings.anthropic_base_url, ANTHROPIC_API
        ):
            raise ProviderConfigError(
                "LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY; set it (or point "
                "ANTHROPIC_BASE_URL at a gateway that adds it), or set LLM_PROVIDER=offline to "
                "use the offline planner."
            )
        return AnthropicProvider(
            settings.anthropic_api_key,
            settings.llm_model,
            settings.anthropic_base_url,
            client=client or httpx.Client(),
            timeout_s=timeout_s,
            max_retries=retries,
            api_version=settings.anthropic_api_version,
        )
    if name == "ollama":
        ollama = OllamaProvider(
            settings.ollama_host,
            settings.llm_model,
            client=client or httpx.Client(),
            timeout_s=timeout_s,
            max_retries=retries,
        )
        if not ollama.reachable():
            raise ProviderConfigError(
                f"LLM_PROVIDER=ollama but no Ollama answers at {settings.ollama_host}: start it "
                "(`ollama serve`, then `ollama pull` a model with tool support), set OLLAMA_HOST "
                "to where it runs, or set LLM_PROVIDER=offline to use the offline planner."
            )
        return ollama
    raise ProviderConfigError(
        f"unknown LLM_PROVIDER {name!r}: use offline, openai, anthropic or ollama"
    )
