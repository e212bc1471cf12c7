"""`sql_query`: read-only SQL over the bundled sample business database, or over your own.

Your own database (`SQL_DATABASE`, by default `data/mine/data.db` when the project was generated
with your data) replaces the sample: the tool's description then lists its tables and columns,
read from the file itself, so the model (and the offline planner) know what it holds.

Three locks, each enough on its own for the common attacks: the database file is opened with
`mode=ro`; an authorizer allows only SELECT (recursive CTEs included), reading columns and
calling functions, so `DROP`, `UPDATE`, `ATTACH` and `PRAGMA` fail at prepare time; and
`execute` runs one statement only.

A read-only query can still hurt: `SELECT zeroblob(300000000)` asks for 300 MB in one step, and
`WITH RECURSIVE` can count forever. So every query is bounded four ways:
- time: a progress handler interrupts it past `SQL_TIMEOUT_S`;
- value size: the connection's `SQLITE_LIMIT_LENGTH` refuses any string, blob or row larger than
  `SQL_MAX_VALUE_BYTES` before it is built (plus limits on columns, expression depth, ...);
- memory: `PRAGMA hard_heap_limit` caps what SQLite may allocate (`SQL_MAX_MEMORY_MB`; the limit
  is process-wide and can only be lowered, which suits a backstop);
- result: at most `SQL_MAX_ROWS` rows and `SQL_MAX_RESULT_BYTES` of values are returned.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from ..config import Settings
from .registry import ToolContext, ToolError, tool

_ALLOWED_ACTIONS = {
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_FUNCTION,
    sqlite3.SQLITE_RECURSIVE,  # WITH RECURSIVE: the time and size bounds below keep it finite
}
_DENIED_FUNCTIONS = {"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"}
_build_lock = threading.Lock()


@dataclass(frozen=True)
class QueryLimits:
    """The bounds one query runs under (from the settings, or smaller in tests)."""

    timeout_s: float = 2.0
    max_rows: int = 50
    max_value_bytes: int = 1_000_000
    max_result_bytes: int = 100_000
    max_memory_mb: int = 256

    @classmethod
    def from_settings(cls, settings: Settings) -> QueryLimits:
        return cls(
            timeout_s=settings.sql_timeout_s,
            max_rows=settings.sql_max_rows,
            max_value_bytes=settings.sql_max_value_bytes,
            max_result_bytes=settings.sql_max_result_bytes,
            max_memory_mb=settings.sql_max_memory_mb,
        )


# Shape limits no honest question needs more of; each bounds the work one statement can ask for.
_SHAPE_LIMITS = {
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 20_000,
    sqlite3.SQLITE_LIMIT_COLUMN: 100,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 100,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 20,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 16,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
}


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


def connect_read_only(path: Path, limits: QueryLimits | float) -> sqlite3.Connection:
    """A connection that can only read, with every bound armed for its next statement."""
    if not isinstance(limits, QueryLimits):
        limits = QueryLimits(timeout_s=float(limits))
    connection = sqlite3.connect(
        read_only_uri(path), uri=True, isolation_level=None, check_same_thread=False
    )
    # Before the authorizer, which refuses every PRAGMA the model might send.
    connection.execute(f"PRAGMA hard_heap_limit = {int(limits.max_memory_mb) * 1024 * 1024}")
    connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limits.max_value_bytes)
    for category, value in _SHAPE_LIMITS.items():
        connection.setlimit(category, value)
    connection.set_authorizer(_authorizer)
    deadline = time.monotonic() + limits.timeout_s
    connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 1_000)
    return connection


def run_query(
    path: Path,
    query: str,
    max_rows: int | None = None,
    timeout_s: float | None = None,
    limits: QueryLimits | None = None,
) -> dict[str, Any]:
    """Run one read-only statement; errors become `ToolError` with a message the model can use."""
    limits = limits or QueryLimits()
    if max_rows is not None or timeout_s is not None:
        limits = QueryLimits(
            timeout_s=limits.timeout_s if timeout_s is None else timeout_s,
            max_rows=limits.max_rows if max_rows is None else max_rows,
            max_value_bytes=limits.max_value_bytes,
            max_result_bytes=limits.max_result_bytes,
            max_memory_mb=limits.max_memory_mb,
        )
    connection = connect_read_only(path, limits)
    try:
        columns, rows, cut_by = _fetch(connection, query, limits)
    except sqlite3.ProgrammingError as exc:
        if "one statement" in str(exc):
            raise ToolError("only one SQL statement per call is allowed") from None
        raise ToolError(f"SQL error: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise _refusal(str(exc), limits) from None
    except MemoryError:
        raise ToolError("query stopped: it ran out of memory; ask for less data") from None
    finally:
        connection.close()
    result: dict[str, Any] = {
        "columns": columns,
        "rows": rows,
        "row_count": len(rows),
        "truncated": bool(cut_by),
    }
    if cut_by:
        result["note"] = f"more rows exist; the result was cut at {cut_by}"
    return result


def _fetch(
    connection: sqlite3.Connection, query: str, limits: QueryLimits
) -> tuple[list[str], list[list[Any]], str]:
    """(columns, rows, which limit cut the result or ""), read within `limits`."""
    rows: list[list[Any]] = []
    cursor = connection.execute(query)
    columns = [column[0] for column in cursor.description or []]
    size = 0
    # One row at a time, so neither the row count nor the bytes returned can run away.
    for row in cursor:
        if len(rows) == limits.max_rows:
            return columns, rows, f"the {limits.max_rows}-row limit (SQL_MAX_ROWS)"
        values = [_value(v) for v in row]
        size += sum(len(v) if isinstance(v, str) else 8 for v in values)
        if size > limits.max_result_bytes:
            limit = f"the {limits.max_result_bytes}-byte result limit (SQL_MAX_RESULT_BYTES)"
            return columns, rows, limit
        rows.append(values)
    return columns, rows, ""


def _refusal(message: str, limits: QueryLimits) -> ToolError:
    """SQLite's error as a sentence that says which limit or rule stopped the query."""
    if "not authorized" in message or "readonly" in message:
        return ToolError(
            f"refused: {message}. The database is read-only: only SELECT queries are allowed."
        )
    if "interrupted" in message:
        return ToolError(
            f"query stopped after the {limits.timeout_s:g}s time limit (SQL_TIMEOUT_S); "
            "add a WHERE or LIMIT, or a bound to the recursive CTE"
        )
    if "too big" in message:
        return ToolError(
            f"refused: a value would be larger than {limits.max_value_bytes} bytes "
            "(SQL_MAX_VALUE_BYTES); ask for less data"
        )
    if "out of memory" in message or "too large" in message:
        return ToolError(
            f"query stopped: it needs more than the {limits.max_memory_mb} MB memory limit "
            "(SQL_MAX_MEMORY_MB) or a size limit; ask for less data"
        )
    return ToolError(f"SQL error: {message}")


