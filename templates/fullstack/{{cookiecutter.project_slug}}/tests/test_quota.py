"""The daily token quota holds: reserved before an answer is written, settled after, and
charged for what was generated even when the client leaves or the provider reports nothing."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from {{ cookiecutter.package_name }}.models import Message, UsageDay
from {{ cookiecutter.package_name }}.product import PRODUCT
from {{ cookiecutter.package_name }}.providers import ProviderError, Usage

from .support import MakeApp, ScriptedModel, Visitor, live_visitor, make_settings, running

QUOTA = 2000


def stream_url(visitor: Visitor, conversation: int) -> str:
    page = visitor.client.get(f"/app/c/{conversation}").text
    return re.findall(r'data-stream-url="([^"]+)"', page)[-1]


def usage_row(app: object) -> UsageDay:
    with app.state.db.session() as db:  # type: ignore[attr-defined]
        return db.scalars(select(UsageDay)).one()


def test_ten_queued_questions_opened_at_once_stay_within_the_quota(
    tmp_path: Path, make_app: MakeApp
) -> None:
    settings = make_settings(tmp_path, daily_token_quota=QUOTA, llm_max_output_tokens=500)
    app = make_app(settings)
    app.state.provider = ScriptedModel(length=500, delay=0.002)
    with running(app) as base, live_visitor(base) as alice:
        alice.sign_up("alice@example.com")
        urls = [stream_url(alice, alice.start_conversation(f"Question {i}")) for i in range(10)]
        results: list[list[tuple[str, str]]] = []

        def read(url: str) -> None:  # another tab of alice's browser
            with live_visitor(base) as tab:
                tab.client.cookies = alice.client.cookies
                results.append(tab.stream(url))

        threads = [threading.Thread(target=read, args=(url,)) for url in urls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    row = usage_row(app)
    assert row.input_tokens + row.output_tokens <= QUOTA
    assert row.reserved_tokens == 0
    finals = [events[-1] for events in results]
    assert len(finals) == 10
    refused = [json.loads(data)["message"] for kind, data in finals if kind == "failure"]
    assert refused, "some of the ten answers must be refused"
    assert all("allowance of 2,000 tokens" in message for message in refused)
    assert row.requests == sum(1 for kind, _ in finals if kind == "done")


def test_an_answer_is_capped_to_what_is_left_of_the_quota(
    tmp_path: Path, make_app: MakeApp
) -> None:
    settings = make_settings(tmp_path, daily_token_quota=QUOTA, llm_max_output_tokens=800)
    app = make_app(settings)
    app.state.provider = ScriptedModel(length=800)
    with TestClient(app) as client:
        alice = Visitor(client)
        alice.sign_up("alice@example.com")
        asked = alice.post("/app/conversations", {"prompt": "Question"}, page="/app")
        while asked.status_code == 303:
            alice.stream(stream_url(alice, int(asked.headers["location"].rsplit("/", 1)[1])))
            asked = alice.post("/app/conversations", {"prompt": "Question"}, page="/app")
        assert asked.status_code == 429
    row = usage_row(app)
    assert row.requests == 3  # 800 + 800 + what was left
    assert QUOTA - 100 <= row.input_tokens + row.output_tokens <= QUOTA


def test_leaving_mid_answer_still_counts_what_was_generated(
    tmp_path: Path, make_app: MakeApp
) -> None:
    app = make_app(make_settings(tmp_path, offline_token_delay=0.05))
    with running(app) as base, live_visitor(base) as alice:
        alice.sign_up("alice@example.com")
        url = stream_url(alice, alice.start_conversation("A draft that is very very long."))
        tokens = 0
        with alice.client.stream("GET", url) as response:
            for line in response.iter_lines():
                tokens += line.startswith("event: token")
                if tokens == 5:
                    break  # the reader closes the tab
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with app.state.db.session() as db:
                answer = db.scalars(select(Message).where(Message.role == "assistant")).one()
                if answer.status != "streaming":
                    break
            time.sleep(0.05)
    assert answer.status == "error"
    assert answer.error == "You stopped this answer."
    assert answer.content.startswith(PRODUCT.wording.title.split(" (")[0])  # cut off mid-way
    row = usage_row(app)
    assert row.requests == 1
    assert row.output_tokens >= 5
    assert row.input_tokens > 0
    assert row.reserved_tokens == 0


def test_a_provider_that_reports_no_usage_is_charged_an_estimate(
    app: object, alice: Visitor
) -> None:
    app.state.provider = ScriptedModel(length=60, report_usage=False)  # type: ignore[attr-defined]
    conversation = alice.start_conversation("Count me.")
    events = alice.stream(stream_url(alice, conversation))
    done = json.loads(events[-1][1])
    assert done["output_tokens"] >= 60
    assert done["input_tokens"] > 0
    row = usage_row(app)
    assert row.output_tokens == done["output_tokens"]
    assert row.reserved_tokens == 0


class RefusesAtOnce:
    name, model = "Refusing", "test"

    async def stream(self, messages: object, max_tokens: int) -> AsyncIterator[str | Usage]:
        raise ProviderError("The provider rejected the API key (HTTP 401).")
        yield ""  # an async generator, like every provider


def test_a_call_that_fails_before_any_text_costs_nothing(app: object, alice: Visitor) -> None:
    app.state.provider = RefusesAtOnce()  # type: ignore[attr-defined]
    events = alice.stream(stream_url(alice, alice.start_conversation("Hello?")))
    assert events[-1][0] == "failure"
    row = usage_row(app)
    assert (row.input_tokens, row.output_tokens, row.reserved_tokens) == (0, 0, 0)
