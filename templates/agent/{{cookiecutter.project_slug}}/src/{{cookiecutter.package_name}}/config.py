"""Configuration: every setting is an environment variable (or a line in `.env`).

Nothing is read at import time: `get_settings()` builds the settings when first asked, so tests
and the CLI can change the environment before that.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ProviderName = Literal["offline", "openai", "anthropic", "ollama"]
SearchBackendName = Literal["local", "tavily", "brave"]
Origin = tuple[str, str, int]  # (scheme, host, port): what one allow-list entry lets through
DEFAULT_PORTS = {"http": 80, "https": 443}
# What `scaffolder new agent --data ... --openapi ...` brought, relative to the project folder.
MY_DATABASE = Path("data/mine/data.db")
MY_HTTP_TOOLS = Path("data/mine/http-tools.json")


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
    anthropic_api_version: str = ""  # empty: the version the current anthropic SDK sends
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
    # Origins (scheme://host[:port]); a bare host means https on port 443 and nothing else.
    http_allowed_hosts: str = (
        "https://api.frankfurter.dev,https://api.open-meteo.com,https://api.github.com"
    )
    http_timeout_s: float = 10.0
    http_max_bytes: int = 200_000
    sql_max_rows: int = Field(default=50, ge=1)
    sql_timeout_s: float = Field(default=2.0, gt=0)
    sql_max_value_bytes: int = Field(default=1_000_000, ge=1_000)  # one string, blob or row
    sql_max_result_bytes: int = Field(default=100_000, ge=1_000)  # all values returned
    sql_max_memory_mb: int = Field(default=256, ge=16)  # SQLite's process-wide heap limit
    approval_tools: str = ""  # extra tool names (comma-separated) that need a human's approval
    # Your own data: a SQLite file the SQL tool reads instead of the sample shop. Empty: the
    # database brought when the project was generated (data/mine/data.db) if there is one;
    # "sample": the bundled sample shop even then.
    sql_database: str = ""
    # HTTP tools made from an OpenAPI document's GET operations. Empty: data/mine/http-tools.json
    # if there is one; "none": no such tools.
    http_tools_file: str = ""

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

    @field_validator("http_allowed_hosts")
    @classmethod
    def _origins_parse(cls, value: str) -> str:
        for entry in _split(value):
            parse_origin(entry)  # raises ValueError with a sentence naming the bad entry
        return value

    @property
    def allowed_origins(self) -> set[Origin]:
        return {parse_origin(entry) for entry in _split(self.http_allowed_hosts)}

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
        """Where the bundled sample database is built (from the seed files)."""
        return self.data_dir / "business.db"

    @property
    def user_database(self) -> Path | None:
        """Your own database, when the SQL tool reads one instead of the sample."""
        if self.sql_database.strip().lower() == "sample":
            return None
        if self.sql_database.strip():
            return Path(self.sql_database.strip())
        return MY_DATABASE if MY_DATABASE.is_file() else None

    @property
    def http_tools_path(self) -> Path | None:
        if self.http_tools_file.strip().lower() == "none":
            return None
        if self.http_tools_file.strip():
            return Path(self.http_tools_file.strip())
        return MY_HTTP_TOOLS if MY_HTTP_TOOLS.is_file() else None

    def with_sample_data(self) -> Settings:
        """These settings with the bundled sample shop and no API of yours: what the bundled
        eval tasks (and the sample questions) are about."""
        return self.model_copy(update={"sql_database": "sample", "http_tools_file": "none"})

    @property
    def notes_dir(self) -> Path:
        return self.data_dir / "notes"


def parse_origin(entry: str) -> Origin:
    """`https://api.github.com`, `http://127.0.0.1:8080`, or a bare host meaning https on 443.

    The port is part of the entry because a host is not a service: `127.0.0.1` alone must not
    open every local service (a database admin page, a metadata endpoint) to the model.
    """
    text = entry.strip()
    parts = urlsplit(text if "://" in text else "https://" + text)
    problem = ""
    try:
        port = parts.port
    except ValueError:
        port, problem = None, "its port is not a number from 0 to 65535"
    if parts.scheme not in DEFAULT_PORTS:
        problem = f"the scheme must be http or https, not {parts.scheme!r}"
    elif not parts.hostname:
        problem = "it has no host"
    elif parts.username or parts.password:
        problem = "it must not carry credentials"
    elif parts.path not in ("", "/") or parts.query or parts.fragment:
        problem = "it must be scheme://host[:port] with no path"
    if problem:
        raise ValueError(
            f"HTTP_ALLOWED_HOSTS entry {entry!r} is not an origin: {problem} "
            "(write for example https://api.github.com or http://127.0.0.1:8080)"
        )
    assert parts.hostname is not None
    return parts.scheme, parts.hostname.lower(), port or DEFAULT_PORTS[parts.scheme]


def format_origin(origin: Origin) -> str:
    scheme, host, port = origin
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" + ("" if DEFAULT_PORTS[scheme] == port else f":{port}")


def _split(value: str) -> set[str]:
    return {part.strip().lower() for part in value.split(",") if part.strip()}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, built on first use (`get_settings.cache_clear()` reloads)."""
    return Settings()
