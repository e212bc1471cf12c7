"""Account settings: change the password, delete the account and all its data."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from {{ cookiecutter.package_name }}.models import Conversation, Message, UsageDay, User, UserSession

from .support import PASSWORD, Visitor

NEW_PASSWORD = "a brand new passphrase"


def change(visitor: Visitor, current: str, new: str, confirm: str | None = None) -> httpx.Response:
    return visitor.post(
        "/account/password",
        {
            "current_password": current,
            "new_password": new,
            "new_password_confirm": new if confirm is None else confirm,
        },
        page="/account",
    )


def test_changing_the_password_needs_the_current_one(alice: Visitor) -> None:
    response = change(alice, "not my password", NEW_PASSWORD)
    assert response.status_code == 422
    assert "That is not your current password." in response.text
    weak = change(alice, PASSWORD, "short")
    assert "Use at least 10 characters." in weak.text
    mismatch = change(alice, PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert "don&#39;t match" in mismatch.text


def test_a_new_password_signs_out_every_other_device(
    app: FastAPI, alice: Visitor, other_visitor: Visitor
) -> None:
    other_visitor.log_in("alice@example.com")  # Alice on her phone
    assert other_visitor.client.get("/app").status_code == 200

    response = change(alice, PASSWORD, NEW_PASSWORD)
    assert response.headers["location"] == "/account?notice=password-changed"
    assert alice.client.get("/account").status_code == 200  # this browser stays signed in
    assert other_visitor.client.get("/app", follow_redirects=False).status_code == 303
    with app.state.db.session() as db:
        assert db.scalar(select(func.count()).select_from(UserSession)) == 1

    alice.post("/logout", page="/app")
    assert alice.log_in("alice@example.com", PASSWORD).status_code == 401
    assert alice.log_in("alice@example.com", NEW_PASSWORD).status_code == 303


def test_deleting_the_account_needs_confirmation(app: FastAPI, alice: Visitor) -> None:
    wrong = alice.post(
        "/account/delete", {"confirm": "delete", "password": PASSWORD}, page="/account"
    )
    assert wrong.status_code == 422
    assert "Nothing was deleted" in wrong.text
    no_password = alice.post(
        "/account/delete", {"confirm": "DELETE", "password": "nope"}, page="/account"
    )
    assert no_password.status_code == 422
    with app.state.db.session() as db:
        assert db.scalar(select(func.count()).select_from(User)) == 1


def test_deleting_the_account_removes_everything(
    app: FastAPI, alice: Visitor, other_visitor: Visitor
) -> None:
    other_visitor.sign_up("bob@example.com")
    bob_conversation = other_visitor.start_conversation("Bob's own text.")
    conversation = alice.start_conversation("Alice's text, very private.")
    page = alice.client.get(f"/app/c/{conversation}").text
    alice.stream(page.split('data-stream-url="')[1].split('"')[0])

    response = alice.post(
        "/account/delete", {"confirm": "DELETE", "password": PASSWORD}, page="/account", follow=True
    )
    assert "Your account and all its data were deleted." in response.text
    assert alice.client.get("/app", follow_redirects=False).status_code == 303
    assert alice.log_in("alice@example.com").status_code == 401
    with app.state.db.session() as db:
        assert db.scalars(select(User.email)).all() == ["bob@example.com"]
        assert db.scalars(select(Conversation.id)).all() == [bob_conversation]
        assert {m.conversation_id for m in db.scalars(select(Message))} == {bob_conversation}
        assert db.scalars(select(UsageDay)).all() == []
        assert len(db.scalars(select(UserSession)).all()) == 1  # Bob's
