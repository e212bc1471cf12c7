"""Each provider against a recorded-style stream, served by a fake transport (no network)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from {{ cookiecutter.package_name }}.product import PRODUCT
from {{ cookiecutter.package_name }}.providers import (
    ChatMessage,
    Provider,
    ProviderError,
    Usage,
    make_provider,
)
from {{ cookiecutter.package_name }}.providers.offline import OfflineProvider, check_text

from .support import make_settings

QUESTION = [ChatMessage("user", "Is this sentence clear?")]


def collect(provider: Provider, messages: list[ChatMessage] = QUESTION) -> list[str | Usage]:
    async def run() -> list[str | Usage]:
        return [item async for item in provider.stream(messages, max_tokens=100)]

    return asyncio.run(run())


def provider_for(
    tmp_path: Path,
    name: str,
    handler: Callable[[httpx.Request], httpx.Response],
    **overrides: object,
) -> Provider:
    settings = make_settings(
        tmp_path,
        llm_provider=name,
        openai_api_key="sk-test",
        anthropic_api_key="sk-ant-test",
        **overrides,
    )
    provider = make_provider(settings, transport=httpx.MockTransport(handler))
    provider.backoff = 0  # type: ignore[attr-defined]
    return provider


def sse_body(*events: object, done: bool = False) -> bytes:
    lines = [f"data: {json.dumps(e)}\n\n" for e in events] + (["data: [DONE]\n\n"] if done else [])
    return "".join(lines).encode()


def test_openai_streams_deltas_and_reports_usage(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            content=sse_body(
                {"choices": [{"delta": {"role": "assistant"}}]},
                {"choices": [{"delta": {"content": "Yes, "}}]},
                {"choices": [{"delta": {"content": "mostly."}}]},
                {"choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": 3}},
                done=True,
            ),
            headers={"content-type": "text/event-stream"},
        )

    items = collect(provider_for(tmp_path, "openai", handler))
    assert items == ["Yes, ", "mostly.", Usage(12, 3)]
    request = seen[0]
    assert request.url == "https://api.openai.com/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    body = json.loads(request.content)
    assert body["stream"] is True and body["model"] == "gpt-4o-mini"
    assert body["messages"][-1] == {"role": "user", "content": "Is this sentence clear?"}


def test_anthropic_streams_text_deltas_and_usage(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            content=(
                b"event: message_start\n"
                + sse_body({"type": "message_start", "message": {"usage": {"input_tokens": 9}}})
                + sse_body({"type": "content_block_start", "index": 0})
                + sse_body(
                    {
                        "type": "content_block_delta",
                        "delta": {"type": "text_delta", "text": "Clear "},
                    }
                )
                + sse_body(
                    {
                        "type": "content_block_delta",
                        "delta": {"type": "text_delta", "text": "enough."},
                    }
                )
                + sse_body({"type": "message_delta", "usage": {"output_tokens": 4}})
                + sse_body({"type": "message_stop"})
            ),
        )

    items = collect(provider_for(tmp_path, "anthropic", handler))
    assert items == ["Clear ", "enough.", Usage(9, 4)]
    assert seen[0].headers["x-api-key"] == "sk-ant-test"
    assert seen[0].headers["anthropic-version"]
    assert json.loads(seen[0].content)["system"]


def test_ollama_streams_json_lines(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url == "http://localhost:11434/api/chat"
        lines = [
            {"message": {"content": "Quite "}, "done": False},
            {"message": {"content": "clear."}, "done": False},
            {"message": {"content": ""}, "done": True, "prompt_eval_count": 7, "eval_count": 2},
        ]
        return httpx.Response(200, content="\n".join(json.dumps(x) for x in lines).encode())

    assert collect(provider_for(tmp_path, "ollama", handler)) == ["Quite ", "clear.", Usage(7, 2)]


def test_transient_errors_are_retried_with_backoff(tmp_path: Path) -> None:
    answers = iter(
        [
            httpx.Response(503),
            httpx.Response(429),
            httpx.Response(
                200, content=sse_body({"choices": [{"delta": {"content": "ok"}}]}, done=True)
            ),
        ]
    )

    provider = provider_for(tmp_path, "openai", lambda request: next(answers), llm_max_retries=2)
    assert collect(provider)[0] == "ok"


def test_a_rejected_key_is_a_readable_error(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": {"message": "Incorrect API key provided"}})

    with pytest.raises(ProviderError, match="rejected the API key"):
        collect(provider_for(tmp_path, "openai", handler))


def test_errors_name_the_status_and_the_reason(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"error": "model 'llama3.2' not found"})

    expected = "Ollama answered HTTP 404: model 'llama3.2' not found"
    with pytest.raises(ProviderError, match=re.escape(expected)):
        collect(provider_for(tmp_path, "ollama", handler))


def test_unreachable_server_and_timeouts_become_provider_errors(tmp_path: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ProviderError, match=r"Could not reach Ollama at http://localhost:11434\."):
        collect(provider_for(tmp_path, "ollama", refuse, llm_max_retries=1))

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(ProviderError, match="did not answer within 7 seconds"):
        collect(provider_for(tmp_path, "anthropic", slow, llm_timeout_seconds=7))


def test_an_error_event_inside_the_stream_is_reported(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            content=sse_body(
                {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
            ),
        )

    with pytest.raises(ProviderError, match="Anthropic: Overloaded"):
        collect(provider_for(tmp_path, "anthropic", handler))


def test_the_provider_is_chosen_by_configuration(tmp_path: Path) -> None:
    assert make_provider(make_settings(tmp_path)).name == "offline"
    hosted = make_provider(
        make_settings(tmp_path, llm_provider="openai", openai_api_key="k", llm_model="gpt-4.1-mini")
    )
    assert (hosted.name, hosted.model) == ("OpenAI", "gpt-4.1-mini")
    assert make_provider(make_settings(tmp_path, llm_provider="ollama")).name == "Ollama"
    # In development a missing key falls back to the offline model (and the page says so).
    assert make_provider(make_settings(tmp_path, llm_provider="anthropic")).name == "offline"


def test_the_offline_model_is_honest_and_deterministic() -> None:
    flagged = PRODUCT.flagged_words[0]
    text = (
        f"The report was written by the team. It is {flagged} {flagged} long "
        f"and it is {flagged} dull."
    )
    items = collect(OfflineProvider(), [ChatMessage("user", text)])
    answer = "".join(i for i in items if isinstance(i, str))
    assert answer == check_text(text)
    assert answer.startswith(PRODUCT.wording.title)
    assert "(rule-based; no language model is connected)" in answer
    assert f'"{flagged}" (3x)' in answer
    assert '"was written"' in answer
    assert items[-1] == Usage(input_tokens=len(text.split()), output_tokens=len(items) - 1)
    assert collect(OfflineProvider(), [ChatMessage("user", text)]) == items
