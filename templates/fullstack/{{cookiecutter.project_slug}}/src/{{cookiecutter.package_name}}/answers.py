"""Writing one answer: claim it, reserve its tokens, stream it, settle, and recover from crashes.

Every step that decides "who writes this answer" or "may it be written" is one conditional
UPDATE, so concurrent requests (two tabs, a reconnecting EventSource, several app instances)
cannot generate or bill an answer twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio
from sqlalchemy import select, update

from . import usage
from .config import Settings
from .db import Database
from .models import Conversation, Message, utcnow
from .providers import SYSTEM_PROMPT, ChatMessage, Provider, ProviderError, Usage
from .rendering import to_html

log = logging.getLogger(__name__)

HISTORY_MESSAGES = 20
FOLLOW_POLL_SECONDS = 0.25
ABANDONED = "This answer was cut off: the server stopped while writing it. Retry to write it again."
STOPPED = "You stopped this answer."
CUT_OFF = "The answer was cut off: {reason} What arrived is kept above; retry for a full answer."


def sse(event: str, data: object) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


def estimate_tokens(text: str) -> int:
    """A provider-neutral over-estimate: about four characters per token, or one per word."""
    return max(len(text.split()), (len(text) + 3) // 4)


def prompt_estimate(history: list[ChatMessage]) -> int:
    return estimate_tokens(SYSTEM_PROMPT) + sum(estimate_tokens(m.content) + 4 for m in history)


@dataclass(frozen=True)
class Claim:
    """This request won the answer and holds `held` tokens of the user's quota for it."""

    history: list[ChatMessage]
    max_tokens: int
    prompt_tokens: int
    held: int
    day: dt.date


