"""Asking, streaming, history, quota and provider failures, through the web app."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select

from {{ cookiecutter.package_name }}.answers import estimate_tokens
from {{ cookiecutter.package_name }}.models import Message, UsageDay
from {{ cookiecutter.package_name }}.providers import SYSTEM_PROMPT, ChatMessage, ProviderError, Usage
from {{ cookiecutter.package_name }}.providers.offline import check_text

from .support import MakeApp, Visitor, make_settings

DRAFT = "This is a very very good draft. It was written quickly and it is really long."


def answer_url(visitor: Visitor, conversation: int) -> str:
    page = visitor.client.get(f"/app/c/{conversation}").text
    urls = re.findall(r'data-stream-url="([^"]+)"', page)
    assert len(urls) == 1
    return urls[0]


def test_the_answer_streams_token_by_token_in_order(app: FastAPI, alice: Visitor) -> None:
    conversation = alice.start_conversation(DRAFT)
    events = alice.stream(answer_url(alice, conversation))

    tokens = [json.loads(data) for event, data in events if event == "token"]
    expected = check_text(DRAFT)
    assert len(tokens) > 20
    assert "".join(tokens) == expected
    assert tokens == re.findall(r"\S+\s*", expected)
    assert [event for event, _ in events][-1] == "done"
    done = json.loads(events[-1][1])
    assert done["output_tokens"] == len(tokens)
    assert done["input_tokens"] == len(DRAFT.split())
    assert done["used_today"] == done["input_tokens"] + done["output_tokens"]

    # Saved: the history page shows the whole answer and its token count, no longer pending.
    page = alice.client.get(f"/app/c/{conversation}").text
    assert "data-stream-url" not in page
    flagged_line = expected.splitlines()[3].removeprefix("- ")  # what the product flags, or not
    assert str(escape(flagged_line)) in page
    assert f"{done['input_tokens']} tokens in · {done['output_tokens']} out" in page
    assert f'<span id="usage-used">{done["used_today"]}</span>' in page
    with app.state.db.session() as db:
        answer = db.scalars(select(Message).where(Message.role == "assistant")).one()
        assert (answer.status, answer.content) == ("complete", expected)


def test_each_answer_shows_its_cost_when_prices_are_set(tmp_path: Path, make_app: MakeApp) -> None:
    settings = make_settings(
        tmp_path, price_per_1k_input_tokens=1.0, price_per_1k_output_tokens=2.0
    )
    with TestClient(make_app(settings)) as client:
        alice = Visitor(client)
        alice.sign_up("alice@example.com")
        conversation = alice.start_conversation(DRAFT)
        done = json.loads(alice.stream(answer_url(alice, conversation))[-1][1])
        expected = (done["input_tokens"] * 1.0 + done["output_tokens"] * 2.0) / 1000
        assert done["cost_usd"] == round(expected, 6)
        assert f"· ${expected:.5f} ·" in client.get(f"/app/c/{conversation}").text
        assert f"(≈ ${expected:.4f})" in client.get("/account").text


def test_reconnecting_to_a_finished_answer_replays_it_without_charging(alice: Visitor) -> None:
    conversation = alice.start_conversation(DRAFT)
    url = answer_url(alice, conversation)
    first = alice.stream(url)
    replay = alice.stream(url)
    assert [e for e, _ in replay] == ["token", "done"]
    assert json.loads(replay[0][1]) == "".join(json.loads(d) for e, d in first if e == "token")
    usage = alice.client.get("/account").text
    assert "in 1 answer" in usage


def test_history_lists_conversations_and_keeps_follow_ups(alice: Visitor) -> None:
    first = alice.start_conversation("How do I start a cover letter?")
    alice.stream(answer_url(alice, first))
    reply = alice.post(
        f"/app/c/{first}/messages",
        {"prompt": "And how do I end it?"},
        page="/app",
        headers={"HX-Request": "true"},
    )
    assert reply.status_code == 200
    assert "And how do I end it?" in reply.text
    assert "data-stream-url" in reply.text  # the fragment starts its own stream
    alice.stream(re.findall(r'data-stream-url="([^"]+)"', reply.text)[0])
    second = alice.start_conversation("Is this title catchy?")
    index = alice.client.get("/app").text
    assert index.index("Is this title catchy?") < index.index("How do I start a cover letter?")
    page = alice.client.get(f"/app/c/{first}").text
    assert page.count('class="message assistant') == 2
    assert second != first


def test_without_htmx_a_question_redirects_back_to_the_conversation(alice: Visitor) -> None:
    conversation = alice.start_conversation("First.")
    response = alice.post(f"/app/c/{conversation}/messages", {"prompt": "Second."}, page="/app")
    assert response.status_code == 303
    assert response.headers["location"] == f"/app/c/{conversation}"


def test_empty_questions_get_a_form_error(alice: Visitor) -> None:
    response = alice.post("/app/conversations", {"prompt": "   "}, page="/app")
    assert response.status_code == 422
    assert "Write a question or paste some text first." in response.text
    conversation = alice.start_conversation("Real question.")
    fragment = alice.post(
        f"/app/c/{conversation}/messages",
        {"prompt": ""},
        page="/app",
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 422
    assert fragment.headers["hx-retarget"] == "#composer-error"


def test_deleting_a_conversation_removes_its_messages(app: FastAPI, alice: Visitor) -> None:
    conversation = alice.start_conversation(DRAFT)
    response = alice.post(f"/app/c/{conversation}/delete", page="/app", follow=True)
    assert "The conversation was deleted." in response.text
    assert alice.client.get(f"/app/c/{conversation}").status_code == 404
    with app.state.db.session() as db:
        assert db.scalars(select(Message)).all() == []


def test_exhausted_quota_is_explained_and_nothing_is_generated(
    tmp_path: Path, make_app: MakeApp
) -> None:
    # Room for the system prompt (it is the product's, of any length) and about 50 more tokens.
    quota = estimate_tokens(SYSTEM_PROMPT) + 50
    app = make_app(make_settings(tmp_path, daily_token_quota=quota))
    with TestClient(app) as client:
        alice = Visitor(client)
        alice.sign_up("alice@example.com")
        conversation = alice.start_conversation(DRAFT)
        done = json.loads(alice.stream(answer_url(alice, conversation))[-1][1])
        assert done["used_today"] <= quota  # the answer was cut to what the quota allowed

        page = alice.client.get("/app").text
        assert f'<meter id="usage-meter" min="0" max="{quota}"' in page
        blocked = alice.post(
            f"/app/c/{conversation}/messages",
            {"prompt": "More?"},
            page="/app",
            headers={"HX-Request": "true"},
        )
        assert blocked.status_code == 429
        assert f"used today&#39;s allowance of {quota} tokens" in blocked.text
        assert blocked.headers["hx-retarget"] == "#composer-error"
        new = alice.post("/app/conversations", {"prompt": "Another one"}, page="/app")
        assert new.status_code == 429
        assert "resets at midnight UTC" in new.text
        assert "Another one" in new.text  # the draft is kept
        with app.state.db.session() as db:
            assert len(db.scalars(select(Message)).all()) == 2  # nothing new was stored
            assert db.scalars(select(UsageDay)).one().requests == 1


class BrokenProvider:
    name, model = "Broken", "test"

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def stream(
        self, messages: Sequence[ChatMessage], max_tokens: int
    ) -> AsyncIterator[str | Usage]:
        yield "Partial "
        raise self.error


def test_provider_errors_reach_the_user_as_a_message(app: FastAPI, alice: Visitor) -> None:
    app.state.provider = BrokenProvider(ProviderError("OpenAI rejected the API key (HTTP 401)."))
    conversation = alice.start_conversation(DRAFT)
    events = alice.stream(answer_url(alice, conversation))
    assert events[0] == ("token", json.dumps("Partial "))
    assert events[-1][0] == "failure"
    # What arrived is kept, and the error says the answer was cut off and why.
    assert (
        "cut off: OpenAI rejected the API key (HTTP 401)." in json.loads(events[-1][1])["message"]
    )
    page = alice.client.get(f"/app/c/{conversation}")
    assert page.status_code == 200
    assert "OpenAI rejected the API key" in page.text
    assert 'class="message assistant failed"' in page.text


def test_unexpected_provider_crashes_are_a_message_too(app: FastAPI, alice: Visitor) -> None:
    app.state.provider = BrokenProvider(KeyError("choices"))
    conversation = alice.start_conversation(DRAFT)
    events = alice.stream(answer_url(alice, conversation))
    assert json.loads(events[-1][1])["message"].startswith("Something went wrong")


def test_a_provider_timeout_is_shown_not_a_broken_page(tmp_path: Path, make_app: MakeApp) -> None:
    def never_answers(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    settings = make_settings(
        tmp_path,
        llm_provider="openai",
        openai_api_key="sk-test",
        llm_max_retries=1,
        llm_timeout_seconds=5,
    )
    app = make_app(settings, http_transport=httpx.MockTransport(never_answers))
    app.state.provider.backoff = 0
    with TestClient(app) as client:
        alice = Visitor(client)
        alice.sign_up("alice@example.com")
        conversation = alice.start_conversation(DRAFT)
        events = alice.stream(answer_url(alice, conversation))
    assert [kind for kind, _ in events] == ["failure"]
    assert json.loads(events[0][1])["message"] == (
        "OpenAI did not answer within 5 seconds. Try again in a moment."
    )
