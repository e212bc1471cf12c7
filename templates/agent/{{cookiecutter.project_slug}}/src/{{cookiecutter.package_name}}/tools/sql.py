"""`sql_query`: read-only SQL over the bundled sample business database.

Three locks, each enough on its own for the common attacks: the database file is opened with
`mode=ro`; an authorizer allows only SELECT, reading columns and calling functions, so `DROP`,
`UPDATE`, `ATTACH` and `PRAGMA` fail at prepare time; and `execute` runs one statement only.
A progress handler stops queries that run past the time limit; rows past the limit are cut.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from .registry import ToolContext, ToolError, tool

_ALLOWED_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}
_DENIED_FUNCTIONS = {"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"}
_build_lock = threading.Lock()


def seed_files() -> list[tuple[str, str]]:
    """The SQL seed files shipped in the package, in name order, as (name, text)."""
    seed_dir = resources.files(__package__.rsplit(".", 1)[0]).joinpath("data", "seed")
    files = sorted(
        (entry for entry in seed_dir.iterdir() if entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )
    return [(entry.name, entry.read_text(encoding="utf-8")) for entry in files]


def ensure_database(path: Path) -> Path:
    """Build the sample database from the seed files unless an identical build is there already.

    The build goes to a temporary file that is renamed into place, so a reader never sees half a
    database; a fingerprint of the seeds in `PRAGMA user_version` triggers a rebuild when they
    change.
    """
    seeds = seed_files()
    digest = hashlib.sha256("".join(name + text for name, text in seeds).encode()).digest()
    fingerprint = int.from_bytes(digest[:4], "big") & 0x7FFFFFFF
    with _build_lock:
        if path.exists() and _user_version(path) == fingerprint:
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp_name = tempfile.mkstemp(prefix=".business-", suffix=".db", dir=path.parent)
        os.close(handle)
        try:
            connection = sqlite3.connect(tmp_name)
            try:
                for _, text in seeds:
                    connection.executescript(text)
                connection.execute(f"PRAGMA user_version = {fingerprint}")
                connection.commit()
            finally:
                connection.close()
            os.replace(tmp_name, path)
        finally:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
    return path


def _user_version(path: Path) -> int:
    try:
        connection = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            return int(connection.execute("PRAGMA user_version").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return -1


def read_only_uri(path: Path) -> str:
    """A `file:` URI that opens the database read-only (spaces and Windows drives included)."""
    return path.resolve().as_uri() + "?mode=ro"


def _authorizer(
    action: int, arg1: str | None, arg2: str | None, db: str | None, trigger: str | None
) -> int:
    if action not in _ALLOWED_ACTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def connect_read_only(path: Path, timeout_s: float) -> sqlite3.Connection:
    """A connection that can only read, with the time limit armed for its next statement."""
    connection = sqlite3.connect(
        read_only_uri(path), uri=True, isolation_level=None, check_same_thread=False
    )
    connection.set_authorizer(_authorizer)
    deadline = time.monotonic() + timeout_s
    connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 1_000)
    return connection


def run_query(path: Path, query: str, max_rows: int, timeout_s: float) -> dict[str, Any]:
    """Run one read-only statement; errors become `ToolError` with a message the model can use."""
    connection = connect_read_only(path, timeout_s)
    try:
        cursor = connection.execute(query)
        rows = cursor.fetchmany(max_rows + 1)
        columns = [column[0] for column in cursor.description or []]
    except sqlite3.ProgrammingError as exc:
        if "one statement" in str(exc):
            raise ToolError("only one SQL statement per call is allowed") from None
        raise ToolError(f"SQL error: {exc}") from None
    except sqlite3.DatabaseError as exc:
        message = str(exc)
        if "not authorized" in message or "readonly" in message:
            raise ToolError(
                f"refused: {message}. The database is read-only: only SELECT queries are allowed."
            ) from None
        if "interrupted" in message:
            raise ToolError(f"query stopped after the {timeout_s:g}s time limit") from None
        raise ToolError(f"SQL error: {message}") from None
    finally:
        connection.close()
    truncated = len(rows) > max_rows
    return {
        "columns": columns,
        "rows": [list(row) for row in rows[:max_rows]],
        "row_count": min(len(rows), max_rows),
        "truncated": truncated,
    }


DESCRIPTION = (
    "Run a read-only SQL SELECT against the sales database of Trailhead Outfitters, an "
    "outdoor-gear shop (2023-2024, amounts in EUR). "
    "Tables: customers(id, name, email, country, city, segment, signup_date), "
    "products(id, sku, name, category, unit_price, unit_cost), "
    "orders(id, customer_id, order_date, channel, status), "
    "order_items(order_id, product_id, quantity, unit_price); "
    "view order_totals(order_id, customer_id, order_date, channel, status, total). "
    "Revenue counts orders with status 'delivered' or 'shipped'. Dates are ISO text."
)


@tool(description=DESCRIPTION)
def sql_query(
    query: Annotated[str, Field(description="One SQLite SELECT statement", min_length=1)],
    ctx: ToolContext,
) -> dict[str, Any]:
    """Run a read-only SQL SELECT against the shop's sales database (see DESCRIPTION)."""
    settings = ctx.settings
    path = ensure_database(settings.database_path)
    return run_query(path, query, settings.sql_max_rows, settings.sql_timeout_s)
