"""One short completion from a model the user chose, for the app's own drafting (write-ups).

The app calls the three providers' HTTP APIs with the standard library: a write-up draft is one
request, which does not justify three SDKs in every install. Configuration is the same
environment variables the generated projects read, so a user who set up a project's provider has
set up the app's too. Keys come from the environment only and never leave this process except in
the request's header.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from scaffolder.core.errors import UserError

PROVIDERS = ("offline", "openai", "anthropic", "ollama")
TIMEOUT_S = 120
# As the current `anthropic` SDK on PyPI sends them (2.14.0: Bearer key, this API version);
# ANTHROPIC_API_VERSION overrides it for a gateway that pins an older one.
ANTHROPIC_VERSION = "2026-10-21"
DEFAULT_MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5", "ollama": "llama3.2"}


@dataclass(frozen=True)
class Completion:
    text: str
    model: str  # the model's own name for itself, as the API reported it


class ProviderError(UserError):
    """The model could not be reached or refused the request."""


def _endpoint(provider: str) -> tuple[str, dict[str, str], str]:
    """(url, headers, model) for `provider` from the environment."""
    model = os.environ.get(f"{provider.upper()}_MODEL") or DEFAULT_MODELS[provider]
    headers = {"Content-Type": "application/json"}
    if provider == "openai":
        base = os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1").rstrip("/")
        key = os.environ.get("OPENAI_API_KEY", "")
        if not key and "OPENAI_BASE_URL" not in os.environ:
            raise ProviderError("OPENAI_API_KEY is not set.", "Set it, or {offline_provider}.")
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return f"{base}/chat/completions", headers, model
    if provider == "anthropic":
        base = os.environ.get("ANTHROPIC_BASE_URL", "https://api.anthropic.com").rstrip("/")
        key = os.environ.get("ANTHROPIC_API_KEY", "")
        if not key:
            raise ProviderError("ANTHROPIC_API_KEY is not set.", "Set it, or {offline_provider}.")
        version = os.environ.get("ANTHROPIC_API_VERSION") or ANTHROPIC_VERSION
        headers |= {"Authorization": f"Bearer {key}", "anthropic-version": version}
        return f"{base}/v1/messages", headers, model
    base = (os.environ.get("OLLAMA_BASE_URL") or os.environ.get("OLLAMA_HOST") or "http://localhost:11434").rstrip("/")
    if not base.startswith(("http://", "https://")):
        base = f"http://{base}"
    return f"{base}/api/chat", headers, model


def _body(provider: str, model: str, system: str, prompt: str) -> dict[str, Any]:
    if provider == "anthropic":
        return {"model": model, "max_tokens": 1024, "system": system, "messages": [{"role": "user", "content": prompt}]}
    messages = [{"role": "system", "content": system}, {"role": "user", "content": prompt}]
    if provider == "ollama":
        return {"model": model, "messages": messages, "stream": False}
    return {"model": model, "messages": messages, "temperature": 0.4}


def _text_of(provider: str, reply: dict[str, Any]) -> str:
    if provider == "anthropic":
        return "".join(part.get("text", "") for part in reply.get("content", []) if part.get("type") == "text")
    if provider == "ollama":
        return str(reply.get("message", {}).get("content", ""))
    choices = reply.get("choices") or [{}]
    return str(choices[0].get("message", {}).get("content") or "")


def complete(provider: str, system: str, prompt: str) -> Completion:
    if provider not in PROVIDERS or provider == "offline":
        raise ProviderError(f"{provider!r} is not a model provider.", f"Choose one of: {', '.join(PROVIDERS[1:])}.")
    url, headers, model = _endpoint(provider)
    request = urllib.request.Request(
        url, data=json.dumps(_body(provider, model, system, prompt)).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            reply = json.loads(response.read(4_000_000))
    except urllib.error.HTTPError as err:
        raise ProviderError(
            f"{provider} answered HTTP {err.code} to the drafting request.",
            "Check the key and the model name (…_MODEL), or {offline_provider}.",
        ) from err
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise ProviderError(
            f"{provider} could not be reached at {url}: {reason}.", "Check the URL and your network, or use offline."
        ) from err
    except ValueError as err:
        raise ProviderError(
            f"{provider} sent a reply that is not JSON.", "Check the base URL points at its API."
        ) from err
    text = _text_of(provider, reply if isinstance(reply, dict) else {}).strip()
    if not text:
        raise ProviderError(f"{provider} returned an empty answer.", "Try again, or choose another model.")
    return Completion(text, str(reply.get("model") or model))
