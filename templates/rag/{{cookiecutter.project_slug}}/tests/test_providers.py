"""Provider adapters speak each real API; tested at the HTTP boundary with httpx.MockTransport."""

from __future__ import annotations

import http.server
import importlib.util
import json
import threading
from typing import ClassVar

import httpx
import numpy as np
import pytest

from {{ cookiecutter.package_name }}.config import ConfigError, Settings
from {{ cookiecutter.package_name }}.embeddings import (
    HashingEmbedder,
    OllamaEmbedder,
    OpenAIEmbedder,
    build_embedder,
)
from {{ cookiecutter.package_name }}.providers import (
    ANTHROPIC_API_VERSION,
    AnthropicChat,
    Completion,
    OllamaChat,
    OpenAIChat,
    build_llm,
)
from {{ cookiecutter.package_name }}.providers import http as http_module
from {{ cookiecutter.package_name }}.providers.http import ProviderError, post_json


def client(handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr(http_module.time, "sleep", waits.append)
    return waits


def test_openai_chat_request_answer_and_cost() -> None:
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["url"] = str(request.url)
        seen["auth"] = request.headers["authorization"]
        seen["body"] = json.loads(request.content)
        return httpx.Response(
            200,
            json={
                "choices": [{"message": {"content": "Sixty days [1]."}}],
                "usage": {"prompt_tokens": 2000, "completion_tokens": 50},
            },
        )

    settings = Settings(llm_provider="openai", openai_api_key="sk-test")
    completion = OpenAIChat(settings, client(handler)).complete("sys", "user")
    assert seen["url"] == "https://api.openai.com/v1/chat/completions"
    assert seen["auth"] == "Bearer sk-test"
    assert seen["body"]["messages"][0] == {"role": "system", "content": "sys"}
    assert completion.text == "Sixty days [1]."
    assert completion.usage.input_tokens == 2000
    assert completion.usage.cost_usd == pytest.approx((2000 * 0.15 + 50 * 0.60) / 1e6)


def test_openai_stream_parses_server_sent_events() -> None:
    events = [
        {"choices": [{"delta": {"content": "Sixty"}}]},
        {"choices": [{"delta": {"content": " days"}}]},
        {"choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": 2}},
    ]
    body = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"

    def handler(request: httpx.Request) -> httpx.Response:
        assert json.loads(request.content)["stream"] is True
        return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})

    settings = Settings(llm_provider="openai", openai_api_key="sk-test")
    out = list(OpenAIChat(settings, client(handler)).stream("s", "u"))
    assert out[:2] == ["Sixty", " days"]
    assert isinstance(out[-1], Completion)
    assert out[-1].text == "Sixty days" and out[-1].usage.output_tokens == 2


def test_anthropic_messages_request_and_usage() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/messages"
        # What the current anthropic SDK (2.14.0 on PyPI) sends: the key as a bearer token
        # and its API version; an older pair is what a reviewer checks first.
        assert request.headers["authorization"] == "Bearer ak-test"
        assert request.headers["anthropic-version"] == ANTHROPIC_API_VERSION == "2026-10-21"
        assert "x-api-key" not in request.headers
        body = json.loads(request.content)
        assert body["system"] == "sys"
        return httpx.Response(
            200,
            json={
                "content": [{"type": "text", "text": "Answer [2]."}],
                "usage": {"input_tokens": 300, "output_tokens": 20},
            },
        )

    settings = Settings(llm_provider="anthropic", anthropic_api_key="ak-test")
    completion = AnthropicChat(settings, client(handler)).complete("sys", "user")
    assert completion.text == "Answer [2]."
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (300, 20)
    assert completion.usage.cost_usd is not None


def test_anthropic_stream() -> None:
    events = [
        {"type": "message_start", "message": {"usage": {"input_tokens": 12}}},
        {"type": "content_block_delta", "delta": {"type": "text_delta", "text": "Hi"}},
        {"type": "content_block_delta", "delta": {"type": "text_delta", "text": " there"}},
        {"type": "message_delta", "usage": {"output_tokens": 3}},
    ]
    body = "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events)
    settings = Settings(llm_provider="anthropic", anthropic_api_key="ak")
    chat = AnthropicChat(settings, client(lambda r: httpx.Response(200, text=body)))
    *pieces, final = list(chat.stream("s", "u"))
    assert pieces == ["Hi", " there"]
    assert (final.text, final.usage.input_tokens, final.usage.output_tokens) == ("Hi there", 12, 3)


def test_ollama_chat_and_stream_cost_nothing() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == "http://gpu-box:11434/api/chat"
        if json.loads(request.content)["stream"]:
            lines = [
                {"message": {"content": "A"}, "done": False},
                {
                    "message": {"content": "B"},
                    "done": True,
                    "prompt_eval_count": 5,
                    "eval_count": 2,
                },
            ]
            return httpx.Response(200, text="\n".join(json.dumps(x) for x in lines))
        return httpx.Response(
            200, json={"message": {"content": "AB"}, "prompt_eval_count": 5, "eval_count": 2}
        )

    settings = Settings(llm_provider="ollama", ollama_host="http://gpu-box:11434")
    chat = OllamaChat(settings, client(handler))
    assert chat.complete("s", "u").usage.cost_usd == 0.0
    *pieces, final = list(chat.stream("s", "u"))
    assert pieces == ["A", "B"] and final.usage.output_tokens == 2


