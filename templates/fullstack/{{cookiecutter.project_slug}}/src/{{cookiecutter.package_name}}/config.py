"""Configuration from the environment (and an optional `.env` file), validated once at start.

Every setting is listed in the README's configuration table and in `.env.example`.
"""

from __future__ import annotations

import secrets
from functools import cached_property
from typing import Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .product import PRODUCT

ProviderName = Literal["offline", "openai", "anthropic", "ollama"]

DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"  # noqa: S105
DEFAULT_MODELS: dict[str, str] = {
    "offline": PRODUCT.offline_model,
    "openai": "gpt-4o-mini",
    "anthropic": "claude-haiku-4-5",
    "ollama": "llama3.2",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    app_env: Literal["development", "production"] = "development"
    secret_key: str = DEV_SECRET_KEY
    database_url: str = "sqlite:///./data/app.db"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "text"] = "json"

    # AI provider
    llm_provider: ProviderName = "{{ cookiecutter.llm_provider }}"
    llm_model: str = ""
    llm_timeout_seconds: float = Field(default=60.0, gt=0, le=600)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_max_output_tokens: int = Field(default=800, ge=16, le=32000)
    openai_api_key: str = ""
    openai_base_url: str = "https://api.openai.com/v1"
    anthropic_api_key: str = ""
    anthropic_base_url: str = "https://api.anthropic.com"
    ollama_base_url: str = "http://localhost:11434"
    offline_token_delay: float = Field(default=0.03, ge=0, le=2)
    price_per_1k_input_tokens: float = Field(default=0.0, ge=0)
    price_per_1k_output_tokens: float = Field(default=0.0, ge=0)

    # Limits
    daily_token_quota: int = Field(default=20000, ge=0)
    login_max_attempts: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=900, ge=1)
    signup_max_per_hour: int = Field(default=10, ge=1)
    # Argon2id uses 64 MiB per hash: two at a time fit a 512 MB plan next to the app.
    password_hash_concurrency: int = Field(default=2, ge=1, le=64)
    session_max_age_days: int = Field(default=14, ge=1, le=365)
    # An answer whose writer has not been heard from for this long is failed (crash recovery).
    answer_stale_seconds: float = Field(default=30.0, gt=0, le=3600)

    # Client addresses come from X-Forwarded-For only when the connection is from one of these
    # (comma-separated IPs or networks, uvicorn's --forwarded-allow-ips convention).
    forwarded_allow_ips: str = "127.0.0.1"

    # Mail: printed to the console unless SMTP_URL is set (smtp://user:pass@host:587, STARTTLS;
    # smtps://...:465 for TLS from the start).
    smtp_url: str = ""
    mail_from: str = "no-reply@localhost"

    # Sign in with GitHub (off unless both are set)
    github_client_id: str = ""
    github_client_secret: str = ""
    github_oauth_url: str = "https://github.com/login/oauth"
    github_api_url: str = "https://api.github.com"

    @model_validator(mode="after")
    def _check(self) -> Settings:
        problems: list[str] = []
        if self.app_env == "production":
            if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
                problems.append(
                    "SECRET_KEY must be set to a random value of at least 32 characters in "
                    'production (python -c "import secrets; print(secrets.token_urlsafe(48))")'
                )
            key_needed = {"openai": self.openai_api_key, "anthropic": self.anthropic_api_key}
            if self.llm_provider in key_needed and not key_needed[self.llm_provider]:
                problems.append(
                    f"LLM_PROVIDER={self.llm_provider} needs {self.llm_provider.upper()}_API_KEY "
                    "(or set LLM_PROVIDER=offline)"
                )
        if not self.database_url.startswith(("sqlite:", "postgresql:", "postgresql+", "postgres:")):
            problems.append("DATABASE_URL must start with sqlite:// or postgresql://")
        if self.smtp_url and not self.smtp_url.startswith(("smtp://", "smtps://")):
            problems.append("SMTP_URL must start with smtp:// or smtps://")
        if bool(self.github_client_id) != bool(self.github_client_secret):
            problems.append("GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET must be set together")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def github_enabled(self) -> bool:
        return bool(self.github_client_id and self.github_client_secret)

    @property
    def sqlalchemy_url(self) -> str:
        """Hosting platforms hand out `postgres://` URLs; SQLAlchemy wants a driver name."""
        url = self.database_url
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url

    @cached_property
    def effective_provider(self) -> ProviderName:
        """The provider actually used: a missing key in development falls back to offline."""
        keys = {"openai": self.openai_api_key, "anthropic": self.anthropic_api_key}
        if self.llm_provider in keys and not keys[self.llm_provider]:
            return "offline"
        return self.llm_provider

    @property
    def model_name(self) -> str:
        return self.llm_model or DEFAULT_MODELS[self.effective_provider]


def explain(error: ValidationError) -> str:
    """A validation error as lines a person can act on, naming the environment variables."""
    lines = ["Configuration error:"]
    for item in error.errors():
        name = "_".join(str(part) for part in item["loc"]).upper()
        message = str(item["msg"]).removeprefix("Value error, ")
        lines.append(f"  - {name}: {message}" if name else f"  - {message}")
    return "\n".join(lines)


def new_secret_key() -> str:
    return secrets.token_urlsafe(48)
