"""Sign in with GitHub: off by default; when configured, the real flow against a fake GitHub."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import FastAPI, Form, Header
from fastapi.testclient import TestClient
from sqlalchemy import select

from {{ cookiecutter.package_name }}.models import User

from .support import MakeApp, Visitor, make_settings


def fake_github(emails: list[dict[str, object]]) -> FastAPI:
    """The three GitHub endpoints the flow calls, answering like GitHub does."""
    github = FastAPI()

    @github.post("/login/oauth/access_token")
    def token(client_id: str = Form(), client_secret: str = Form(),
              code: str = Form()) -> dict[str, str]:
        if (client_id, client_secret, code) != ("gh-id", "gh-secret", "good-code"):
            return {"error": "bad_verification_code"}
        return {"access_token": "gho_token", "token_type": "bearer"}

    @github.get("/user")
    def user(authorization: str = Header()) -> dict[str, object]:
        assert authorization == "Bearer gho_token"
        return {"id": 4242, "login": "octocat", "email": None}

    @github.get("/user/emails")
    def user_emails(authorization: str = Header()) -> list[dict[str, object]]:
        return emails

    return github


def github_app(make_app: MakeApp, tmp_path: Path, emails: list[dict[str, object]]) -> FastAPI:
    settings = make_settings(
        tmp_path, github_client_id="gh-id", github_client_secret="gh-secret",
        github_oauth_url="https://github.test/login/oauth", github_api_url="https://github.test",
    )
    return make_app(settings, http_transport=httpx.ASGITransport(app=fake_github(emails)))


def start(client: TestClient) -> str:
    response = client.get("/auth/github/login", follow_redirects=False)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        "https://github.test/login/oauth/authorize"
    )
    query = parse_qs(location.query)
    assert query["client_id"] == ["gh-id"]
    assert query["redirect_uri"] == ["http://testserver/auth/github/callback"]
    return query["state"][0]


def test_github_sign_in_is_off_by_default(visitor: Visitor) -> None:
    assert visitor.client.get("/auth/github/login").status_code == 404
    assert visitor.client.get("/auth/github/callback?code=x&state=y").status_code == 404
    assert "Sign in with GitHub" not in visitor.client.get("/login").text


def test_github_sign_in_creates_then_reuses_the_account(tmp_path: Path, make_app: MakeApp) -> None:
    emails = [{"email": "Octo@Example.com", "primary": True, "verified": True}]
    app = github_app(make_app, tmp_path, emails)
    with TestClient(app) as client:
        assert "Sign in with GitHub" in client.get("/login").text
        state = start(client)
        response = client.get(f"/auth/github/callback?code=good-code&state={state}",
                              follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/app"
        assert client.get("/app").status_code == 200
        assert "Set a password" in client.get("/account").text

        client.cookies.delete("session")
        state = start(client)
        client.get(f"/auth/github/callback?code=good-code&state={state}")
    with app.state.db.session() as db:
        users = db.scalars(select(User)).all()
        assert [(u.email, u.github_id, u.password_hash) for u in users] == [
            ("octo@example.com", 4242, None)
        ]


def test_a_forged_state_or_code_signs_nobody_in(tmp_path: Path, make_app: MakeApp) -> None:
    emails = [{"email": "octo@example.com", "primary": True, "verified": True}]
    app = github_app(make_app, tmp_path, emails)
    with TestClient(app) as client:
        start(client)
        forged = client.get("/auth/github/callback?code=good-code&state=attacker")
        assert forged.status_code == 400
        assert "GitHub sign-in failed" in forged.text
        state = start(client)
        bad_code = client.get(f"/auth/github/callback?code=stolen&state={state}")
        assert "did not accept the sign-in code" in bad_code.text
        assert client.get("/app", follow_redirects=False).status_code == 303


def test_an_unverified_email_is_not_trusted(tmp_path: Path, make_app: MakeApp) -> None:
    emails = [{"email": "victim@example.com", "primary": True, "verified": False}]
    app = github_app(make_app, tmp_path, emails)
    with TestClient(app) as client:
        state = start(client)
        response = client.get(f"/auth/github/callback?code=good-code&state={state}")
        assert response.status_code == 400
        assert "no verified e-mail" in response.text
