"""One answer is written once, survives a crash as a retryable failure, and a dropped
connection never repeats what already arrived."""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from {{ cookiecutter.package_name }}.models import Message, UsageDay
from {{ cookiecutter.package_name }}.product import PRODUCT

from .support import (
    MakeApp,
    ScriptedModel,
    Visitor,
    database_url,
    live_visitor,
    make_settings,
    running,
    serve_command,
)


def stream_url(visitor: Visitor, conversation: int) -> str:
    page = visitor.client.get(f"/app/c/{conversation}").text
    return re.findall(r'data-stream-url="([^"]+)"', page)[-1]


def tokens_of(events: list[tuple[str, str]]) -> str:
    return "".join(json.loads(data) for kind, data in events if kind == "token")


def test_five_concurrent_streams_of_one_answer_generate_and_bill_it_once(
    tmp_path: Path, make_app: MakeApp
) -> None:
    app = make_app(make_settings(tmp_path))
    model = app.state.provider = ScriptedModel(length=40, delay=0.01)
    with running(app) as base, live_visitor(base) as alice:
        alice.sign_up("alice@example.com")
        url = stream_url(alice, alice.start_conversation("Write it once."))
        results: list[list[tuple[str, str]]] = []

        def read() -> None:
            with live_visitor(base) as tab:
                tab.client.cookies = alice.client.cookies
                results.append(tab.stream(url))

        threads = [threading.Thread(target=read) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert model.calls == 1
    expected = "".join(f"word{i} " for i in range(40))
    assert [tokens_of(events) for events in results] == [expected] * 5
    assert all(events[-1][0] == "done" for events in results)
    with app.state.db.session() as db:
        assert db.scalars(select(UsageDay)).one().requests == 1


# --- a hard kill mid-answer -------------------------------------------------------------------
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_an_answer_cut_off_by_a_hard_kill_becomes_a_failure_with_retry(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    stale = {"ANSWER_STALE_SECONDS": "1"}
    with (
        serve_command(tmp_path, url, OFFLINE_TOKEN_DELAY="0.1", **stale) as (base, process),
        live_visitor(base) as alice,
    ):
        alice.sign_up("alice@example.com")
        conversation = alice.start_conversation("A draft. It was written very quickly.")
        with alice.client.stream("GET", stream_url(alice, conversation)) as response:
            seen = 0
            for line in response.iter_lines():
                seen += line.startswith("event: token")
                if seen == 12:  # past a heartbeat: part of the answer is saved
                    os.kill(process.pid, signal.SIGKILL)
                    break
        process.wait(timeout=10)
        cookies = alice.client.cookies

    with (
        serve_command(tmp_path, url, OFFLINE_TOKEN_DELAY="0", **stale) as (base, _),
        live_visitor(base) as alice,
    ):
        alice.client.cookies = cookies
        page = alice.client.get(f"/app/c/{conversation}").text
        assert "Still being written" not in page
        assert 'class="message assistant failed"' in page
        assert "the server stopped while writing it" in page
        assert PRODUCT.wording.title.split(" (")[0] in page  # what arrived before the kill is kept
        retry = re.search(r'action="(/app/c/\d+/messages/\d+/retry)"', page)
        assert retry
        assert alice.post(retry.group(1), page=f"/app/c/{conversation}").status_code == 303
        events = alice.stream(stream_url(alice, conversation))
        assert events[-1][0] == "done"
        assert tokens_of(events).startswith(PRODUCT.wording.title)


# --- providers: retries only before the first token; 529 is "try again" ----------------------
class DropsMidAnswer(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")


OPENAI_CHUNKS = [
    b'data: {"choices":[{"delta":{"content":"The first "}}]}\n\n',
    b'data: {"choices":[{"delta":{"content":"half. "}}]}\n\n',
]
ANTHROPIC_CHUNKS = [
    b'data: {"type":"message_start","message":{"usage":{"input_tokens":12}}}\n\n',
    b'data: {"type":"content_block_delta","delta":{"text":"The first "}}\n\n',
    b'data: {"type":"content_block_delta","delta":{"text":"half. "}}\n\n',
]


def provider_app(make_app: MakeApp, tmp_path: Path, provider: str, handler: object) -> FastAPI:
    settings = make_settings(
        tmp_path,
        llm_provider=provider,
        openai_api_key="sk-test",
        anthropic_api_key="sk-ant-test",
        llm_max_retries=2,
    )
    app = make_app(settings, http_transport=httpx.MockTransport(handler))  # type: ignore[arg-type]
    app.state.provider.backoff = 0
    return app


@pytest.mark.parametrize(
    ("provider", "chunks"), [("openai", OPENAI_CHUNKS), ("anthropic", ANTHROPIC_CHUNKS)]
)
def test_a_connection_dropped_mid_answer_is_not_retried(
    tmp_path: Path, make_app: MakeApp, provider: str, chunks: list[bytes]
) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, stream=DropsMidAnswer(chunks)
        )

    app = provider_app(make_app, tmp_path, provider, handler)
    with TestClient(app) as client:
        alice = Visitor(client)
        alice.sign_up("alice@example.com")
        conversation = alice.start_conversation("Tell me.")
        events = alice.stream(stream_url(alice, conversation))
        page = client.get(f"/app/c/{conversation}").text
    assert len(calls) == 1
    assert tokens_of(events) == "The first half. "
    assert events[-1][0] == "failure"
    assert "cut off" in json.loads(events[-1][1])["message"]
    with app.state.db.session() as db:
        answer = db.scalars(select(Message).where(Message.role == "assistant")).one()
        assert (answer.status, answer.content) == ("error", "The first half. ")
    assert page.count("The first half.") == 2  # the shown answer, and the copy text
    assert "What arrived is kept above" in page


def test_a_drop_before_the_first_token_is_retried(tmp_path: Path, make_app: MakeApp) -> None:
    """Anthropic's stream starts with bookkeeping events: losing it there repeats nothing."""
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(
                200,
                headers={"content-type": "text/event-stream"},
                stream=DropsMidAnswer(ANTHROPIC_CHUNKS[:1]),
            )
        body = b"".join(ANTHROPIC_CHUNKS)
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)

    app = provider_app(make_app, tmp_path, "anthropic", handler)
    with TestClient(app) as client:
        alice = Visitor(client)
        alice.sign_up("alice@example.com")
        events = alice.stream(stream_url(alice, alice.start_conversation("Again?")))
    assert len(calls) == 2
    assert events[-1][0] == "done"
    assert tokens_of(events) == "The first half. "


def test_anthropic_overloaded_529_is_retried_like_a_429(tmp_path: Path, make_app: MakeApp) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(
                529,
                json={
                    "type": "error",
                    "error": {"type": "overloaded_error", "message": "Overloaded"},
                },
            )
        body = b"".join(
            [*ANTHROPIC_CHUNKS, b'data: {"type":"message_delta","usage":{"output_tokens":3}}\n\n']
        )
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)

    app = provider_app(make_app, tmp_path, "anthropic", handler)
    with TestClient(app) as client:
        alice = Visitor(client)
        alice.sign_up("alice@example.com")
        events = alice.stream(stream_url(alice, alice.start_conversation("Busy?")))
    assert len(calls) == 2
    assert events[-1][0] == "done"
    assert tokens_of(events) == "The first half. "
