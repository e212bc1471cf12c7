"""Conversation memory: sessions and their messages in SQLite, so a chat can continue later
(`--session ID`) from another process. One short-lived connection per operation."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from .providers.base import Message, sendable

SCHEMA_VERSION = 1
_MIGRATIONS = {
    1: """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE messages (
            session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            run_id TEXT,
            body TEXT NOT NULL,
            PRIMARY KEY (session_id, seq)
        );
    """,
}


class SessionStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            for target in range(version + 1, SCHEMA_VERSION + 1):
                connection.executescript(_MIGRATIONS[target])
                connection.execute(f"PRAGMA user_version = {target}")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=10)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            with connection:
                yield connection
        finally:
            connection.close()

    def load(self, session_id: str, max_messages: int = 60) -> list[Message]:
        """The session's messages, oldest first; at most the last `max_messages`, cut at a user
        message so a tool call is never separated from its result.

        An empty reply stored by an older version is repaired here, for good: Anthropic answers
        HTTP 400 to every request that carries one, so the session would never work again."""
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT seq, body FROM messages WHERE session_id = ? ORDER BY seq", (session_id,)
            ).fetchall()
            messages = []
            for seq, body in rows:
                message = Message.from_dict(json.loads(body))
                if message.is_empty:
                    message = sendable([message])[0]
                    connection.execute(
                        "UPDATE messages SET body = ? WHERE session_id = ? AND seq = ?",
                        (json.dumps(message.to_dict()), session_id, seq),
                    )
                messages.append(message)
        if len(messages) > max_messages:
            tail = messages[-max_messages:]
            first_user = next((i for i, m in enumerate(tail) if m.role == "user"), len(tail))
            messages = tail[first_user:]
        return messages

    def append(self, session_id: str, messages: list[Message], run_id: str | None = None) -> None:
        """Add a turn; an empty message is never stored (placeholders stand in, as on load)."""
        messages = sendable(messages)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        title = next((m.content[:80] for m in messages if m.role == "user"), "")
        with self._connect() as connection:
            connection.execute(
                "INSERT INTO sessions (id, created_at, updated_at, title) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at",
                (session_id, now, now, title),
            )
            start = connection.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM messages WHERE session_id = ?", (session_id,)
            ).fetchone()[0]
            connection.executemany(
                "INSERT INTO messages (session_id, seq, run_id, body) VALUES (?, ?, ?, ?)",
                [
                    (session_id, start + i + 1, run_id, json.dumps(m.to_dict()))
                    for i, m in enumerate(messages)
                ],
            )

    def sessions(self) -> list[dict[str, str | int]]:
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT s.id, s.title, s.updated_at, COUNT(m.seq) FROM sessions s "
                "LEFT JOIN messages m ON m.session_id = s.id GROUP BY s.id "
                "ORDER BY s.updated_at DESC"
            ).fetchall()
        return [{"id": r[0], "title": r[1], "updated_at": r[2], "messages": r[3]} for r in rows]

    def delete(self, session_id: str) -> None:
        with self._connect() as connection:
            connection.execute("DELETE FROM messages WHERE session_id = ?", (session_id,))
            connection.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
