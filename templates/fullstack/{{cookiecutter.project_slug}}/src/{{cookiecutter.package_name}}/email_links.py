"""Links we e-mail: confirm the address, reset a forgotten password, sign in without one.

Each link carries a random token; only its SHA-256 is stored, it expires, and using it is one
conditional UPDATE, so it works once. Sign-in links ask for a click (POST) first: mail
scanners that open links must not spend them (or sign themselves in).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import APP_NAME
from .mail import Mail, MailError
from .models import EmailToken, User, as_utc, utcnow
from .ratelimit import RateLimiter
from .security import hash_password, new_token, password_problems, sha256
from .web import (
    CurrentUser,
    Db,
    end_other_sessions,
    render,
    start_session,
)

router = APIRouter()
Field = Annotated[str, Form(max_length=1024)]
LIFETIMES = {
    "verify": dt.timedelta(days=2),
    "reset": dt.timedelta(hours=1),
    "login": dt.timedelta(minutes=15),
}
SENT = (
    "If an account exists for that address, we sent it a link. It works once and "
    "expires soon; check your spam folder if nothing arrives."
)


def issue(db: Session, user: User, purpose: str) -> str:
    token = new_token()
    db.add(
        EmailToken(
            id=sha256(token),
            user_id=user.id,
            purpose=purpose,
            expires_at=utcnow() + LIFETIMES[purpose],
        )
    )
    db.flush()
    return token


def peek(db: Session, token: str, purpose: str) -> EmailToken | None:
    """The link's record while it is still usable (not used, not expired)."""
    found = db.get(EmailToken, sha256(token)) if token else None
    if found is None or found.purpose != purpose or found.used_at is not None:
        return None
    return found if as_utc(found.expires_at) > utcnow() else None


