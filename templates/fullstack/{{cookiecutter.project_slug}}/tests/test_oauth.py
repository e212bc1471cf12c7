"""Sign in with GitHub: off by default; when configured, the real flow against a fake GitHub."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI, Form, Header
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from {{ cookiecutter.package_name }}.models import User

from .support import MakeApp, Visitor, make_settings, running

GITHUB_EMAILS: list[dict[str, object]] = []  # what the fake GitHub answers for /user/emails


@pytest.fixture(scope="module")
def github() -> Iterator[str]:
    """A fake GitHub on 127.0.0.1: the app reaches it over real HTTP."""
    with running(fake_github(GITHUB_EMAILS)) as base:
        yield base


def fake_github(emails: list[dict[str, object]]) -> FastAPI:
    """The three GitHub endpoints the flow calls, answering like GitHub does."""
    github = FastAPI()

    @github.post("/login/oauth/access_token")
    def token(
        client_id: str = Form(), client_secret: str = Form(), code: str = Form()
    ) -> dict[str, str]:
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


def github_app(
    make_app: MakeApp, tmp_path: Path, github: str, emails: list[dict[str, object]]
) -> FastAPI:
    GITHUB_EMAILS[:] = emails
    settings = make_settings(
        tmp_path,
        github_client_id="gh-id",
        github_client_secret="gh-secret",
        github_oauth_url=f"{github}/login/oauth",
        github_api_url=github,
    )
    return make_app(settings)


def start(client: TestClient, path: str = "/auth/github/login") -> str:
    if path == "/auth/github/login":
        response = client.get(path, follow_redirects=False)
    else:  # linking: a POST from the account page, with its CSRF token
        response = Visitor(client).post(path, page="/account")
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/login/oauth/authorize"
    query = parse_qs(location.query)
    assert query["client_id"] == ["gh-id"]
    assert query["redirect_uri"] == ["http://testserver/auth/github/callback"]
    return query["state"][0]


def test_github_sign_in_is_off_by_default(visitor: Visitor) -> None:
    assert visitor.client.get("/auth/github/login").status_code == 404
    assert visitor.client.get("/auth/github/callback?code=x&state=y").status_code == 404
    assert "Sign in with GitHub" not in visitor.client.get("/login").text


def test_github_sign_in_creates_then_reuses_the_account(
    tmp_path: Path, make_app: MakeApp, github: str
) -> None:
    emails = [{"email": "Octo@Example.com", "primary": True, "verified": True}]
    app = github_app(make_app, tmp_path, github, emails)
    with TestClient(app) as client:
        assert "Sign in with GitHub" in client.get("/login").text
        state = start(client)
        response = client.get(
            f"/auth/github/callback?code=good-code&state={state}", follow_redirects=False
        )
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


def test_a_forged_state_or_code_signs_nobody_in(
    tmp_path: Path, make_app: MakeApp, github: str
) -> None:
    emails = [{"email": "octo@example.com", "primary": True, "verified": True}]
    app = github_app(make_app, tmp_path, github, emails)
    with TestClient(app) as client:
        start(client)
        forged = client.get("/auth/github/callback?code=good-code&state=attacker")
        assert forged.status_code == 400
        assert "GitHub sign-in failed" in forged.text
        state = start(client)
        bad_code = client.get(f"/auth/github/callback?code=stolen&state={state}")
        assert "did not accept the sign-in code" in bad_code.text
        assert client.get("/app", follow_redirects=False).status_code == 303


def test_an_unverified_email_is_not_trusted(tmp_path: Path, make_app: MakeApp, github: str) -> None:
    emails = [{"email": "victim@example.com", "primary": True, "verified": False}]
    app = github_app(make_app, tmp_path, github, emails)
    with TestClient(app) as client:
        state = start(client)
        response = client.get(f"/auth/github/callback?code=good-code&state={state}")
        assert response.status_code == 400
        assert "no verified e-mail" in response.text


def victim_emails() -> list[dict[str, object]]:
    return [{"email": "victim@example.com", "primary": True, "verified": True}]


def callback(client: TestClient, state: str) -> object:
    return client.get(f"/auth/github/callback?code=good-code&state={state}", follow_redirects=False)


def test_a_pre_registered_unverified_account_is_not_taken_over(
    tmp_path: Path, make_app: MakeApp, github: str
) -> None:
    app = github_app(make_app, tmp_path, github, victim_emails())
    with TestClient(app) as attacker_browser, TestClient(app) as victim_browser:
        Visitor(attacker_browser).sign_up("victim@example.com", "attacker's passphrase")
        Visitor(attacker_browser).start_conversation("Planted by the attacker")

        refused = callback(victim_browser, start(victim_browser))
        assert refused.status_code == 409
        assert "already exists" in refused.text and "link GitHub" in refused.text
        assert victim_browser.get("/app", follow_redirects=False).status_code == 303
    with app.state.db.session() as db:
        assert db.scalars(select(User)).one().github_id is None


def test_a_verified_account_with_the_same_email_is_linked(
    tmp_path: Path, make_app: MakeApp, github: str
) -> None:
    app = github_app(make_app, tmp_path, github, victim_emails())
    with TestClient(app) as client:
        Visitor(client).sign_up("victim@example.com")
        with app.state.db.session() as db:
            db.execute(update(User).values(email_verified=True))  # she followed our link
        client.cookies.delete("session")
        assert callback(client, start(client)).headers["location"] == "/app"
        assert client.get("/app").status_code == 200
    with app.state.db.session() as db:
        assert db.scalars(select(User)).one().github_id == 4242


def test_the_signed_in_owner_can_link_github_from_the_account_page(
    tmp_path: Path, make_app: MakeApp, github: str
) -> None:
    app = github_app(make_app, tmp_path, github, victim_emails())
    with TestClient(app) as client:
        Visitor(client).sign_up("someone.else@example.com")
        assert "Link your GitHub account" in client.get("/account").text
        linked = callback(client, start(client, "/auth/github/link"))
        assert linked.headers["location"] == "/account?notice=github-linked"
        client.post("/logout", data={"csrf_token": Visitor(client).csrf("/account")})
        assert callback(client, start(client)).headers["location"] == "/app"
        assert "someone.else@example.com" in client.get("/account").text
    with app.state.db.session() as db:
        user = db.scalars(select(User)).one()
        assert (user.email, user.github_id, user.password_hash is not None) == (
            "someone.else@example.com",
            4242,
            True,
        )
