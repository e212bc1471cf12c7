"""Sign up, log in, log out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .models import User
from .ratelimit import RateLimiter
from .security import hash_password, needs_rehash, password_problems, verify_password
from .web import Db, MaybeUser, end_session, render, safe_next, start_session

router = APIRouter()
Field = Annotated[str, Form(max_length=1024)]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or len(email) > 320:
        return "Enter a valid e-mail address, like ada@example.com."
    return None


@router.get("/signup")
def signup_page(request: Request, user: MaybeUser) -> Response:
    if user is not None:
        return RedirectResponse("/app", status_code=303)
    return render(request, "signup.html", {"errors": {}, "email": ""})


@router.post("/signup")
def signup(request: Request, db: Db, email: Field, password: Field,
           password_confirm: Field) -> Response:
    email = normalise_email(email)
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
        return render(request, "signup.html", {"errors": errors, "email": email},
                      status_code=422)
    response = RedirectResponse("/app?notice=signed-up", status_code=303)
    start_session(request, response, db, user)
    return response


@router.get("/login")
def login_page(request: Request, user: MaybeUser) -> Response:
    if user is not None:
        return RedirectResponse("/app", status_code=303)
    return render(request, "login.html", {"error": None, "email": "",
                                          "next": safe_next(request.query_params.get("next"))})


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/login")
def login(request: Request, db: Db, email: Field, password: Field,
          next: Annotated[str, Form()] = "/app") -> Response:
    email = normalise_email(email)
    limiter: RateLimiter = request.app.state.login_limiter
    keys = (f"ip:{client_address(request)}", f"email:{email}")
    context = {"email": email, "next": safe_next(next)}
    if wait := limiter.retry_after(*keys):
        minutes = max(1, round(wait / 60))
        response = render(
            request, "login.html",
            {**context, "error": f"Too many failed attempts. Try again in about {minutes} "
                                 f"minute{'s' if minutes > 1 else ''}."},
            status_code=429,
        )
        response.headers["Retry-After"] = str(wait)
        return response
    user = db.scalar(select(User).where(User.email == email))
    if user is None or not verify_password(user.password_hash, password):
        limiter.hit(*keys)
        return render(request, "login.html",
                      {**context, "error": "That e-mail and password don't match an account."},
                      status_code=401)
    limiter.reset(f"email:{email}")
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

