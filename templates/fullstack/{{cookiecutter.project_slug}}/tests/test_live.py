"""Against the real provider: runs only when LLM_PROVIDER and its key or URL are set."""

from __future__ import annotations

import asyncio
import os

import pytest

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.providers import ChatMessage, Usage, make_provider

REQUIRED = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "ollama": "OLLAMA_BASE_URL",
}
provider_name = os.environ.get("LLM_PROVIDER", "")

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not os.environ.get(REQUIRED.get(provider_name, "-"), ""),
        reason="set LLM_PROVIDER=openai|anthropic|ollama and its key or URL to run live tests",
    ),
]


def test_the_real_model_streams_an_answer_with_usage() -> None:
    provider = make_provider(Settings())

    async def ask() -> list[str | Usage]:
        question = [ChatMessage("user", "Reply with one short sentence about commas.")]
        return [item async for item in provider.stream(question, max_tokens=60)]

    items = asyncio.run(ask())
    text = "".join(i for i in items if isinstance(i, str))
    assert text.strip()
    assert isinstance(items[-1], Usage)
    assert items[-1].output_tokens > 0
