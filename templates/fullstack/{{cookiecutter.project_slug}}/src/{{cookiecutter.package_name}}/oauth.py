"""Sign in with GitHub (OAuth 2 web flow). Off unless GITHUB_CLIENT_ID/SECRET are set.

A GitHub login is linked to an existing account only when both sides have proven the e-mail
address (GitHub says it is verified, and the account's owner followed our confirmation link),
or when the signed-in owner links it from the account page. Otherwise anyone could register
a victim's address with a password and wait for the victim to sign in with GitHub.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import anyio
import httpx
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import Settings
from .models import User
from .security import new_token, same
from .web import CurrentUser, current_user, get_settings, render, start_session

log = logging.getLogger(__name__)
router = APIRouter(prefix="/auth/github")
STATE_COOKIE = "oauth_state"
LINK_SUFFIX = ".link"  # on the state: the signed-in user asked to link their GitHub account
ALREADY_REGISTERED = (
    "an account with this e-mail address already exists. Log in with your password (or an "
    "e-mailed sign-in link), then link GitHub from your account page"
)


class OAuthError(Exception):
    pass


def _enabled(request: Request) -> Settings:
    settings = get_settings(request)
    if not settings.github_enabled:
        raise HTTPException(status_code=404)
    return settings


@router.get("/login")
def github_login(request: Request) -> Response:
    return _redirect_to_github(request, new_token())


@router.post("/link")
def github_link(request: Request, user: CurrentUser) -> Response:
    """The signed-in owner's explicit choice (a CSRF-protected POST from the account page)."""
    return _redirect_to_github(request, new_token() + LINK_SUFFIX)


def _redirect_to_github(request: Request, state: str) -> Response:
    settings = _enabled(request)
    query = urlencode(
        {
            "client_id": settings.github_client_id,
            "redirect_uri": str(request.url_for("github_callback")),
            "scope": "read:user user:email",
            "state": state,
        }
    )
    response = RedirectResponse(f"{settings.github_oauth_url}/authorize?{query}", status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        state,
        max_age=600,
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        path="/auth/github",
    )
    return response


@router.get("/callback", name="github_callback")
async def github_callback(request: Request, code: str = "", state: str = "") -> Response:
    settings = _enabled(request)
    expected = request.cookies.get(STATE_COOKIE, "")
    try:
        if not (code and state and expected and same(state, expected)):
            raise OAuthError("the sign-in link expired or was not started here")
        profile = await fetch_profile(
            settings,
            code,
            str(request.url_for("github_callback")),
            request.app.state.http_transport,
        )
    except OAuthError as exc:
        log.warning("github sign-in failed", extra={"reason": str(exc)})
        return render(
            request,
            "login.html",
            {"error": f"GitHub sign-in failed: {exc}.", "email": "", "next": "/app"},
            status_code=400,
        )
    linking = state.endswith(LINK_SUFFIX)
    response = RedirectResponse(
        "/account?notice=github-linked" if linking else "/app", status_code=303
    )
    response.delete_cookie(STATE_COOKIE, path="/auth/github")

    def sign_in() -> None:  # database work off the event loop
        with request.app.state.db.session() as db:
            if linking:
                link_to(db, current_user(request, db), profile)
            else:
                start_session(request, response, db, find_or_create(db, profile))

    try:
        await anyio.to_thread.run_sync(sign_in)
    except OAuthError as exc:
        return render(
            request,
            "login.html",
            {"error": f"GitHub sign-in failed: {exc}.", "email": "", "next": "/app"},
            status_code=409,
        )
    return response


async def fetch_profile(
    settings: Settings, code: str, redirect_uri: str, transport: httpx.AsyncBaseTransport | None
) -> dict[str, Any]:
    """Trade the code for a token, then read the user's id and verified e-mail."""
    async with httpx.AsyncClient(timeout=10, transport=transport) as client:
        try:
            token_response = await client.post(
                f"{settings.github_oauth_url}/access_token",
                data={
                    "client_id": settings.github_client_id,
                    "client_secret": settings.github_client_secret,
                    "code": code,
                    "redirect_uri": redirect_uri,
                },
                headers={"Accept": "application/json"},
            )
            token = token_response.json().get("access_token")
            if not token:
                raise OAuthError("GitHub did not accept the sign-in code")
            headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json"}
            user = (await client.get(f"{settings.github_api_url}/user", headers=headers)).json()
            emails = (
                await client.get(f"{settings.github_api_url}/user/emails", headers=headers)
            ).json()
        except (httpx.HTTPError, ValueError) as exc:
            raise OAuthError("GitHub could not be reached") from exc
    verified = [e for e in emails if isinstance(e, dict) and e.get("verified")]
    primary = next((e["email"] for e in verified if e.get("primary")), None)
    email = primary or (verified[0]["email"] if verified else None)
    if not isinstance(user, dict) or "id" not in user or not email:
        raise OAuthError("your GitHub account has no verified e-mail address")
    return {"id": int(user["id"]), "email": email.lower()}


def find_or_create(db: Session, profile: dict[str, Any]) -> User:
    """By GitHub id first; else link a *verified* account with the same e-mail; else create."""
    user = db.scalar(select(User).where(User.github_id == profile["id"]))
    if user is not None:
        return user
    user = db.scalar(select(User).where(User.email == profile["email"]))
    if user is not None and not user.email_verified:
        raise OAuthError(ALREADY_REGISTERED)
    if user is None:  # GitHub verified the address, so the new account starts verified
        user = User(email=profile["email"], password_hash=None, email_verified=True)
        db.add(user)
    user.github_id = profile["id"]
    db.flush()
    return user


def link_to(db: Session, user: User | None, profile: dict[str, Any]) -> None:
    """Link the GitHub account to the signed-in `user` (their explicit choice)."""
    if user is None:
        raise OAuthError("you were signed out before GitHub answered; log in and try again")
    owner = db.scalar(select(User).where(User.github_id == profile["id"]))
    if owner is not None and owner.id != user.id:
        raise OAuthError("this GitHub account is already linked to another account")
    user.github_id = profile["id"]
    db.flush()
