"""Settings, read from the environment (and an optional `.env` file) when asked, never at import.

The template answers only choose the defaults below; every provider is one environment
variable away, so switching needs no code change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_LLM_PROVIDER = "{{ cookiecutter.llm_provider }}"
DEFAULT_EMBEDDING_PROVIDER = "{{ cookiecutter.embedding_provider }}"
DEFAULT_DATABASE_URL = "sqlite:///data/index.sqlite3"

LLM_PROVIDERS = ("offline", "openai", "anthropic", "ollama")
EMBEDDING_PROVIDERS = ("wordllama", "none", "hashing", "openai", "ollama", "sentence-transformers")


class ConfigError(ValueError):
    """A setting has a value the app cannot use; the message says which and how to fix it."""


def load_dotenv(path: Path = Path(".env")) -> None:
    """Read KEY=VALUE lines into os.environ without overriding variables already set."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        key = key.removeprefix("export ").strip()
        value = value.strip().strip('"').strip("'")
        os.environ.setdefault(key, value)


def _int(env: dict[str, str], key: str, default: int, minimum: int = 0) -> int:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{key} must be an integer, got {raw!r}") from exc
    if value < minimum:
        raise ConfigError(f"{key} must be at least {minimum}, got {value}")
    return value


def _float(env: dict[str, str], key: str, default: float) -> float:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{key} must be a number, got {raw!r}") from exc


def _bool(env: dict[str, str], key: str) -> bool:
    raw = env.get(key, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{key} must be true or false, got {raw!r}")


def _optional_fraction(env: dict[str, str], key: str) -> float | None:
    raw = env.get(key, "").strip()
    if not raw:
        return None
    value = _float(env, key, 0.0)
    if not 0 <= value <= 1:
        raise ConfigError(f"{key} must be between 0 and 1, got {raw!r}")
    return value


def _choice(env: dict[str, str], key: str, default: str, options: tuple[str, ...]) -> str:
    value = (env.get(key, "").strip() or default).lower()
    if value not in options:
        raise ConfigError(f"{key} must be one of {', '.join(options)}; got {value!r}")
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    llm_provider: str = DEFAULT_LLM_PROVIDER
    llm_model: str = ""
    embedding_provider: str = DEFAULT_EMBEDDING_PROVIDER
    embedding_model: str = ""
    openai_api_key: str = field(default="", repr=False)
    openai_base_url: str = "https://api.openai.com/v1"
    anthropic_api_key: str = field(default="", repr=False)
    anthropic_base_url: str = "https://api.anthropic.com"
    ollama_host: str = "http://localhost:11434"
    chunk_size: int = 800
    chunk_overlap: int = 120
    top_k: int = 5
    min_relevance: float | None = None  # None: the calibrated threshold of the mode
    thresholds_file: str = ""
    request_timeout: float = 30.0
    max_retries: int = 3
    upload_dir: str = "data/uploads"
    max_upload_mb: int = 20
    log_level: str = "INFO"
    log_format: str = "json"
    app_env: str = "development"
    admin_token: str = field(default="", repr=False)
    read_only: bool = False

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Build settings from `env` (default: os.environ after loading `.env`)."""
        if env is None:
            load_dotenv()
            env = dict(os.environ)
        settings = cls(
            database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            llm_provider=_choice(env, "LLM_PROVIDER", DEFAULT_LLM_PROVIDER, LLM_PROVIDERS),
            llm_model=env.get("LLM_MODEL", "").strip(),
            embedding_provider=_choice(
                env, "EMBEDDING_PROVIDER", DEFAULT_EMBEDDING_PROVIDER, EMBEDDING_PROVIDERS
            ),
            embedding_model=env.get("EMBEDDING_MODEL", "").strip(),
            openai_api_key=env.get("OPENAI_API_KEY", "").strip(),
            openai_base_url=env.get("OPENAI_BASE_URL", "").strip() or cls.openai_base_url,
            anthropic_api_key=env.get("ANTHROPIC_API_KEY", "").strip(),
            anthropic_base_url=env.get("ANTHROPIC_BASE_URL", "").strip() or cls.anthropic_base_url,
            ollama_host=env.get("OLLAMA_HOST", "").strip() or cls.ollama_host,
            chunk_size=_int(env, "CHUNK_SIZE", cls.chunk_size, minimum=100),
            chunk_overlap=_int(env, "CHUNK_OVERLAP", cls.chunk_overlap),
            top_k=_int(env, "TOP_K", cls.top_k, minimum=1),
            min_relevance=_optional_fraction(env, "MIN_RELEVANCE"),
            thresholds_file=env.get("THRESHOLDS_FILE", "").strip(),
            request_timeout=_float(env, "REQUEST_TIMEOUT", cls.request_timeout),
            max_retries=_int(env, "MAX_RETRIES", cls.max_retries),
            upload_dir=env.get("UPLOAD_DIR", "").strip() or cls.upload_dir,
            max_upload_mb=_int(env, "MAX_UPLOAD_MB", cls.max_upload_mb, minimum=1),
            log_level=(env.get("LOG_LEVEL", "").strip() or cls.log_level).upper(),
            log_format=_choice(env, "LOG_FORMAT", cls.log_format, ("json", "text")),
            app_env=_choice(env, "APP_ENV", cls.app_env, ("development", "production")),
            admin_token=env.get("ADMIN_TOKEN", "").strip(),
            read_only=_bool(env, "READ_ONLY"),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.chunk_overlap >= self.chunk_size:
            raise ConfigError(
                f"CHUNK_OVERLAP ({self.chunk_overlap}) must be smaller than "
                f"CHUNK_SIZE ({self.chunk_size})"
            )

    def check_serving(self) -> None:
        """A deployed app must not let strangers change its index: refuse to start without
        a way to tell the owner apart, unless it was asked to serve read-only."""
        if self.app_env == "production" and not self.admin_token and not self.read_only:
            raise ConfigError(
                "APP_ENV=production needs ADMIN_TOKEN (a long random secret; write endpoints "
                "then require `Authorization: Bearer <token>`), or READ_ONLY=true to serve "
                "questions with uploads and deletes switched off. See docs/DEPLOY.md."
            )
        if self.admin_token and len(self.admin_token) < 16:
            raise ConfigError(
                "ADMIN_TOKEN is too short to be a secret: use at least 16 random characters, "
                'e.g. python -c "import secrets; print(secrets.token_urlsafe(32))"'
            )

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed (tests and the CLI's flags use this)."""
        updated = replace(self, **changes)  # type: ignore[arg-type]
        updated.validate()
        return updated
