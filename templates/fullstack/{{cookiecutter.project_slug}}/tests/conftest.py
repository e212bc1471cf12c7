"""Shared fixtures: a migrated temporary database, the app, and visitors with cookie jars."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.db import Database
from {{ cookiecutter.package_name }}.settings import Settings

from .support import Visitor, make_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    Database(settings.sqlalchemy_url).upgrade()
    return create_app(settings)


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
