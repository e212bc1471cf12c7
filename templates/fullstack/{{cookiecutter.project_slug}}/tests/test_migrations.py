"""The schema is Alembic's: from empty to head, matching the models, and a gate at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import inspect

from {{ cookiecutter.package_name }}.__main__ import main
from {{ cookiecutter.package_name }}.db import Base, Database, PendingMigrationsError

from .support import MakeApp, make_settings

PROJECT = Path(__file__).resolve().parents[1]
TABLES = {
    "alembic_version",
    "users",
    "sessions",
    "conversations",
    "messages",
    "usage_days",
    "email_tokens",
}


def test_alembic_upgrade_head_from_an_empty_database(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'fresh.db').as_posix()}"
    env = {**os.environ, "DATABASE_URL": url}
    for command in (["upgrade", "head"], ["downgrade", "base"], ["upgrade", "head"]):
        subprocess.run(
            [sys.executable, "-m", "alembic", *command],
            cwd=PROJECT,
            env=env,
            check=True,
            capture_output=True,
        )
    with Database(url) as database:
        assert set(inspect(database.engine).get_table_names()) == TABLES
        assert database.pending_migrations() == []


def test_the_models_and_the_migrations_agree(tmp_path: Path) -> None:
    with Database(f"sqlite:///{(tmp_path / 'm.db').as_posix()}") as database:
        database.upgrade()
        with database.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == [], "models changed: run `alembic revision --autogenerate -m ...`"


def test_production_refuses_to_start_on_an_old_schema(tmp_path: Path, make_app: MakeApp) -> None:
    settings = make_settings(tmp_path, app_env="production", secret_key="s" * 40)
    app = make_app(settings, migrate=False)
    with pytest.raises(PendingMigrationsError, match="Run `alembic upgrade head`"), TestClient(app):
        pass


def test_the_command_line_says_how_to_migrate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("LLM_PROVIDER", "offline")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{(tmp_path / 'p.db').as_posix()}")
    assert main(["serve"]) == 3
    assert "alembic upgrade head" in capsys.readouterr().err
    assert main(["migrate"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_development_upgrades_on_start(tmp_path: Path, make_app: MakeApp) -> None:
    settings = make_settings(tmp_path)
    with TestClient(make_app(settings, migrate=False)) as client:
        assert client.get("/ready").json()["status"] == "ready"
    with Database(settings.sqlalchemy_url) as database:
        assert database.pending_migrations() == []
