"""Calls to real providers: skipped unless their key or server is configured (`pytest -m live`)."""

from __future__ import annotations

import os

import pytest
from conftest import CORPUS

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.service import RagService
from {{ cookiecutter.package_name }}.store import SQLiteStore

PROVIDERS = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "ollama": "OLLAMA_HOST",
}


@pytest.mark.live
@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_a_real_model_answers_with_citations(provider: str, tmp_path) -> None:
    if not os.environ.get(PROVIDERS[provider]):
        pytest.skip(f"{PROVIDERS[provider]} is not set")
    settings = Settings.from_env(
        {**os.environ, "LLM_PROVIDER": provider, "EMBEDDING_PROVIDER": "none"}
    )
    service = RagService.from_settings(settings, store=SQLiteStore(tmp_path / "live.sqlite3"))
    service.ingestor.ingest_paths([CORPUS], base=CORPUS)
    answer = service.answerer.ask("How long do deleted notes stay in the trash?")
    assert answer.mode.startswith(provider)
    assert "60" in answer.answer
    assert any(c.source == "admin/backups.md" for c in answer.citations)
    assert answer.usage is not None and answer.usage.output_tokens > 0
