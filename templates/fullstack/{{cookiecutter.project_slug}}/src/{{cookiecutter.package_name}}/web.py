"""What every page needs: the database session, the signed-in user, CSRF, and rendering."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi import Path as PathParam
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import usage
from .config import Settings
from .models import User, UserSession, as_utc, utcnow
from .product import PRODUCT
from .rendering import markdown_filter
from .security import new_token, same, sha256, sign

PACKAGE_DIR = Path(__file__).parent
templates = Jinja2Templates(directory=PACKAGE_DIR / "templates")
templates.env.filters["thousands"] = lambda n: f"{n:,}"
templates.env.filters["markdown"] = markdown_filter
templates.env.globals["product"] = PRODUCT  # the landing and chat pages' copy

# Ids in URLs fit the database's 32-bit INTEGER: a larger one is "not found", never a 500.
MAX_ROW_ID = 2_147_483_647
RowId = Annotated[int, PathParam(ge=1, le=MAX_ROW_ID)]

SESSION_COOKIE = "session"
CSRF_COOKIE = "csrf_seed"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

NOTICES = {
    "signed-up": "Welcome! Your account is ready. We sent you a link to confirm your e-mail.",
    "email-verified": "Thank you: your e-mail address is confirmed.",
    "verification-sent": "We sent you a new confirmation link.",
    "password-reset": "Your password was reset and you are signed in. Other devices were "
    "signed out.",
    "github-linked": "Your GitHub account is linked: you can sign in with it from now on.",
    "logged-out": "You are logged out.",
    "password-changed": "Your password was changed. Other devices were signed out.",
    "account-deleted": "Your account and all its data were deleted.",
    "conversation-deleted": "The conversation was deleted.",
}


class LoginRequired(Exception):
    """Raised by `require_user`; the app turns it into a redirect to the login page."""


class CsrfError(Exception):
    """A state-changing request without a valid CSRF token."""


class BadInput(Exception):
    """Input no field can hold (a NUL byte): answered with a 400 and a sentence."""


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.db.session() as session:
        yield session


# scope="function": commit before the response goes out, so the browser's next request
# (following a redirect, say) already sees what this one wrote.
Db = Annotated[Session, Depends(get_db, scope="function")]


def current_user(request: Request, db: Db) -> User | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = db.get(UserSession, sha256(token))
    if found is None or as_utc(found.expires_at) <= utcnow():
        return None
    request.state.session_id = found.id
    return found.user


def require_user(request: Request, user: Annotated[User | None, Depends(current_user)]) -> User:
    if user is None:
        raise LoginRequired(request.url.path)
    return user


CurrentUser = Annotated[User, Depends(require_user)]
MaybeUser = Annotated[User | None, Depends(current_user)]


# --- sessions ---------------------------------------------------------------------------------
def start_session(request: Request, response: Response, db: Session, user: User) -> str:
    """Sign `user` in with a brand-new session id (never reuse the pre-login one); return it."""
    _drop_current_session(request, db)
    settings = get_settings(request)
    token = new_token()
    expires = utcnow() + dt.timedelta(days=settings.session_max_age_days)
    session_id = sha256(token)
    db.add(UserSession(id=session_id, user_id=user.id, expires_at=expires))
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_max_age_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        path="/",
    )
    _set_csrf_seed(request, response, new_token())
    return session_id


def end_session(request: Request, response: Response, db: Session) -> None:
    _drop_current_session(request, db)
    response.delete_cookie(SESSION_COOKIE, path="/")
    _set_csrf_seed(request, response, new_token())


def _drop_current_session(request: Request, db: Session) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    found = db.get(UserSession, sha256(token)) if token else None
    if found is not None:
        db.delete(found)


def end_other_sessions(db: Session, user: User, keep: str) -> None:
    for other in db.scalars(select(UserSession).where(UserSession.user_id == user.id)):
        if other.id != keep:
            db.delete(other)


# --- CSRF: a per-browser random seed in a cookie, and an HMAC of it in every form --------------
def _set_csrf_seed(request: Request, response: Response, seed: str) -> None:
    request.state.csrf_seed = seed
    response.set_cookie(
        CSRF_COOKIE,
        seed,
        httponly=True,
        samesite="lax",
        secure=get_settings(request).is_production,
        path="/",
    )


def csrf_token(request: Request) -> str:
    seed = getattr(request.state, "csrf_seed", None) or request.cookies.get(CSRF_COOKIE)
    if not seed:
        seed = request.state.csrf_seed = new_token()
        request.state.csrf_seed_is_new = True
    return sign(get_settings(request).secret_key, "csrf:" + seed)


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: every request that can change state must carry the token."""
    if request.method in SAFE_METHODS:
        return
    seed = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    expected = sign(get_settings(request).secret_key, "csrf:" + seed) if seed else None
    if not (sent and expected and same(sent, expected)):
        raise CsrfError


# --- input that no database column can hold --------------------------------------------------
async def reject_nul_bytes(request: Request) -> None:
    """App-wide dependency: PostgreSQL refuses NUL in text, so refuse it here, politely."""
    if "\x00" in request.url.path or "%00" in request.url.query:
        raise BadInput
    if request.method in SAFE_METHODS:
        return
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        if any(
            isinstance(value, str) and "\x00" in key + value for key, value in form.multi_items()
        ):
            raise BadInput


# --- rendering --------------------------------------------------------------------------------
def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    user: User | None = None,
    db: Session | None = None,
) -> Response:
    settings = get_settings(request)
    full: dict[str, Any] = {
        "app_name": request.app.title,
        "user": user,
        "settings": settings,
        "csrf_token": csrf_token(request),
        "notice": NOTICES.get(request.query_params.get("notice", "")),
        "usage": usage.today(db, user, settings) if user is not None and db is not None else None,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, full, status_code=status_code)
    if getattr(request.state, "csrf_seed_is_new", False):
        _set_csrf_seed(request, response, request.state.csrf_seed)
    return response


def safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect to another host after login."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/app"
