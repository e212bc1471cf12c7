"""Bad input is a 4xx with a sentence, never a 500; private pages are never cached."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from .support import PASSWORD, Visitor

NUL = "\x00"
NUL_SENTENCE = "NUL character"


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/login", {"email": f"ada{NUL}@example.com", "password": PASSWORD}),
        (
            "/signup",
            {
                "email": "ada@example.com",
                "password": f"pass{NUL}word long",
                "password_confirm": f"pass{NUL}word long",
            },
        ),
        ("/forgot-password", {"email": f"{NUL}"}),
    ],
)
def test_a_nul_byte_in_an_anonymous_form_is_a_400_with_a_sentence(
    visitor: Visitor, path: str, fields: dict[str, str]
) -> None:
    response = visitor.post(path, fields)
    assert response.status_code == 400
    assert NUL_SENTENCE in response.text


def test_a_nul_byte_in_a_question_or_a_query_is_a_400(alice: Visitor) -> None:
    response = alice.post("/app/conversations", {"prompt": f"Hello{NUL}there"}, page="/app")
    assert response.status_code == 400
    assert NUL_SENTENCE in response.text
    assert alice.client.get("/login?next=%00").status_code == 400
    assert alice.client.get("/reset-password?token=%00").status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/app/c/99999999999999999999",
        "/app/c/2147483648",
        "/app/c/0",
        "/app/c/-1",
        "/app/c/1/messages/9223372036854775808/stream",
    ],
)
def test_ids_no_database_can_hold_are_not_found(alice: Visitor, path: str) -> None:
    response = alice.client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_posting_to_an_impossible_id_is_not_found_either(alice: Visitor) -> None:
    response = alice.post("/app/c/99999999999999999999/messages", {"prompt": "Hi"}, page="/app")
    assert response.status_code == 404


def test_private_pages_are_not_stored_by_browsers_or_proxies(
    alice: Visitor, client: TestClient
) -> None:
    conversation = alice.start_conversation("Private thoughts.")
    for path in ("/app", f"/app/c/{conversation}", "/account", "/login"):
        assert client.get(path).headers["cache-control"] == "no-store", path
    stream = client.get(
        client.get(f"/app/c/{conversation}").text.split('data-stream-url="')[1].split('"')[0]
    )
    assert stream.headers["cache-control"] == "no-store"
    assert "no-store" not in client.get("/static/style.css").headers.get("cache-control", "")