def test_transient_errors_are_retried_with_backoff(no_sleep: list[float]) -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.ConnectError("refused", request=request)
        if calls["n"] == 2:
            return httpx.Response(429, headers={"retry-after": "2"}, text="slow down")
        return httpx.Response(200, json={"ok": True})

    assert post_json(client(handler), "http://x/y", {}, max_retries=3) == {"ok": True}
    assert calls["n"] == 3
    assert len(no_sleep) == 2
    assert no_sleep[1] >= 2.0  # Retry-After is honoured


def test_client_errors_are_not_retried_and_exhausted_retries_fail(no_sleep: list[float]) -> None:
    calls = {"n": 0}

    def bad_request(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        return httpx.Response(401, text="bad key")

    with pytest.raises(ProviderError, match="401"):
        post_json(client(bad_request), "http://x/y", {}, max_retries=3)
    assert calls["n"] == 1
    with pytest.raises(ProviderError, match="503"):
        post_json(client(lambda r: httpx.Response(503)), "http://x/y", {}, max_retries=2)
    assert len(no_sleep) == 2


def test_openai_and_ollama_embeddings() -> None:
    def openai(request: httpx.Request) -> httpx.Response:
        inputs = json.loads(request.content)["input"]
        data = [
            {"index": i, "embedding": [float(text[1:]), 1.0, 0.0]} for i, text in enumerate(inputs)
        ]
        return httpx.Response(200, json={"data": list(reversed(data))})

    settings = Settings(embedding_provider="openai", openai_api_key="sk")
    vectors = OpenAIEmbedder(settings, client(openai)).embed([f"t{i}" for i in range(70)])
    assert vectors.shape == (70, 3) and vectors.dtype == np.float32
    assert vectors[69, 0] == 69.0  # batches of 64, re-ordered by index

    def ollama(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/embed"
        return httpx.Response(200, json={"embeddings": [[0.5, 0.5]]})

    assert OllamaEmbedder(Settings(), client(ollama)).embed(["x"]).shape == (1, 2)


def test_ollama_down_gives_an_actionable_error() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(ProviderError, match="ollama serve"):
        OllamaEmbedder(Settings(max_retries=0), client(down)).embed(["x"])


def test_a_chosen_provider_without_its_key_is_an_error_not_a_quiet_offline_answer() -> None:
    with pytest.raises(ConfigError, match="LLM_PROVIDER=openai needs OPENAI_API_KEY"):
        build_llm(Settings(llm_provider="openai"))
    with pytest.raises(ConfigError, match="LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY"):
        build_llm(Settings(llm_provider="anthropic"))
    with pytest.raises(ConfigError, match="EMBEDDING_PROVIDER=openai needs OPENAI_API_KEY"):
        build_embedder(Settings(embedding_provider="openai"))
    # Only the offline choices answer offline.
    assert build_llm(Settings(llm_provider="offline")) is None
    assert isinstance(build_llm(Settings(llm_provider="ollama")), OllamaChat)
    assert build_embedder(Settings(embedding_provider="none")) is None
    assert isinstance(build_embedder(Settings(embedding_provider="hashing")), HashingEmbedder)


def test_the_cli_says_what_to_set_when_the_chosen_provider_has_no_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from {{ cookiecutter.package_name }}.cli import main

    monkeypatch.setenv("LLM_PROVIDER", "openai")
    assert main(["ask", "anything"]) == 2
    err = capsys.readouterr().err
    assert "OPENAI_API_KEY" in err and "OPENAI_BASE_URL" in err and "Traceback" not in err


class _LocalOpenAIServer(http.server.BaseHTTPRequestHandler):
    """A strict stand-in for llama.cpp / vLLM: OpenAI's wire format, no key configured."""

    seen: ClassVar[list[dict[str, str]]] = []

    def do_POST(self) -> None:  # http.server's method naming
        length = int(self.headers["content-length"])
        body = json.loads(self.rfile.read(length))
        type(self).seen.append(dict(self.headers))
        if self.path.endswith("/embeddings"):
            answer = {
                "data": [{"index": i, "embedding": [1.0, 0.0]} for i, _ in enumerate(body["input"])]
            }
        else:
            answer = {
                "choices": [{"message": {"content": "Local answer [1]."}}],
                "usage": {"prompt_tokens": 5, "completion_tokens": 3},
            }
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def test_a_local_openai_compatible_server_needs_no_key_and_gets_no_authorization() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _LocalOpenAIServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        settings = Settings.from_env(
            {"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": url, "EMBEDDING_PROVIDER": "openai"}
        )
        llm = build_llm(settings)
        assert isinstance(llm, OpenAIChat)
        assert llm.complete("sys", "user").text == "Local answer [1]."
        embedder = build_embedder(settings)
        assert embedder is not None and embedder.embed(["a", "b"]).shape == (2, 2)
    finally:
        server.shutdown()
        server.server_close()
    assert len(_LocalOpenAIServer.seen) == 2
    assert all("Authorization" not in headers for headers in _LocalOpenAIServer.seen)


@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is not None,
    reason="sentence-transformers is installed",
)
def test_sentence_transformers_is_optional_with_a_clear_error() -> None:
    with pytest.raises(ConfigError, match=r"pip install -e \"\.\[sentence-transformers\]\""):
        build_embedder(Settings(embedding_provider="sentence-transformers"))


def test_hashing_embedder_is_deterministic_and_normalised() -> None:
    embedder = HashingEmbedder(64)
    a, b, c = embedder.embed(["sync conflicts", "sync conflicts", "pricing plans"])
    assert np.allclose(a, b)
    assert np.isclose(np.linalg.norm(a), 1.0)
    assert float(a @ c) < float(a @ b)