def _value(value: Any) -> Any:
    """A JSON-friendly value: a blob is described, not dumped into the model's context."""
    if isinstance(value, bytes):
        return f"<blob, {len(value)} bytes>"
    return value


# Columns that identify a person. Reading them is "access to private data": once the context
# holds untrusted content, a query that reads any of them waits for the user's approval.
PERSONAL_COLUMNS = {("customers", "name"), ("customers", "email"), ("customers", "city")}
# In your own database the tables are unknown, so columns are judged by their names.
PERSONAL_COLUMN_NAMES = {
    "name", "first_name", "last_name", "full_name", "surname", "email", "e_mail", "phone",
    "telephone", "mobile", "address", "street", "city", "postcode", "zip", "zip_code",
    "birth_date", "date_of_birth", "birthday", "iban", "ssn",
}  # fmt: skip


def personal_columns_read(path: Path, query: str, by_name: bool = False) -> list[str]:
    """The personal columns `query` would read (anywhere: SELECT list, WHERE, a CTE), found by
    compiling it with `EXPLAIN` under a recording authorizer, without running it. `by_name`
    judges any table's columns by their names (your own database) instead of the sample's list."""
    found: set[str] = set()

    def record(
        action: int, arg1: str | None, arg2: str | None, db: str | None, trigger: str | None
    ) -> int:
        table, column = (arg1 or "").lower(), (arg2 or "").lower()
        personal = (
            column in PERSONAL_COLUMN_NAMES if by_name else (table, column) in PERSONAL_COLUMNS
        )
        if action == sqlite3.SQLITE_READ and personal:
            found.add(f"{arg1}.{arg2}".lower())
        return _authorizer(action, arg1, arg2, db, trigger)

    connection = connect_read_only(path, QueryLimits(timeout_s=1.0))
    try:
        connection.set_authorizer(record)
        connection.execute("EXPLAIN " + query).fetchmany(1)
    except (sqlite3.Error, sqlite3.Warning):
        pass  # the query itself will fail with a proper message when it runs
    finally:
        connection.close()
    return sorted(found)


def database_for(settings: Settings) -> Path:
    """The database the tool reads: yours when configured (it must exist), else the sample."""
    mine = settings.user_database
    if mine is None:
        return ensure_database(settings.database_path)
    if not mine.is_file():
        raise ToolError(
            f"the database {mine} (SQL_DATABASE) does not exist; set SQL_DATABASE to a SQLite "
            "file, or to 'sample' for the bundled sample shop"
        )
    return mine


def describe_database(path: Path) -> str:
    """The tool's description for your own database: every table and view with its columns."""
    connection = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        tables = []
        for name in names:
            quoted = '"' + name.replace('"', '""') + '"'
            columns = [
                f"{row[1]} {row[2]}".strip()
                for row in connection.execute(f"PRAGMA table_info({quoted})")
            ]
            tables.append(f"{name}({', '.join(columns)})")
    finally:
        connection.close()
    return (
        f"Run a read-only SQL SELECT against my own database ({path.name}). "
        f"Tables: {'; '.join(tables) or '(none)'}. Dates are ISO text (YYYY-MM-DD)."
    )


def _reads_personal_data(arguments: dict[str, Any], ctx: ToolContext) -> str | None:
    try:
        path = database_for(ctx.settings)
    except ToolError:
        return None  # the query itself fails with the sentence
    by_name = ctx.settings.user_database is not None
    columns = personal_columns_read(path, str(arguments.get("query", "")), by_name=by_name)
    return f"reads personal data ({', '.join(columns)})" if columns else None


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


@tool(description=DESCRIPTION, sensitive=_reads_personal_data)
def sql_query(
    query: Annotated[
        str, Field(description="One SQLite SELECT statement", min_length=1, max_length=10_000)
    ],
    ctx: ToolContext,
) -> dict[str, Any]:
    """Run a read-only SQL SELECT against the shop's sales database (see DESCRIPTION)."""
    settings = ctx.settings
    return run_query(database_for(settings), query, limits=QueryLimits.from_settings(settings))
