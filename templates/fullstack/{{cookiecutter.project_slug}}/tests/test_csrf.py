"""Every request that can change state needs the CSRF token: checked route by route."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from .support import PASSWORD, Visitor


def state_changing_routes(app: FastAPI) -> list[str]:
    """Every path with a method other than GET, read from the app's own route table."""
    paths = app.openapi()["paths"]
    return sorted(path for path, methods in paths.items() if set(methods) - {"get", "head"})


def test_the_app_has_the_forms_we_expect(app: FastAPI) -> None:
    assert state_changing_routes(app) == [
        "/account/delete",
        "/account/password",
        "/account/verify-email",
        "/app/c/{conversation_id}/delete",
        "/app/c/{conversation_id}/messages",
        "/app/c/{conversation_id}/messages/{message_id}/retry",
        "/app/conversations",
        "/auth/github/link",
        "/forgot-password",
        "/login",
        "/login/email",
        "/login/link",
        "/logout",
        "/reset-password",
        "/signup",
    ]


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_every_state_changing_route_rejects_a_missing_or_wrong_token(
    app: FastAPI, alice: Visitor, token: str | None
) -> None:
    conversation = alice.start_conversation("Hello there, check this sentence.")
    for path in state_changing_routes(app):
        url = path.replace("{conversation_id}", str(conversation)).replace("{message_id}", "2")
        data = {
            "email": "alice@example.com",
            "password": PASSWORD,
            "prompt": "hi",
            "confirm": "DELETE",
            "current_password": PASSWORD,
            "new_password": "another long password",
            "new_password_confirm": "another long password",
            "password_confirm": PASSWORD,
        }
        if token:
            data["csrf_token"] = token
        response = alice.client.post(url, data=data, follow_redirects=False)
        assert response.status_code == 403, url
        assert "This form has expired" in response.text
    # Nothing happened: still signed in, the conversation is still there.
    assert alice.client.get(f"/app/c/{conversation}").status_code == 200


def test_login_form_itself_is_protected(visitor: Visitor) -> None:
    visitor.sign_up("ada@example.com")
    visitor.post("/logout", page="/app")
    response = visitor.client.post(
        "/login", data={"email": "ada@example.com", "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 403


def test_token_from_another_browser_is_rejected(alice: Visitor, other_visitor: Visitor) -> None:
    stolen = other_visitor.csrf()
    response = alice.client.post(
        "/app/conversations", data={"prompt": "x", "csrf_token": stolen}, follow_redirects=False
    )
    assert response.status_code == 403


def test_htmx_sends_the_token_as_a_header(alice: Visitor) -> None:
    conversation = alice.start_conversation("First question here.")
    token = alice.csrf(f"/app/c/{conversation}")
    response = alice.client.post(
        f"/app/c/{conversation}/messages",
        data={"prompt": "Second question."},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Second question." in response.text
