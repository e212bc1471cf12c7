"""The product is what `product.py` says it is: the landing page, the chat page, the offline
answers, the model's system prompt and the evaluation all follow it (edit it, and they change)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from markupsafe import escape

from {{ cookiecutter.package_name }} import evals
from {{ cookiecutter.package_name }}.product import PRODUCT
from {{ cookiecutter.package_name }}.providers import ChatMessage, make_provider
from {{ cookiecutter.package_name }}.providers.offline import OfflineProvider, check_text

from .support import Visitor, make_settings

CASES = Path(__file__).resolve().parents[1] / "evals" / "cases.jsonl"


def shown(text: str) -> str:
    """How a piece of copy appears in the HTML (the pages escape quotes and ampersands)."""
    return str(escape(text))


def test_a_visitor_sees_this_products_headline_pitch_and_examples(client: TestClient) -> None:
    page = client.get("/").text
    assert f"<h1>{shown(PRODUCT.headline)}</h1>" in page
    assert shown(PRODUCT.description) in page
    assert shown(PRODUCT.pitch) in page
    for example in PRODUCT.example_prompts:
        assert f"<li>{shown(example)}</li>" in page


def test_a_new_user_is_greeted_in_this_products_words(visitor: Visitor) -> None:
    visitor.sign_up("grace@example.com")
    page = visitor.client.get("/app").text
    assert f"<h1>{shown(PRODUCT.chat_heading)}</h1>" in page
    assert shown(PRODUCT.chat_hint) in page


def test_the_offline_model_answers_every_example_in_this_products_words() -> None:
    for example in PRODUCT.example_prompts:
        answer = check_text(example)
        assert answer.startswith(PRODUCT.wording.title)
        assert answer.endswith(PRODUCT.wording.closing)
    # The first example is there to show what the product flags: the answer names it.
    first = check_text(PRODUCT.example_prompts[0])
    flagged_line = PRODUCT.wording.flagged.split("{found}")[0]
    assert flagged_line in first
    assert check_text("...").splitlines()[-1] == PRODUCT.wording.nothing_to_check
    assert OfflineProvider().model == PRODUCT.offline_model


def test_a_flagged_phrase_counts_whole_words_only() -> None:
    phrase = PRODUCT.flagged_words[0]
    answer = check_text(f"We {phrase} agree. We {phrase} do. Not x{phrase}x.")
    assert f'"{phrase}" (2x)' in answer


def test_a_real_model_is_told_what_the_product_is(tmp_path: Path) -> None:
    sent: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        body = 'data: {"choices": [{"delta": {"content": "Noted."}}]}\n\ndata: [DONE]\n\n'
        return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})

    settings = make_settings(tmp_path, llm_provider="openai", openai_api_key="sk-test")
    provider = make_provider(settings, transport=httpx.MockTransport(handler))

    async def ask() -> list[object]:
        return [item async for item in provider.stream([ChatMessage("user", "Hi")], 50)]

    asyncio.run(ask())
    system = sent[0]["messages"][0]  # type: ignore[index]
    assert system["role"] == "system"
    assert system["content"] == PRODUCT.system_prompt


def test_the_evaluation_measures_this_product() -> None:
    cases = evals.load_cases(CASES)
    results = evals.run(OfflineProvider(), cases, max_tokens=800)
    assert [r.name for r in results if not r.passed] == []
    # The cases check this product's own words, not only generic ones.
    vocabulary = " ".join(
        [*PRODUCT.flagged_words, *(str(v) for v in vars(PRODUCT.wording).values())]
    ).lower()
    wanted = {str(w).lower() for case in cases for w in case.get("must_mention", [])}
    assert any(word in vocabulary for word in wanted)
