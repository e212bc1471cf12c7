"""Sign up, log in, log out."""

from __future__ import annotations

import contextlib
import logging
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .email_links import send_link
from .mail import MailError
from .models import User
from .ratelimit import LoginThrottle, RateLimiter
from .security import hash_password, needs_rehash, password_problems, verify_password
from .web import Db, MaybeUser, end_session, render, safe_next, start_session

log = logging.getLogger(__name__)

router = APIRouter()
Field = Annotated[str, Form(max_length=1024)]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    """A sentence when `email` is not a deliverable-looking address (no DNS lookup)."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        return f"Enter a valid e-mail address, like ada@example.com ({exc})"
    return None


def client_address(request: Request) -> str:
    """The connecting client; a proxy's X-Forwarded-For counts only if FORWARDED_ALLOW_IPS
    trusts that proxy (the app's ProxyHeadersMiddleware decides)."""
    return request.client.host if request.client else "unknown"


def _too_many(request: Request, template: str, context: dict[str, object], wait: int) -> Response:
    if wait < 90:
        when = f"{wait} second{'s' if wait != 1 else ''}"
    else:
        when = f"about {round(wait / 60)} minutes"
    response = render(
        request,
        template,
        {**context, "error": f"Too many attempts. Try again in {when}."},
        status_code=429,
    )
    response.headers["Retry-After"] = str(wait)
    return response


@router.get("/signup")
def signup_page(request: Request, user: MaybeUser) -> Response:
    if user is not None:
        return RedirectResponse("/app", status_code=303)
    return render(request, "signup.html", {"errors": {}, "email": ""})


@router.post("/signup")
def signup(
    request: Request, db: Db, email: Field, password: Field, password_confirm: Field
) -> Response:
    email = normalise_email(email)
    limiter: RateLimiter = request.app.state.signup_limiter
    if wait := limiter.retry_after(client_address(request)):
        return _too_many(request, "signup.html", {"errors": {}, "email": email}, wait)
    limiter.hit(client_address(request))
    errors: dict[str, list[str]] = {}
    if problem := email_problem(email):
        errors["email"] = [problem]
    if problems := password_problems(password, email):
        errors["password"] = problems
    elif password != password_confirm:
        errors["password_confirm"] = ["The two passwords don't match."]
    if not errors and db.scalar(select(User.id).where(func.lower(User.email) == email)):
        errors["email"] = ["An account with this e-mail already exists. Log in instead?"]
    if not errors:
        user = User(email=email, password_hash=hash_password(password))
        db.add(user)
        try:
            db.flush()
        except IntegrityError:
            db.rollback()
            errors["email"] = ["An account with this e-mail already exists. Log in instead?"]
    if errors:
        return render(request, "signup.html", {"errors": errors, "email": email}, status_code=422)
    response = RedirectResponse("/app?notice=signed-up", status_code=303)
    start_session(request, response, db, user)
    with contextlib.suppress(MailError):  # the account page offers to send it again
        send_link(request, db, user, "verify")
    return response


@router.get("/login")
def login_page(request: Request, user: MaybeUser) -> Response:
    if user is not None:
        return RedirectResponse("/app", status_code=303)
    return render(
        request,
        "login.html",
        {"error": None, "email": "", "next": safe_next(request.query_params.get("next"))},
    )


@router.post("/login")
def login(
    request: Request, db: Db, email: Field, password: Field, next: Annotated[str, Form()] = "/app"
) -> Response:
    email = normalise_email(email)
    throttle: LoginThrottle = request.app.state.login_throttle
    client = client_address(request)
    context = {"email": email, "next": safe_next(next)}
    if wait := throttle.retry_after(client, email):
        return _too_many(request, "login.html", context, wait)
    user = db.scalar(select(User).where(User.email == email))
    if user is None or not verify_password(user.password_hash, password):
        throttle.failed(client, email)
        log.info("login failed", extra={"client": client})
        return render(
            request,
            "login.html",
            {**context, "error": "That e-mail and password don't match an account."},
            status_code=401,
        )
    throttle.succeeded(client, email)
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    response = RedirectResponse(safe_next(next), status_code=303)
    start_session(request, response, db, user)
    return response


@router.post("/logout")
def logout(request: Request, db: Db) -> Response:
    response = RedirectResponse("/?notice=logged-out", status_code=303)
    end_session(request, response, db)
    return response
