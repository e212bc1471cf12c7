"""Settings come from the environment and fail at start with messages a person can act on."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from {{ cookiecutter.package_name }}.__main__ import main
from {{ cookiecutter.package_name }}.config import Settings, explain

from .support import make_settings


def problems(tmp_path: Path, **values: object) -> str:
    with pytest.raises(ValidationError) as caught:
        make_settings(tmp_path, **values)
    return explain(caught.value)


def test_production_needs_a_real_secret_key(tmp_path: Path) -> None:
    text = problems(tmp_path, app_env="production", secret_key="short")
    assert text.startswith("Configuration error:")
    assert "SECRET_KEY must be set to a random value of at least 32 characters" in text


def test_production_needs_the_chosen_providers_key(tmp_path: Path) -> None:
    text = problems(tmp_path, app_env="production", secret_key="s" * 40, llm_provider="openai")
    assert "LLM_PROVIDER=openai needs OPENAI_API_KEY" in text


def test_bad_values_name_the_variable(tmp_path: Path) -> None:
    assert "DAILY_TOKEN_QUOTA" in problems(tmp_path, daily_token_quota=-1)
    assert "LLM_PROVIDER" in problems(tmp_path, llm_provider="gpt")
    assert "DATABASE_URL must start with" in problems(tmp_path, database_url="mysql://x")
    assert "set together" in problems(tmp_path, github_client_id="abc")


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLM_PROVIDER", "ollama")
    monkeypatch.setenv("DAILY_TOKEN_QUOTA", "123")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db:5432/app")
    settings = Settings(_env_file=None)
    assert settings.llm_provider == "ollama"
    assert settings.daily_token_quota == 123
    assert settings.sqlalchemy_url == "postgresql+psycopg://u:p@db:5432/app"


def test_the_command_line_prints_the_problems_and_exits(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DAILY_TOKEN_QUOTA", "lots")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "Configuration error:" in err
    assert "DAILY_TOKEN_QUOTA: Input should be a valid integer" in err


def test_every_setting_is_in_the_readme_table() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in readme]
    assert missing == []
