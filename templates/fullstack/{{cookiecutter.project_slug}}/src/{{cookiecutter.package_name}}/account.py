"""Account settings: change the password, delete the account and everything in it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from .email_links import revoke_links
from .security import hash_password, password_problems, verify_password
from .web import CurrentUser, Db, end_other_sessions, end_session, render, start_session

router = APIRouter(prefix="/account")
Field = Annotated[str, Form(max_length=1024)]


def _page(
    request: Request, db: Db, user: CurrentUser, status_code: int = 200, **context: object
) -> Response:
    defaults: dict[str, object] = {"password_errors": {}, "delete_error": None}
    return render(
        request, "account.html", {**defaults, **context}, user=user, db=db, status_code=status_code
    )


@router.get("")
def account(request: Request, db: Db, user: CurrentUser) -> Response:
    return _page(request, db, user)


@router.post("/password")
def change_password(
    request: Request,
    db: Db,
    user: CurrentUser,
    current_password: Field,
    new_password: Field,
    new_password_confirm: Field,
) -> Response:
    errors: dict[str, list[str]] = {}
    if user.password_hash and not verify_password(user.password_hash, current_password):
        errors["current_password"] = ["That is not your current password."]
    if problems := password_problems(new_password, user.email):
        errors["new_password"] = problems
    elif new_password != new_password_confirm:
        errors["new_password_confirm"] = ["The two passwords don't match."]
    if errors:
        return _page(request, db, user, 422, password_errors=errors)
    user.password_hash = hash_password(new_password)
    revoke_links(db, user)
    response = RedirectResponse("/account?notice=password-changed", status_code=303)
    # A fresh session id for this browser, and every other signed-in device signed out.
    keep = start_session(request, response, db, user)
    db.flush()
    end_other_sessions(db, user, keep=keep)
    return response


@router.post("/delete")
def delete_account(
    request: Request,
    db: Db,
    user: CurrentUser,
    confirm: Field,
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    if confirm.strip() != "DELETE" or (
        user.password_hash and not verify_password(user.password_hash, password)
    ):
        return _page(
            request,
            db,
            user,
            422,
            delete_error="Type DELETE and your password to confirm. Nothing was deleted.",
        )
    response = RedirectResponse("/?notice=account-deleted", status_code=303)
    end_session(request, response, db)
    db.delete(user)  # cascades: sessions, conversations, messages, usage
    return response