def claim(db: Database, settings: Settings, user_id: int, message_id: int) -> Claim | None:
    """Take a pending answer (one UPDATE that one request wins) and reserve its tokens.

    Returns None when another request already has it (or it is finished, or over quota: the
    message then says so)."""
    with db.session() as session:
        won = session.execute(
            update(Message)
            .where(Message.id == message_id, Message.status == "pending")
            .values(status="streaming", heartbeat_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if won != 1:
            return None
        message = session.get(Message, message_id)
        assert message is not None
        earlier = session.scalars(
            select(Message)
            .where(
                Message.conversation_id == message.conversation_id,
                Message.id < message.id,
                Message.status == "complete",
            )
            .order_by(Message.id.desc())
            .limit(HISTORY_MESSAGES)
        )
        history = [ChatMessage(m.role, m.content) for m in reversed(list(earlier))]
        prompt_tokens, day = prompt_estimate(history), usage.utc_day()
        try:
            allowed = usage.reserve(session, user_id, prompt_tokens, settings, day)
        except usage.QuotaExceeded as exc:
            message.status, message.error = "error", str(exc)
            return None
        # Provisional until settled: what a crash recovery will charge for the prompt.
        message.reserved_tokens, message.input_tokens = prompt_tokens + allowed, prompt_tokens
        return Claim(history, allowed, prompt_tokens, prompt_tokens + allowed, day)


def _beat(db: Database, message_id: int, text: str) -> None:
    """Prove this writer is alive, and keep what arrived so far (a crash loses nothing)."""
    with db.session() as session:
        session.execute(
            update(Message)
            .where(Message.id == message_id, Message.status == "streaming")
            .values(heartbeat_at=utcnow(), content=text)
            .execution_options(synchronize_session=False)
        )


def _finish(
    db: Database,
    settings: Settings,
    user_id: int,
    message_id: int,
    claimed: Claim,
    text: str,
    spent: Usage,
    label: str,
    error: str | None,
) -> dict[str, object]:
    with db.session() as session:
        usage.settle(session, user_id, claimed.held, spent, settings, claimed.day)
        message = session.get(Message, message_id)
        if message is None:  # deleted while streaming
            return {}
        message.content, message.provider, message.error = text, label, error
        message.status = "error" if error else "complete"
        message.input_tokens, message.output_tokens = spent.input_tokens, spent.output_tokens
        message.reserved_tokens = 0
        session.flush()
        today = usage.today(session, message.conversation.user, settings)
        return {
            "input_tokens": spent.input_tokens,
            "output_tokens": spent.output_tokens,
            "cost_usd": round(usage.cost(spent, settings), 6),
            "used_today": today.used,
            "quota": today.quota,
            "level": today.level,
            "html": to_html(text),
        }


def fail_abandoned(db: Database, settings: Settings, conversation_id: int | None = None) -> int:
    """Mark answers whose writer died (no heartbeat for a while) as failed, releasing their
    reservation and counting what they had generated. Run at start-up and when a page shows
    a conversation. Returns how many were failed."""
    cutoff = utcnow() - dt.timedelta(seconds=settings.answer_stale_seconds)
    failed = 0
    with db.session() as session:
        query = select(Message).where(Message.status == "streaming", Message.heartbeat_at < cutoff)
        if conversation_id is not None:
            query = query.where(Message.conversation_id == conversation_id)
        for message in session.scalars(query):
            done = session.execute(
                update(Message)
                .where(Message.id == message.id, Message.status == "streaming")
                .values(status="error", error=ABANDONED, reserved_tokens=0)
                .execution_options(synchronize_session=False)
            ).rowcount  # type: ignore[attr-defined]
            if done != 1:
                continue
            user_id = session.scalar(
                select(Conversation.user_id).where(Conversation.id == message.conversation_id)
            )
            held = message.reserved_tokens
            generated = (
                Usage(message.input_tokens, estimate_tokens(message.content))
                if message.content
                else Usage(0, 0)
            )
            day = (message.heartbeat_at or utcnow()).date()
            if user_id is not None:
                usage.settle(session, user_id, held, generated, settings, day)
            failed += 1
    if failed:
        log.warning("failed abandoned answers", extra={"count": failed})
    return failed


async def follow(db: Database, settings: Settings, message_id: int) -> AsyncIterator[bytes]:
    """A second request for an answer someone else is writing: wait for it, then replay it."""
    while True:
        message = await anyio.to_thread.run_sync(_load, db, message_id)
        if message is None:
            yield sse("failure", {"message": "This conversation was deleted."})
            return
        if message.status == "complete":
            yield sse("token", message.content)
            yield sse(
                "done",
                {
                    "input_tokens": message.input_tokens,
                    "output_tokens": message.output_tokens,
                    "html": to_html(message.content),
                },
            )
            return
        if message.status == "error":
            yield sse(
                "failure",
                {
                    "message": message.error or "This answer failed.",
                    "html": to_html(message.content),
                },
            )
            return
        if message.status == "pending":  # reset by Retry elsewhere: that request writes it
            yield sse(
                "failure",
                {
                    "message": "This answer was restarted in another tab. "
                    "Reload the page to follow it."
                },
            )
            return
        await anyio.to_thread.run_sync(fail_abandoned, db, settings, message.conversation_id)
        await asyncio.sleep(FOLLOW_POLL_SECONDS)
        yield b": waiting for the answer\n\n"  # a comment: keeps proxies from timing out


def _load(db: Database, message_id: int) -> Message | None:
    with db.session() as session:
        return session.get(Message, message_id)


async def _heartbeat(db: Database, settings: Settings, message_id: int, parts: list[str]) -> None:
    interval = max(settings.answer_stale_seconds / 4, 0.05)
    while True:
        await asyncio.sleep(interval)
        await anyio.to_thread.run_sync(_beat, db, message_id, "".join(parts))


async def write(
    db: Database, provider: Provider, settings: Settings, user_id: int, message_id: int
) -> AsyncIterator[bytes]:
    """token* then done, or failure. Whatever happens, the answer so far is saved and billed."""
    claimed = await anyio.to_thread.run_sync(claim, db, settings, user_id, message_id)
    if claimed is None:
        async for chunk in follow(db, settings, message_id):
            yield chunk
        return
    label = f"{provider.name}:{provider.model}"
    parts: list[str] = []
    reported: Usage | None = None
    error: str | None = STOPPED  # until the provider finishes: a cancel leaves it in place
    beating = asyncio.create_task(_heartbeat(db, settings, message_id, parts))
    started = time.monotonic()
    try:
        async for item in provider.stream(claimed.history, claimed.max_tokens):
            if isinstance(item, Usage):
                reported = item
            else:
                parts.append(item)
                yield sse("token", item)
        error = None
    except ProviderError as exc:
        error = CUT_OFF.format(reason=str(exc)) if parts else str(exc)
        log.warning("provider error", extra={"provider": label, "error": str(exc)})
    except Exception:
        error = "Something went wrong while writing the answer. Please try again."
        log.exception("stream failed", extra={"provider": label})
    finally:
        beating.cancel()
        text = "".join(parts)
        spent = _spent(claimed, reported, text)
        with anyio.CancelScope(shield=True):
            summary = await anyio.to_thread.run_sync(
                _finish, db, settings, user_id, message_id, claimed, text, spent, label, error
            )
    log.info(
        "answer",
        extra={
            "provider": label,
            "error": error,
            "seconds": round(time.monotonic() - started, 3),
            **_loggable(summary),
        },
    )
    if error:
        yield sse("failure", {"message": error, **summary})
    else:
        yield sse("done", summary)


def _spent(claimed: Claim, reported: Usage | None, text: str) -> Usage:
    """The provider's own count; else (no usage reported, or the client left) our estimate.
    A call that failed or was stopped before any text arrived is not charged."""
    if reported is not None and (reported.total > 0 or not text):
        return reported
    if not text:
        return Usage(0, 0)
    return Usage(claimed.prompt_tokens, estimate_tokens(text))


def _loggable(summary: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in summary.items() if k != "html"}