def redeem(db: Session, token: str, purpose: str) -> User | None:
    """Spend the link: the first request wins, any later one gets None."""
    found = peek(db, token, purpose)
    if found is None:
        return None
    spent = db.execute(
        update(EmailToken)
        .where(EmailToken.id == found.id, EmailToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if spent != 1:
        return None
    user = db.get(User, found.user_id)
    if user is not None:
        user.email_verified = True  # following the link proves the mailbox is theirs
    return user


def revoke_links(db: Session, user: User) -> None:
    """After a password change, no older reset or sign-in link may still open the account."""
    db.execute(
        update(EmailToken)
        .where(
            EmailToken.user_id == user.id,
            EmailToken.used_at.is_(None),
            EmailToken.purpose.in_(("reset", "login")),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def link(request: Request, path: str, token: str) -> str:
    return str(request.base_url).rstrip("/") + f"{path}?token={token}"


def send_link(request: Request, db: Session, user: User, purpose: str) -> None:
    """Mail `user` a link, at most a few per hour and address. Raises MailError."""
    limiter: RateLimiter = request.app.state.mail_limiter
    key = f"{purpose}:{user.id}"
    if limiter.retry_after(key):
        return  # quietly: the page says the same either way (no account enumeration)
    limiter.hit(key)
    token = issue(db, user, purpose)
    subject, path, text = {
        "verify": (
            "Confirm your e-mail address",
            "/verify-email",
            "Confirm that this address is yours:",
        ),
        "reset": (
            "Reset your password",
            "/reset-password",
            "Someone (hopefully you) asked to reset your password. Choose a new one:",
        ),
        "login": ("Your sign-in link", "/login/link", "Sign in without your password:"),
    }[purpose]
    body = (
        f"{text}\n\n{link(request, path, token)}\n\n"
        f"The link works once and expires in {_human(LIFETIMES[purpose])}. "
        "If you did not ask for it, ignore this e-mail.\n\n-- " + APP_NAME
    )
    request.app.state.mailer.send(Mail(to=user.email, subject=f"{APP_NAME}: {subject}", body=body))


def _human(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} minutes"
    hours = minutes // 60
    return f"{hours} hours" if hours < 48 else f"{hours // 24} days"


def _user_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == email.strip().lower()))


def _ask_page(
    request: Request,
    purpose: str,
    message: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "ask_link.html",
        {"purpose": purpose, "message": message, "error": error},
        status_code=status_code,
    )


def _mail_link(request: Request, db: Session, email: str, purpose: str) -> Response:
    # Per client too: one address must not make us mail thousands of strangers.
    client_limiter: RateLimiter = request.app.state.mail_request_limiter
    client = request.client.host if request.client else "unknown"
    if client_limiter.retry_after(client):
        return _ask_page(
            request, purpose, error="Too many requests. Try again in an hour.", status_code=429
        )
    client_limiter.hit(client)
    user = _user_by_email(db, email)
    try:
        if user is not None:
            send_link(request, db, user, purpose)
    except MailError as exc:
        return _ask_page(request, purpose, error=str(exc), status_code=503)
    return _ask_page(request, purpose, message=SENT)


# --- confirm the e-mail address ---------------------------------------------------------------
@router.get("/verify-email")
def verify_email(request: Request, db: Db, token: str = "") -> Response:
    if redeem(db, token, "verify") is None:
        return render(request, "link_expired.html", {"purpose": "verify"}, status_code=410)
    return RedirectResponse("/account?notice=email-verified", status_code=303)


@router.post("/account/verify-email")
def resend_verification(request: Request, db: Db, user: CurrentUser) -> Response:
    if not user.email_verified:
        try:
            send_link(request, db, user, "verify")
        except MailError as exc:
            return render(
                request,
                "link_expired.html",
                {"purpose": "verify", "error": str(exc)},
                status_code=503,
                user=user,
                db=db,
            )
    return RedirectResponse("/account?notice=verification-sent", status_code=303)


# --- forgotten password -----------------------------------------------------------------------
@router.get("/forgot-password")
def forgot_page(request: Request) -> Response:
    return _ask_page(request, "reset")


@router.post("/forgot-password")
def forgot(request: Request, db: Db, email: Field) -> Response:
    return _mail_link(request, db, email, "reset")


@router.get("/reset-password")
def reset_page(request: Request, db: Db, token: str = "") -> Response:
    if peek(db, token, "reset") is None:
        return render(request, "link_expired.html", {"purpose": "reset"}, status_code=410)
    return render(request, "reset.html", {"token": token, "errors": {}})


@router.post("/reset-password")
def reset(
    request: Request, db: Db, token: Field, new_password: Field, new_password_confirm: Field
) -> Response:
    found = peek(db, token, "reset")
    if found is None:
        return render(request, "link_expired.html", {"purpose": "reset"}, status_code=410)
    errors: dict[str, list[str]] = {}
    if problems := password_problems(new_password, found.user.email):
        errors["new_password"] = problems
    elif new_password != new_password_confirm:
        errors["new_password_confirm"] = ["The two passwords don't match."]
    user = None if errors else redeem(db, token, "reset")
    if user is None:
        if not errors:
            return render(request, "link_expired.html", {"purpose": "reset"}, status_code=410)
        return render(request, "reset.html", {"token": token, "errors": errors}, status_code=422)
    user.password_hash = hash_password(new_password)
    revoke_links(db, user)
    response = RedirectResponse("/app?notice=password-reset", status_code=303)
    keep = start_session(request, response, db, user)
    db.flush()
    end_other_sessions(db, user, keep=keep)
    return response


# --- sign in by e-mail (the owner's way in while a stranger is guessing the password) ---------
@router.get("/login/email")
def login_link_page(request: Request) -> Response:
    return _ask_page(request, "login")


@router.post("/login/email")
def login_link_request(request: Request, db: Db, email: Field) -> Response:
    return _mail_link(request, db, email, "login")


@router.get("/login/link")
def login_link_confirm(request: Request, db: Db, token: str = "") -> Response:
    if peek(db, token, "login") is None:
        return render(request, "link_expired.html", {"purpose": "login"}, status_code=410)
    return render(request, "confirm_link.html", {"token": token})


@router.post("/login/link")
def login_with_link(request: Request, db: Db, token: Field) -> Response:
    user = redeem(db, token, "login")
    if user is None:
        return render(request, "link_expired.html", {"purpose": "login"}, status_code=410)
    response = RedirectResponse("/app", status_code=303)
    start_session(request, response, db, user)
    return response
