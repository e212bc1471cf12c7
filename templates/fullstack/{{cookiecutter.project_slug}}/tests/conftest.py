"""Shared fixtures: a migrated temporary database, the app, and visitors with cookie jars."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }} import security
from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.db import Database

from .support import Visitor, make_settings


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real Argon2id, with test-sized cost: the suite signs up hundreds of users. (The app
    itself uses the library's recommended parameters: 64 MiB, 3 passes.)"""
    monkeypatch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture(autouse=True)
def empty_postgres() -> Iterator[None]:
    """With TEST_DATABASE_URL (PostgreSQL), every test starts from an empty schema."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        sqlalchemy_url = Settings(_env_file=None, database_url=url).sqlalchemy_url
        with Database(sqlalchemy_url) as database, database.engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    yield


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def make_app() -> Iterator[Callable[..., FastAPI]]:
    """Build apps on migrated databases; their connections are closed after the test."""
    apps: list[FastAPI] = []

    def build(settings: Settings, *, migrate: bool = True, **kwargs: Any) -> FastAPI:
        if migrate:
            with Database(settings.sqlalchemy_url) as database:
                database.upgrade()
        apps.append(create_app(settings, **kwargs))
        return apps[-1]

    yield build
    for app in apps:
        app.state.db.dispose()


@pytest.fixture
def app(settings: Settings, make_app: Callable[..., FastAPI]) -> FastAPI:
    return make_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def visitor(client: TestClient) -> Visitor:
    return Visitor(client)


@pytest.fixture
def other_visitor(app: FastAPI, client: TestClient) -> Iterator[Visitor]:
    """A second browser (own cookies) on the same running app."""
    with TestClient(app) as second:
        yield Visitor(second)


@pytest.fixture
def alice(visitor: Visitor) -> Visitor:
    visitor.sign_up("alice@example.com")
    return visitor
