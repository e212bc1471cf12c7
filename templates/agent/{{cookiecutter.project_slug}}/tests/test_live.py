"""Against a real model: runs only when its key is set (`pytest -m live`)."""

from __future__ import annotations

import os

import pytest

from {{ cookiecutter.package_name }}.agent import Agent
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.providers import build_provider

pytestmark = pytest.mark.live


@pytest.mark.parametrize(
    ("provider", "key"), [("openai", "OPENAI_API_KEY"), ("anthropic", "ANTHROPIC_API_KEY")]
)
def test_real_model_uses_the_calculator(tmp_path, provider: str, key: str) -> None:
    if not os.environ.get(key):
        pytest.skip(f"{key} is not set")
    settings = Settings(_env_file=None, data_dir=tmp_path, llm_provider=provider)
    agent = Agent(build_provider(settings), settings)
    result = agent.run("Use the calculator: what is 1234 * 5678?")
    assert result.stop_reason == "final"
    assert "calculator" in {call["name"] for call in result.tool_calls}
    assert "7006652" in result.answer.replace(",", "")


def test_local_ollama_model_answers(tmp_path) -> None:
    if not os.environ.get("OLLAMA_HOST"):
        pytest.skip("OLLAMA_HOST is not set (e.g. http://localhost:11434 with a tool model pulled)")
    settings = Settings(_env_file=None, data_dir=tmp_path, llm_provider="ollama")
    provider = build_provider(settings)
    assert provider.name == "ollama", f"no Ollama answers at {settings.ollama_host}"
    result = Agent(provider, settings).run("Use the calculator: what is 12 * 12?")
    assert result.stop_reason == "final"
    assert "144" in result.answer
