"""What goes over the wire to a real model, checked against strict local fakes of the APIs:
empty replies never reach a session, Anthropic gets the SDK's headers, a keyless local
OpenAI-compatible server works, and a provider that cannot work says so instead of quietly
answering offline."""

from __future__ import annotations

import json
import sqlite3

import pytest

from fake_apis import FakeAnthropic, FakeOpenAI, text
from {{ cookiecutter.package_name }}.agent import Agent
from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.config import Settings, get_settings
from {{ cookiecutter.package_name }}.memory import SessionStore
from {{ cookiecutter.package_name }}.providers import (
    AnthropicProvider,
    OpenAIProvider,
    ProviderConfigError,
    build_provider,
)
from {{ cookiecutter.package_name }}.providers.base import Message
from {{ cookiecutter.package_name }}.service import ask


def anthropic_agent(api: FakeAnthropic, settings: Settings) -> Agent:
    provider = AnthropicProvider("sk-ant-test", base_url=api.url, max_retries=0)
    return Agent(provider, settings, write_traces=False)


def test_an_empty_anthropic_reply_does_not_break_the_session(settings: Settings) -> None:
    store = SessionStore(settings.sessions_path)
    with FakeAnthropic([[text("")], [text("Paris.")]]) as api:
        agent = anthropic_agent(api, settings)
        first = ask(agent, "Say nothing.", session_id="s1", store=store)
        assert first.stop_reason == "empty_reply"
        assert "empty reply" in first.answer
        second = ask(agent, "What is the capital of France?", session_id="s1", store=store)
    # The strict fake answers 400 to a request that holds an empty message, as Anthropic does.
    assert second.stop_reason == "final" and second.answer == "Paris."
    assert all(not m.is_empty for m in store.load("s1"))
    sent = api.requests[-1].body["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]


def test_a_session_stored_with_an_empty_reply_is_repaired_on_load(settings: Settings) -> None:
    store = SessionStore(settings.sessions_path)
    store.append("old", [Message("user", "Hello?")])
    # What an older version wrote after an empty answer.
    with sqlite3.connect(settings.sessions_path) as connection:
        connection.execute(
            "INSERT INTO messages (session_id, seq, run_id, body) VALUES ('old', 2, 'r', ?)",
            (json.dumps(Message("assistant", "").to_dict()),),
        )
    with FakeAnthropic([[text("Hi again.")]]) as api:
        result = ask(anthropic_agent(api, settings), "Still there?", session_id="old", store=store)
    assert result.stop_reason == "final" and result.answer == "Hi again."
    with sqlite3.connect(settings.sessions_path) as connection:
        body = connection.execute("SELECT body FROM messages WHERE seq = 2").fetchone()[0]
    assert json.loads(body)["content"] == "(the model gave no answer)"  # repaired for good


def test_anthropic_gets_the_headers_the_current_sdk_sends(settings: Settings) -> None:
    with FakeAnthropic([[text("ok")]]) as api:
        anthropic_agent(api, settings).run("hi")
        pinned = Settings(
            _env_file=None,
            anthropic_api_key="sk-ant-test",
            anthropic_base_url=api.url,
            anthropic_api_version="2023-06-01",
        )
        Agent(build_provider(pinned, "anthropic"), pinned, write_traces=False).run("hi")
    current, overridden = (seen.headers for seen in api.requests)
    # anthropic 2.14.0 (PyPI): `Authorization: Bearer <key>`, ANTHROPIC_API_VERSION 2026-10-21.
    assert current["authorization"] == "Bearer sk-ant-test"
    assert current["anthropic-version"] == "2026-10-21"
    assert "x-api-key" not in current
    assert overridden["anthropic-version"] == "2023-06-01"


def test_a_local_openai_compatible_server_needs_no_key(settings: Settings) -> None:
    with FakeOpenAI(["42"]) as api:
        local = Settings(_env_file=None, llm_provider="openai", openai_base_url=api.url)
        provider = build_provider(local)
        assert isinstance(provider, OpenAIProvider)
        result = Agent(provider, local, write_traces=False).run("6 * 7?")
    assert result.answer == "42"
    assert "authorization" not in api.requests[0].headers


@pytest.mark.parametrize(
    ("name", "overrides", "needs"),
    [
        ("openai", {}, "OPENAI_API_KEY"),
        ("anthropic", {}, "ANTHROPIC_API_KEY"),
        ("ollama", {"ollama_host": "http://127.0.0.1:9"}, "no Ollama answers"),
    ],
)
def test_a_provider_that_cannot_work_fails_with_a_sentence(
    tmp_path, name: str, overrides: dict[str, str], needs: str
) -> None:
    configured = Settings(_env_file=None, data_dir=tmp_path, llm_provider=name, **overrides)
    with pytest.raises(ProviderConfigError, match=needs) as caught:
        build_provider(configured)
    assert "LLM_PROVIDER=offline" in str(caught.value)


def test_the_cli_says_why_instead_of_answering_offline(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LLM_PROVIDER", "anthropic")
    get_settings.cache_clear()
    assert main(["run", "What is 2 + 2?", "--quiet"]) == 2
    out, err = capsys.readouterr()
    assert out == ""  # no offline answer passed off as the model's
    assert err.startswith("error: LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY")
    assert "Traceback" not in err


def test_a_bad_setting_is_a_sentence_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HTTP_ALLOWED_HOSTS", "ftp://files.example.com")
    get_settings.cache_clear()
    assert main(["tools"]) == 2
    err = capsys.readouterr().err
    assert "HTTP_ALLOWED_HOSTS" in err and "scheme must be http or https" in err
    assert "Traceback" not in err
