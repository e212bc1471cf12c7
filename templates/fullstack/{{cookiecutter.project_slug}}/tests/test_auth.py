"""Sign up, log in, log out, and what the session cookie looks like."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from {{ cookiecutter.package_name }}.models import User, UserSession

from .support import PASSWORD, MakeApp, Visitor, make_settings


def set_cookie_headers(response: httpx.Response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def test_sign_up_signs_in_and_opens_the_app(visitor: Visitor) -> None:
    response = visitor.sign_up("ada@example.com")
    assert response.headers["location"] == "/app?notice=signed-up"
    cookie = set_cookie_headers(response)["session"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # development runs on plain http://localhost
    page = visitor.client.get(response.headers["location"])
    assert page.status_code == 200
    assert "Your account is ready" in page.text


def test_password_is_stored_as_argon2id(app: FastAPI, visitor: Visitor) -> None:
    visitor.sign_up("ada@example.com")
    with app.state.db.session() as db:
        user = db.scalar(select(User).where(User.email == "ada@example.com"))
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_sign_up_explains_weak_passwords(visitor: Visitor) -> None:
    response = visitor.post(
        "/signup",
        {"email": "ada@example.com", "password": "short", "password_confirm": "short"},
        page="/signup",
    )
    assert response.status_code == 422
    assert "Use at least 10 characters." in response.text
    common = visitor.post(
        "/signup",
        {"email": "ada@example.com", "password": "password123", "password_confirm": "password123"},
        page="/signup",
    )
    assert "too common" in common.text
    assert "session" not in set_cookie_headers(common)


def test_sign_up_rejects_mismatch_bad_email_and_duplicates(visitor: Visitor) -> None:
    mismatch = visitor.post(
        "/signup",
        {"email": "ada@example.com", "password": PASSWORD, "password_confirm": PASSWORD + "x"},
        page="/signup",
    )
    assert mismatch.status_code == 422
    assert "don&#39;t match" in mismatch.text
    bad = visitor.post(
        "/signup",
        {"email": "not-an-email", "password": PASSWORD, "password_confirm": PASSWORD},
        page="/signup",
    )
    assert "valid e-mail" in bad.text
    visitor.sign_up("ada@example.com")
    visitor.post("/logout", page="/app")
    again = visitor.post(
        "/signup",
        {"email": "ADA@example.com", "password": PASSWORD, "password_confirm": PASSWORD},
        page="/signup",
    )
    assert again.status_code == 422
    assert "already exists" in again.text


def test_log_in_and_log_out(visitor: Visitor) -> None:
    visitor.sign_up("ada@example.com")
    old_token = visitor.client.cookies.get("session")
    out = visitor.post("/logout", page="/app")
    assert out.status_code == 303
    assert visitor.client.get("/app", follow_redirects=False).headers["location"] == (
        "/login?next=/app"
    )
    # The old cookie is dead on the server too, not only forgotten by the browser.
    visitor.client.cookies.set("session", old_token)
    assert visitor.client.get("/app", follow_redirects=False).status_code == 303

    visitor.client.cookies.clear()
    response = visitor.log_in("ADA@example.com ")
    assert response.status_code == 303
    assert response.headers["location"] == "/app"
    assert visitor.client.get("/app").status_code == 200


def test_wrong_password_is_refused_with_a_message(visitor: Visitor) -> None:
    visitor.sign_up("ada@example.com")
    visitor.post("/logout", page="/app")
    response = visitor.log_in("ada@example.com", "wrong password!!")
    assert response.status_code == 401
    assert "don&#39;t match an account" in response.text
    assert "session" not in set_cookie_headers(response)
    unknown = visitor.log_in("nobody@example.com")
    assert unknown.status_code == 401  # same answer: no hint that the address is unknown
    assert visitor.client.get("/app", follow_redirects=False).status_code == 303


def test_login_rotates_the_session_id(app: FastAPI, visitor: Visitor) -> None:
    visitor.sign_up("ada@example.com")
    first = visitor.client.cookies.get("session")
    visitor.log_in("ada@example.com")
    second = visitor.client.cookies.get("session")
    assert first and second and first != second
    with app.state.db.session() as db:
        assert len(db.scalars(select(UserSession)).all()) == 1  # the old one was deleted


def test_login_only_redirects_within_the_site(visitor: Visitor) -> None:
    visitor.sign_up("ada@example.com")
    visitor.post("/logout", page="/app")
    inside = visitor.post(
        "/login", {"email": "ada@example.com", "password": PASSWORD, "next": "/account"}
    )
    assert inside.headers["location"] == "/account"
    visitor.post("/logout", page="/app")
    outside = visitor.post(
        "/login", {"email": "ada@example.com", "password": PASSWORD, "next": "//evil.example.com/"}
    )
    assert outside.headers["location"] == "/app"


def test_cookies_are_secure_in_production(tmp_path: Path, make_app: MakeApp) -> None:
    settings = make_settings(tmp_path, app_env="production", secret_key="p" * 40)
    with TestClient(make_app(settings), base_url="https://testserver") as client:
        response = Visitor(client).sign_up("ada@example.com")
        assert "Secure" in set_cookie_headers(response)["session"]
        assert "Secure" in set_cookie_headers(response)["csrf_seed"]
        assert "max-age" in client.get("/health").headers["strict-transport-security"]
