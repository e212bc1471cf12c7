"""The product: conversations with the assistant, answers streamed over server-sent events."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import answers, usage
from .config import Settings
from .models import Conversation, Message, User, utcnow
from .providers import ChatMessage
from .web import CurrentUser, Db, RowId, get_settings, is_htmx, render

log = logging.getLogger(__name__)
router = APIRouter(prefix="/app")

MAX_PROMPT_CHARS = 8000
# Routes default it to "" so that an empty box gets our message, not a generic 422 page.
Prompt = Annotated[str, Form(max_length=MAX_PROMPT_CHARS * 2)]


# --- data access: every lookup is scoped to the signed-in user --------------------------------
def conversations_of(db: Session, user: User) -> list[Conversation]:
    query = (
        select(Conversation)
        .where(Conversation.user_id == user.id)
        .order_by(Conversation.updated_at.desc(), Conversation.id.desc())
    )
    return list(db.scalars(query))


def owned_conversation(db: Session, user: User, conversation_id: RowId) -> Conversation:
    """The user's conversation, or 404: someone else's looks exactly like a missing one."""
    conversation = db.scalar(
        select(Conversation).where(
            Conversation.id == conversation_id, Conversation.user_id == user.id
        )
    )
    if conversation is None:
        raise HTTPException(status_code=404)
    return conversation


def owned_message(db: Session, user: User, conversation_id: int, message_id: int) -> Message:
    message = db.scalar(
        select(Message)
        .join(Conversation)
        .where(
            Message.id == message_id,
            Message.conversation_id == conversation_id,
            Conversation.user_id == user.id,
        )
    )
    if message is None:
        raise HTTPException(status_code=404)
    return message


def clean_prompt(prompt: str) -> str:
    text = prompt.strip()
    if not text:
        raise ValueError("Write a question or paste some text first.")
    if len(text) > MAX_PROMPT_CHARS:
        raise ValueError(f"Keep it under {MAX_PROMPT_CHARS:,} characters.")
    return text


def start_turn(
    db: Session, user: User, conversation: Conversation, text: str, settings: Settings
) -> tuple[Message, Message]:
    """Store the question and an empty, pending answer that the stream will fill."""
    earlier = [
        ChatMessage(m.role, m.content) for m in conversation.messages if m.status == "complete"
    ][-answers.HISTORY_MESSAGES :]
    usage.check_quota(
        db, user, settings, answers.prompt_estimate([*earlier, ChatMessage("user", text)])
    )
    question = Message(conversation=conversation, role="user", content=text, status="complete")
    answer = Message(conversation=conversation, role="assistant", content="", status="pending")
    conversation.updated_at = utcnow()
    db.add_all([question, answer])
    db.flush()
    return question, answer


# --- pages ------------------------------------------------------------------------------------
def _page(
    request: Request,
    db: Session,
    user: User,
    conversation: Conversation | None,
    error: str | None = None,
    status_code: int = 200,
    draft: str = "",
) -> Response:
    return render(
        request,
        "chat.html",
        {
            "conversations": conversations_of(db, user),
            "conversation": conversation,
            "error": error,
            "draft": draft,
        },
        user=user,
        db=db,
        status_code=status_code,
    )


def _form_error(
    request: Request,
    db: Session,
    user: User,
    conversation: Conversation | None,
    message: str,
    status_code: int,
    draft: str,
) -> Response:
    if is_htmx(request):
        response = render(request, "_error.html", {"error": message}, status_code=status_code)
        response.headers["HX-Retarget"] = "#composer-error"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return _page(request, db, user, conversation, message, status_code, draft)


@router.get("")
def index(request: Request, db: Db, user: CurrentUser) -> Response:
    return _page(request, db, user, None)


@router.post("/conversations")
def new_conversation(request: Request, db: Db, user: CurrentUser, prompt: Prompt = "") -> Response:
    settings = get_settings(request)
    try:
        text = clean_prompt(prompt)
        conversation = Conversation(user_id=user.id, title=_title(text))
        db.add(conversation)
        start_turn(db, user, conversation, text, settings)
    except ValueError as exc:
        db.rollback()
        return _form_error(request, db, user, None, str(exc), 422, prompt)
    except usage.QuotaExceeded as exc:
        db.rollback()
        return _form_error(request, db, user, None, str(exc), 429, prompt)
    return RedirectResponse(f"/app/c/{conversation.id}", status_code=303)


@router.get("/c/{conversation_id}")
def show(request: Request, db: Db, user: CurrentUser, conversation_id: RowId) -> Response:
    return _page(request, db, user, owned_conversation(db, user, conversation_id))


@router.post("/c/{conversation_id}/messages")
def ask(
    request: Request, db: Db, user: CurrentUser, conversation_id: RowId, prompt: Prompt = ""
) -> Response:
    conversation = owned_conversation(db, user, conversation_id)
    try:
        question, answer = start_turn(
            db, user, conversation, clean_prompt(prompt), get_settings(request)
        )
    except ValueError as exc:
        return _form_error(request, db, user, conversation, str(exc), 422, prompt)
    except usage.QuotaExceeded as exc:
        return _form_error(request, db, user, conversation, str(exc), 429, prompt)
    if is_htmx(request):
        return render(
            request, "_turn.html", {"messages": [question, answer], "conversation": conversation}
        )
    return RedirectResponse(f"/app/c/{conversation.id}", status_code=303)


@router.post("/c/{conversation_id}/delete")
def delete(request: Request, db: Db, user: CurrentUser, conversation_id: RowId) -> Response:
    db.delete(owned_conversation(db, user, conversation_id))
    target = "/app?notice=conversation-deleted"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/c/{conversation_id}/messages/{message_id}/stream")
def stream(
    request: Request, db: Db, user: CurrentUser, conversation_id: RowId, message_id: RowId
) -> StreamingResponse:
    owned_message(db, user, conversation_id, message_id)
    events = answers.write(
        request.app.state.db,
        request.app.state.provider,
        get_settings(request),
        user.id,
        message_id,
    )
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.post("/c/{conversation_id}/messages/{message_id}/retry")
def retry(
    request: Request, db: Db, user: CurrentUser, conversation_id: RowId, message_id: RowId
) -> Response:
    """Write an answer again (after a failure, a stop, or just for another take)."""
    message = owned_message(db, user, conversation_id, message_id)
    conversation = owned_conversation(db, user, conversation_id)
    if message.role != "assistant" or message.status not in ("complete", "error"):
        return _form_error(
            request, db, user, conversation, "This answer is still being written.", 409, ""
        )
    try:
        usage.check_quota(db, user, get_settings(request))
    except usage.QuotaExceeded as exc:
        return _form_error(request, db, user, conversation, str(exc), 429, "")
    message.status, message.content, message.error = "pending", "", None
    message.input_tokens = message.output_tokens = 0
    db.flush()
    if is_htmx(request):
        return render(request, "_turn.html", {"messages": [message], "conversation": conversation})
    return RedirectResponse(f"/app/c/{conversation.id}", status_code=303)


def _title(text: str) -> str:
    first_line = text.splitlines()[0]
    return first_line[:80] + ("…" if len(first_line) > 80 else "")
