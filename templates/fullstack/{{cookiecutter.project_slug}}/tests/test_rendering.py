"""Answers are Markdown, rendered on the server and sanitised: formatting survives, code is
highlighted, and nothing a model (or a prompt injection) writes can run in the browser."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from fastapi import FastAPI

from {{ cookiecutter.package_name }}.rendering import to_html

from .support import ScriptedModel, Visitor


def test_markdown_becomes_html() -> None:
    html = to_html("# Title\n\nSome **bold** and `code`.\n\n- one\n- two\n\n1. first\n")
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html and "<code>code</code>" in html
    assert html.count("<li>") == 3


def test_code_blocks_are_highlighted() -> None:
    html = to_html("```python\ndef greet(name):\n    return 'hi ' + name\n```\n")
    assert '<pre><code class="language-python">' in html
    assert '<span class="tok-k">def</span>' in html
    assert '<span class="tok-nf">greet</span>' in html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="https://example.com" onclick="alert(1)">x</a>',
        "<iframe src=https://example.com></iframe>",
        "```html\n<script>alert(1)</script>\n```",
    ],
)
def test_nothing_executable_survives(attack: str) -> None:
    elements = Elements()
    elements.feed(to_html(attack))
    tags = {tag for tag, _ in elements.found}
    attributes = {name: value or "" for _, attrs in elements.found for name, value in attrs}
    assert not tags & {"script", "img", "iframe"}
    assert not [name for name in attributes if name.startswith("on")]
    assert not attributes.get("href", "").lower().startswith("javascript:")


class Elements(HTMLParser):
    """Every element and its attributes, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def test_links_cannot_reach_back_into_the_opener() -> None:
    html = to_html("[docs](https://example.com/docs)")
    assert 'href="https://example.com/docs"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_a_finished_answer_is_shown_rendered(app: FastAPI, alice: Visitor) -> None:
    app.state.provider = ScriptedModel(length=3)
    conversation = alice.start_conversation("Hi")
    page = alice.client.get(f"/app/c/{conversation}").text
    url = page.split('data-stream-url="')[1].split('"')[0]
    done = alice.stream(url)[-1]
    assert done[0] == "done"
    assert '"html": "<p>word0 word1 word2</p>' in done[1]
    shown = alice.client.get(f"/app/c/{conversation}").text
    assert '<div class="content markdown"><p>word0 word1 word2</p>' in shown
