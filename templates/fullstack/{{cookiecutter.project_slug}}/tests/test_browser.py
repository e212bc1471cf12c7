"""A real browser: sign up, ask, watch the answer stream in, reload and find it in history.

Chromium comes from CHROMIUM_PATH, the system (/usr/bin/chromium and friends) or
`python -m playwright install chromium`; with none of them the test is skipped and says why.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
QUESTION = "Please check this: it was written very quickly and it is really very rough."
FOLLOW_UP = "And this one? The budget was approved by the board."


def find_chromium() -> str | None:
    """A Chromium to drive: CHROMIUM_PATH, a system install, or Playwright's own download."""
    candidates = [os.environ.get("CHROMIUM_PATH", "")]
    candidates += [shutil.which(name) or "" for name in
                   ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")]
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
        pytest.skip("no Chromium found: set CHROMIUM_PATH, install chromium, or run "
                    "`python -m playwright install chromium`")
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
        "OFFLINE_TOKEN_DELAY": "0.02",
        "LOG_FORMAT": "text",
    }
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "{{ cookiecutter.package_name }}", "serve", "--host", "127.0.0.1",
         "--port", str(port)],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
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


def test_sign_up_ask_stream_and_find_it_in_history(chromium: str, server: str,
                                                   tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

            page.goto(server)
            page.get_by_role("link", name="Sign up").first.click()
            page.get_by_label("E-mail").fill("reader@example.com")
            page.get_by_label("Password", exact=True).fill("a long enough passphrase")
            page.get_by_label("Repeat the password").fill("a long enough passphrase")
            page.get_by_role("button", name="Sign up").click()
            expect(page.get_by_text("Your account is ready")).to_be_visible()

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
            assert content.startswith("Offline writing check")
            assert '"very" (2x)' in content
            assert page.evaluate("window.__updates") > 5, "the answer arrived in one piece"
            expect(answer.locator(".meta")).to_contain_text("tokens in")
            assert page.locator("#usage-used").inner_text() != "0"

            # A follow-up goes through htmx: appended in place, streamed, the box cleared.
            page.get_by_label("Your message").fill(FOLLOW_UP)
            page.get_by_role("button", name="Send").click()
            follow_up = page.locator(".message.assistant").nth(1)
            expect(follow_up).to_have_attribute("data-status", "complete", timeout=20_000)
            expect(follow_up.locator(".content")).to_contain_text("Possible passive voice")
            expect(page.get_by_label("Your message")).to_have_value("")

            page.reload()
            expect(page.locator(".message.user").first).to_contain_text(QUESTION)
            expect(page.locator(".message.assistant").first).to_contain_text('"very" (2x)')
            expect(page.locator(".message.user").last).to_contain_text(FOLLOW_UP)
            assert page.locator(".message.assistant").count() == 2
            expect(page.get_by_role("link", name=QUESTION[:40])).to_be_visible()
            page.screenshot(path=str(tmp_path / "conversation.png"), full_page=True)
            assert errors == []
        finally:
            browser.close()
