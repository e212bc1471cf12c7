"""Provider adapters speak each vendor's real tool-calling format (faked at the HTTP boundary)."""

from __future__ import annotations

import json

import httpx
import pytest

from {{ cookiecutter.package_name }}.agent import Agent
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.providers import (
    AnthropicProvider,
    Message,
    OfflinePlanner,
    OllamaProvider,
    OpenAIProvider,
    ProviderError,
    ToolCall,
    ToolSpec,
    build_provider,
)
from {{ cookiecutter.package_name }}.providers.base import post_json

SPEC = ToolSpec(
    "calculator",
    "Evaluate arithmetic.",
    {
        "type": "object",
        "properties": {"expression": {"type": "string"}},
        "required": ["expression"],
    },
)
CONVERSATION = [
    Message("user", "What is 6 * 7 and 2 + 2?"),
    Message(
        "assistant",
        "",
        [
            ToolCall("c1", "calculator", {"expression": "6 * 7"}),
            ToolCall("c2", "calculator", {"expression": "2 + 2"}),
        ],
    ),
    # The calculator's results are computed here, so they are trusted and go out unmarked.
    Message("tool", '{"result": 42}', tool_call_id="c1", name="calculator", trusted=True),
    Message(
        "tool", "error: boom", tool_call_id="c2", name="calculator", is_error=True, trusted=True
    ),
]


def client_for(handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


# --- OpenAI -------------------------------------------------------------------------------------
def test_openai_request_shape() -> None:
    payload = OpenAIProvider("k").build_request("Be brief.", CONVERSATION, [SPEC])
    assert payload["messages"][0] == {"role": "system", "content": "Be brief."}
    assert payload["messages"][2]["tool_calls"][0] == {
        "id": "c1",
        "type": "function",
        "function": {"name": "calculator", "arguments": '{"expression": "6 * 7"}'},
    }
    assert payload["messages"][3] == {
        "role": "tool",
        "tool_call_id": "c1",
        "content": '{"result": 42}',
    }
    assert payload["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "calculator",
                "description": "Evaluate arithmetic.",
                "parameters": SPEC.parameters,
            },
        }
    ]
    assert payload["parallel_tool_calls"] is True


def test_openai_parses_parallel_calls_and_bad_json_arguments() -> None:
    response = OpenAIProvider.parse_response(
        {
            "model": "gpt-4o-mini-2024-07-18",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "tool_calls",
                    "message": {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {
                                "id": "call_a",
                                "type": "function",
                                "function": {
                                    "name": "calculator",
                                    "arguments": '{"expression": "1+1"}',
                                },
                            },
                            {
                                "id": "call_b",
                                "type": "function",
                                "function": {"name": "calculator", "arguments": '{"expression": '},
                            },
                        ],
                    },
                }
            ],
            "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
        }
    )
    first, second = response.message.tool_calls
    assert first.arguments == {"expression": "1+1"}
    assert second.arguments is None and second.raw_arguments == '{"expression": '
    assert (response.usage.input_tokens, response.usage.output_tokens) == (120, 30)


def test_openai_full_loop(settings: Settings) -> None:
    """The agent drives a fake OpenAI server: tool call, tool result back, final answer."""
    seen: list[dict] = []

    def fake_openai(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/chat/completions"
        assert request.headers["authorization"] == "Bearer sk-test"
        body = json.loads(request.content)
        seen.append(body)
        if len(seen) == 1:
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "calculator", "arguments": '{"expression": "6 * 7"}'},
                    }
                ],
            }
        else:
            message = {"role": "assistant", "content": "42"}
        return httpx.Response(
            200,
            json={
                "model": "gpt-4o-mini",
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1000, "completion_tokens": 100},
            },
        )

    provider = OpenAIProvider("sk-test", client=client_for(fake_openai))
    result = Agent(provider, settings).run("What is 6 times 7?")
    assert result.answer == "42" and result.stop_reason == "final"
    tool_message = seen[1]["messages"][-1]
    assert tool_message == {
        "role": "tool",
        "tool_call_id": "call_1",
        "content": '{"expression": "6 * 7", "result": 42}',
    }
    # gpt-4o-mini: $0.15 / $0.60 per million tokens, two calls.
    assert result.cost_usd == pytest.approx(2 * (1000 * 0.15 + 100 * 0.60) / 1e6)


# --- Anthropic ----------------------------------------------------------------------------------
def test_anthropic_request_groups_tool_results() -> None:
    payload = AnthropicProvider("k").build_request("Be brief.", CONVERSATION, [SPEC])
    assert payload["system"] == "Be brief."
    assert payload["tools"] == [
        {
            "name": "calculator",
            "description": "Evaluate arithmetic.",
            "input_schema": SPEC.parameters,
        }
    ]
    user, assistant, results = payload["messages"]
    assert user == {"role": "user", "content": "What is 6 * 7 and 2 + 2?"}
    assert [b["type"] for b in assistant["content"]] == ["tool_use", "tool_use"]
    assert assistant["content"][0]["input"] == {"expression": "6 * 7"}
    assert results["role"] == "user"
    assert results["content"] == [
        {
            "type": "tool_result",
            "tool_use_id": "c1",
            "content": '{"result": 42}',
            "is_error": False,
        },
        {"type": "tool_result", "tool_use_id": "c2", "content": "error: boom", "is_error": True},
    ]


