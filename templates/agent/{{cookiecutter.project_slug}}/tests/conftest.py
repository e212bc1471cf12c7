"""Every test runs offline, in its own data directory, with the offline defaults.

The user's `.env` and API keys never leak in: the environment is cleaned, and each test runs in
a temporary working directory. Network access other than loopback fails the test.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.config import Settings, get_settings

ENV_VARS = [
    "LLM_PROVIDER",
    "LLM_MODEL",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "ANTHROPIC_API_VERSION",
    "OLLAMA_HOST",
    "SEARCH_BACKEND",
    "TAVILY_API_KEY",
    "BRAVE_API_KEY",
    "HTTP_ALLOWED_HOSTS",
    "SQL_MAX_ROWS",
    "SQL_TIMEOUT_S",
    "SQL_MAX_VALUE_BYTES",
    "SQL_MAX_RESULT_BYTES",
    "SQL_MAX_MEMORY_MB",
    "APPROVAL_TOOLS",
    "SQL_DATABASE",
    "HTTP_TOOLS_FILE",
    "DATA_DIR",
    "AGENT_MAX_STEPS",
    "AGENT_MAX_TOKENS",
    "AGENT_MAX_COST_USD",
    "TOOL_TIMEOUT_S",
    "LOG_FORMAT",
    "LLM_PRICE_INPUT_PER_MTOK",
    "LLM_PRICE_OUTPUT_PER_MTOK",
]
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def offline_env(request, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    keys = {
        name: os.environ.get(name)
        for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OLLAMA_HOST")
    }
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    if request.node.get_closest_marker("live"):
        for name, value in keys.items():
            if value:
                monkeypatch.setenv(name, value)
    data = tmp_path / "data"
    monkeypatch.setenv("DATA_DIR", str(data))
    monkeypatch.setenv("LLM_PROVIDER", "offline")
    monkeypatch.setenv("SEARCH_BACKEND", "local")
    monkeypatch.chdir(tmp_path)  # no .env from the project folder
    get_settings.cache_clear()
    yield data
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def no_network(request, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only loopback connections: a test that reaches the internet fails instead of flaking."""
    if request.node.get_closest_marker("live"):
        return
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        if isinstance(address, tuple) and address[0] not in LOOPBACK:
            raise ConnectionRefusedError(f"tests are offline: refused connection to {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def settings(offline_env: Path) -> Settings:
    return Settings(_env_file=None)
