"""Configuration: every setting is an environment variable (or a line in `.env`).

Nothing is read at import time: `get_settings()` builds the settings when first asked, so tests
and the CLI can change the environment before that.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ProviderName = Literal["offline", "openai", "anthropic", "ollama"]
SearchBackendName = Literal["local", "tavily", "brave"]


class Settings(BaseSettings):
    """Settings with the defaults chosen when the project was generated."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Model provider
    llm_provider: ProviderName = "{{ cookiecutter.llm_provider }}"
    llm_model: str = ""  # empty: the provider's default model
    openai_api_key: str = ""
    openai_base_url: str = "https://api.openai.com/v1"
    anthropic_api_key: str = ""
    anthropic_base_url: str = "https://api.anthropic.com"
    ollama_host: str = "http://localhost:11434"
    provider_timeout_s: float = 60.0
    provider_max_retries: int = 3
    llm_price_input_per_mtok: float | None = None  # USD per million tokens; overrides the table
    llm_price_output_per_mtok: float | None = None

    # Tools
    search_backend: SearchBackendName = "{{ cookiecutter.search_backend }}"
    tavily_api_key: str = ""
    tavily_base_url: str = "https://api.tavily.com"
    brave_api_key: str = ""
    brave_base_url: str = "https://api.search.brave.com"
    search_max_results: int = Field(default=5, ge=1, le=20)
    http_allowed_hosts: str = "api.frankfurter.dev,api.open-meteo.com,api.github.com"
    http_timeout_s: float = 10.0
    http_max_bytes: int = 200_000
    sql_max_rows: int = Field(default=50, ge=1)
    sql_timeout_s: float = 2.0
    approval_tools: str = ""  # extra tool names (comma-separated) that need a human's approval

    # Agent guards
    agent_max_steps: int = Field(default=8, ge=1)
    agent_max_tokens: int = Field(default=50_000, ge=1)
    agent_max_cost_usd: float = Field(default=0.10, ge=0)
    tool_timeout_s: float = 20.0
    approval_timeout_s: float = 300.0

    # Storage and logs
    data_dir: Path = Path("var")
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"

    @property
    def allowed_hosts(self) -> set[str]:
        return _split(self.http_allowed_hosts)

    @property
    def approval_tool_names(self) -> set[str]:
        return _split(self.approval_tools)

    @property
    def traces_dir(self) -> Path:
        return self.data_dir / "traces"

    @property
    def sessions_path(self) -> Path:
        return self.data_dir / "sessions.db"

    @property
    def database_path(self) -> Path:
        return self.data_dir / "business.db"

    @property
    def notes_dir(self) -> Path:
        return self.data_dir / "notes"


def _split(value: str) -> set[str]:
    return {part.strip().lower() for part in value.split(",") if part.strip()}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, built on first use (`get_settings.cache_clear()` reloads)."""
    return Settings()