def test_anthropic_full_loop(settings: Settings) -> None:
    calls = []

    def fake_anthropic(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/messages"
        assert request.headers["authorization"] == "Bearer sk-ant-test"
        assert request.headers["anthropic-version"] == "2026-10-21"
        calls.append(json.loads(request.content))
        if len(calls) == 1:
            content = [
                {"type": "text", "text": "I'll compute it."},
                {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "calculator",
                    "input": {"expression": "2 ** 5"},
                },
            ]
            stop = "tool_use"
        else:
            content, stop = [{"type": "text", "text": "32"}], "end_turn"
        return httpx.Response(
            200,
            json={
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "model": "claude-haiku-4-5",
                "content": content,
                "stop_reason": stop,
                "usage": {"input_tokens": 50, "output_tokens": 10},
            },
        )

    provider = AnthropicProvider("sk-ant-test", client=client_for(fake_anthropic))
    result = Agent(provider, settings).run("2 to the 5th?")
    assert result.answer == "32"
    last = calls[1]["messages"][-1]
    assert last["content"][0]["tool_use_id"] == "toolu_1"
    assert json.loads(last["content"][0]["content"])["result"] == 32


# --- Ollama -------------------------------------------------------------------------------------
def test_ollama_shapes_and_generated_ids() -> None:
    provider = OllamaProvider()
    payload = provider.build_request("", CONVERSATION, [SPEC])
    assert payload["stream"] is False
    assert payload["messages"][1]["tool_calls"][0] == {
        "function": {"name": "calculator", "arguments": {"expression": "6 * 7"}}
    }
    assert payload["messages"][2] == {
        "role": "tool",
        "content": '{"result": 42}',
        "tool_name": "calculator",
    }
    response = provider.parse_response(
        {
            "model": "llama3.1",
            "done": True,
            "prompt_eval_count": 30,
            "eval_count": 7,
            "message": {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {"function": {"name": "calculator", "arguments": {"expression": "1+2"}}},
                    {"function": {"name": "calculator", "arguments": {"expression": "3+4"}}},
                ],
            },
        }
    )
    ids = [call.id for call in response.message.tool_calls]
    assert len(set(ids)) == 2
    assert response.usage.total_tokens == 37


# --- retries and selection ----------------------------------------------------------------------
def test_retries_with_backoff_then_succeeds() -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"retry-after": "2"}),
            httpx.Response(503),
            httpx.Response(200, json={"ok": True}),
        ]
    )
    sleeps: list[float] = []
    data = post_json(
        client_for(lambda r: next(answers)),
        "https://x.test/",
        {},
        {},
        max_retries=3,
        timeout_s=1,
        sleep=sleeps.append,
    )
    assert data == {"ok": True}
    assert sleeps[0] == 2.0 and len(sleeps) == 2


def test_client_errors_are_not_retried() -> None:
    count = []

    def handler(request: httpx.Request) -> httpx.Response:
        count.append(1)
        return httpx.Response(400, json={"error": "bad tool schema"})

    with pytest.raises(ProviderError, match="HTTP 400"):
        post_json(
            client_for(handler),
            "https://x.test/",
            {},
            {},
            max_retries=3,
            timeout_s=1,
            sleep=lambda s: None,
        )
    assert len(count) == 1


def test_gives_up_after_retries_on_connection_errors() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(ProviderError):
        post_json(
            client_for(down),
            "https://x.test/",
            {},
            {},
            max_retries=2,
            timeout_s=1,
            sleep=lambda s: None,
        )


def test_provider_error_stops_the_run_cleanly(settings: Settings) -> None:
    provider = OpenAIProvider("k", client=client_for(lambda r: httpx.Response(401)))
    result = Agent(provider, settings).run("hi")
    assert result.stop_reason == "provider_error"
    assert "HTTP 401" in result.answer


def test_malformed_provider_answer_stops_the_run_cleanly(settings: Settings) -> None:
    provider = OpenAIProvider("k", client=client_for(lambda r: httpx.Response(200, json={})))
    result = Agent(provider, settings).run("hi")
    assert result.stop_reason == "provider_error"
    assert "choices" in result.answer


def test_offline_is_what_the_user_chooses(settings: Settings) -> None:
    assert isinstance(build_provider(settings, "offline"), OfflinePlanner)


def test_keys_select_the_real_provider(tmp_path) -> None:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        openai_api_key="sk-x",
        anthropic_api_key="sk-ant-x",
        llm_model="my-model",
    )
    assert isinstance(build_provider(settings, "openai"), OpenAIProvider)
    anthropic = build_provider(settings, "anthropic")
    assert isinstance(anthropic, AnthropicProvider) and anthropic.model == "my-model"
    with pytest.raises(ValueError, match="unknown LLM_PROVIDER"):
        build_provider(settings, "nope")
