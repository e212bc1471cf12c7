"""A real browser: sign up, ask, watch the answer stream in, stop it, retry it, copy it, run
into the quota (the draft survives), reload and find it all in history, and a phone layout.

Chromium comes from CHROMIUM_PATH, the system (/usr/bin/chromium and friends) or
`python -m playwright install chromium`; with none of them the test is skipped and says why.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from {{ cookiecutter.package_name }}.answers import estimate_tokens
from {{ cookiecutter.package_name }}.product import PRODUCT
from {{ cookiecutter.package_name }}.providers import SYSTEM_PROMPT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Every reservation holds the system prompt's estimate, which the offline model does not bill:
# the longer the product's prompt, the sooner answers are refused. Sized so the meter still
# turns amber before that happens, for a system prompt of any length (700 for a 40-token one).
QUOTA = 540 + 4 * estimate_tokens(SYSTEM_PROMPT)
EXPECTED_REFUSAL = re.compile(r"status of (409|429)")
# The first word this product flags, twice, and a passive verb: the answer must name both.
FLAGGED = PRODUCT.flagged_words[0]
QUESTION = f"Please check this: it was written {FLAGGED} quickly and it is really {FLAGGED} rough."
FOLLOW_UP = "And this one? The budget was approved by the board."


def find_chromium() -> str | None:
    """A Chromium to drive: CHROMIUM_PATH, a system install, or Playwright's own download."""
    candidates = [os.environ.get("CHROMIUM_PATH", "")]
    candidates += [
        shutil.which(name) or ""
        for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            bundled = playwright.chromium.executable_path
    except Exception:
        return None
    return bundled if Path(bundled).is_file() else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def chromium() -> str:
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)")
    found = find_chromium()
    if found is None:
        pytest.skip(
            "no Chromium found: set CHROMIUM_PATH, install chromium, or run "
            "`python -m playwright install chromium`"
        )
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app under uvicorn on 127.0.0.1, with its own SQLite file."""
    folder = tmp_path_factory.mktemp("server")
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": f"sqlite:///{(folder / 'browser.db').as_posix()}",
        "LLM_PROVIDER": "offline",
        "OFFLINE_TOKEN_DELAY": "0.03",
        "DAILY_TOKEN_QUOTA": str(QUOTA),
        "LOG_FORMAT": "text",
    }
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "{{ cookiecutter.package_name }}",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=folder,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "server.log").read_text())
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_sign_up_ask_stream_stop_retry_copy_and_hit_the_quota(
    chromium: str, server: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 800})
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            # The browser logs refused requests (429: over quota) as errors; those are expected.
            page.on(
                "console",
                lambda m: (
                    errors.append(m.text)
                    if m.type == "error" and not EXPECTED_REFUSAL.search(m.text)
                    else None
                ),
            )

            sign_up(page, server)
            ask_and_watch_it_stream(page)
            stop_then_retry(page)
            copy_the_answer(page)
            first_conversation = page.url
            hit_the_quota_and_keep_the_draft(page, server)

            page.goto(first_conversation)
            expect(page.locator(".message.user").first).to_contain_text(QUESTION)
            expect(page.locator(".message.assistant").first).to_contain_text(f'"{FLAGGED}" (2x)')
            expect(page.get_by_role("link", name=QUESTION[:40])).to_be_visible()
            page.screenshot(path=str(tmp_path / "conversation.png"))
            conversation_url = page.url
            context.close()
            assert errors == []
            on_a_phone(browser, server, conversation_url, tmp_path)
        finally:
            browser.close()


def sign_up(page: Page, server: str) -> None:
    from playwright.sync_api import expect

    page.goto(server)
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("E-mail").fill("reader@example.com")
    page.get_by_label("Password", exact=True).fill("a long enough passphrase")
    page.get_by_label("Repeat the password").fill("a long enough passphrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Your account is ready")).to_be_visible()


def ask_and_watch_it_stream(page: Page) -> None:
    from playwright.sync_api import expect

    page.get_by_label("Your message").fill(QUESTION)
    page.get_by_role("button", name="Send").click()
    answer = page.locator(".message.assistant").last
    # Count how often the answer's text changes while it streams in.
    answer.locator(".content").evaluate(
        """el => { window.__updates = 0;
           new MutationObserver(() => window.__updates++)
             .observe(el, {childList: true, characterData: true, subtree: true}); }"""
    )
    expect(answer).to_have_attribute("data-status", "complete", timeout=20_000)
    content = answer.locator(".content").inner_text()
    assert content.startswith(PRODUCT.wording.title)
    assert f'"{FLAGGED}" (2x)' in content
    assert page.evaluate("window.__updates") > 5, "the answer arrived in one piece"
    # Rendered as Markdown once complete: the checker's bullet points are a list.
    assert answer.locator(".content.markdown li").count() >= 2
    expect(answer.locator(".meta")).to_contain_text("tokens in")
    assert page.locator("#usage-used").inner_text() != "0"


def stop_then_retry(page: Page) -> None:
    from playwright.sync_api import expect

    page.get_by_label("Your message").fill(FOLLOW_UP)
    page.get_by_role("button", name="Send").click()
    answer = page.locator(".message.assistant").nth(1)
    expect(answer.locator(".content")).to_contain_text("Offline", timeout=10_000)
    assert answer.get_by_role("button", name="Copy").is_hidden()
    answer.get_by_role("button", name="Stop").click()
    expect(answer).to_have_attribute("data-status", "error")
    expect(answer.locator(".message-error")).to_have_text("You stopped this answer.")
    stopped_at = answer.locator(".content").inner_text()
    assert "Possible passive voice" not in stopped_at
    expect(page.get_by_label("Your message")).to_have_value("")
    # The view followed the answer: its end is inside the scrolled message list.
    assert page.evaluate("""() => { const box = document.getElementById('messages');
        return box.scrollHeight - box.scrollTop - box.clientHeight < 150; }""")

    answer.get_by_role("button", name="Retry").click()
    retried = page.locator(".message.assistant").nth(1)
    expect(retried).to_have_attribute("data-status", "complete", timeout=20_000)
    expect(retried.locator(".content")).to_contain_text("Possible passive voice")
    assert page.locator(".message.assistant").count() == 2


def copy_the_answer(page: Page) -> None:
    from playwright.sync_api import expect

    answer = page.locator(".message.assistant").nth(1)
    answer.get_by_role("button", name="Copy").click()
    expect(answer.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(PRODUCT.wording.title)
    assert "- Possible passive voice" in copied  # the Markdown source, not the rendered text


def hit_the_quota_and_keep_the_draft(page: Page, server: str) -> None:
    """Each draft starts a new conversation: its prompt stays one draft long, so how fast the
    quota fills depends on the quota, not on how long this product's answers are."""
    from playwright.sync_api import expect

    levels = {page.locator("#usage").get_attribute("data-level")}
    for attempt in range(12):
        page.goto(f"{server}/app")
        draft = f"Draft number {attempt}: it was written very quickly and it is really rough."
        page.get_by_label("Your message").fill(draft)
        before = page.locator(".message.assistant").count()
        page.get_by_role("button", name="Send").click()
        refused = page.locator("#composer-error .form-error")
        answered = page.locator(".message.assistant").nth(before)
        expect(refused.or_(answered)).to_be_visible(timeout=10_000)
        if refused.is_visible():
            break
        expect(answered).to_have_attribute(
            "data-status", re.compile("complete|error"), timeout=20_000
        )
        levels.add(page.locator("#usage").get_attribute("data-level"))
    else:
        raise AssertionError("the quota never ran out")
    expect(refused).to_contain_text(f"used today's allowance of {QUOTA:,} tokens")
    expect(page.get_by_label("Your message")).to_have_value(draft)  # the draft is kept
    assert "low" in levels or "out" in levels, levels  # the meter turned amber or red
    assert page.locator("#usage").get_attribute("data-level") in ("low", "out")


def on_a_phone(browser: Browser, server: str, url: str, tmp_path: Path) -> None:
    """A phone-sized window: no sideways scrolling, the composer in view, history folded."""
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    page.goto(server + "/login")
    page.get_by_label("E-mail").fill("reader@example.com")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Log in").click()
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.get_by_label("Your message").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844
    assert page.locator(".history").is_hidden()  # folded into "History (n)"
    page.locator(".drawer > summary").click()
    assert page.locator(".history").is_visible()
    page.screenshot(path=str(tmp_path / "phone.png"))
    phone.close()
