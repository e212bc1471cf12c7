"""Bring the user's data and API into a generated agent project, in one commit of theirs.

The database goes to `data/mine/data.db` (the project's SQL tool opens it read-only instead of
the bundled sample when it is there); the GET operations of the OpenAPI document go to
`data/mine/http-tools.json` (the project registers one HTTP tool for each, on that API's origin
only). The commit adds eval tasks drafted from both (pending the user's review), a README section,
and `.scaffolder/agent-data.json`, the record of what was brought that `scaffolder update` keeps.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from scaffolder.core.agent_data import DataReport
from scaffolder.core.agent_tasks import REVIEW_FILE, TASKS_FILE, TaskReview, draft_tasks
from scaffolder.core.errors import UserError
from scaffolder.core.golden import write_atomically
from scaffolder.core.knowledge_base import _git
from scaffolder.core.openapi_tools import OpenApiReport

DATA_FOLDER = "data/mine"
DATABASE_FILE = f"{DATA_FOLDER}/data.db"
HTTP_TOOLS_FILE = f"{DATA_FOLDER}/http-tools.json"
RECORD_FILE = ".scaffolder/agent-data.json"


@dataclass(frozen=True)
class AgentData:
    tables: int
    http_tools: int
    drafted_tasks: int
    commit: str


def _record(data: DataReport | None, openapi: OpenApiReport | None) -> dict[str, object]:
    record: dict[str, object] = {}
    if data is not None:
        record["data"] = {
            "source": data.source.name,  # the name only: the user's folders are not the repository's business
            "kind": data.kind,
            "database": DATABASE_FILE,
            "tables": [
                {"name": t.name, "rows": t.rows, "columns": [c.describe() for c in t.columns], "from": t.source}
                for t in data.tables
            ],
            "skipped": [{"path": s.path, "reason": s.reason} for s in data.skipped],
        }
    if openapi is not None:
        record["openapi"] = {
            "source": openapi.source,
            "fetched": openapi.fetched,
            "origin": openapi.origin,
            "tools": [t.name for t in openapi.tools],
            "ignored": list(openapi.ignored),
        }
    return record


def _readme_section(data: DataReport | None, openapi: OpenApiReport | None, slug: str) -> str:
    parts = ["\n## My data and tools\n\n"]
    if data is not None:
        tables = "\n".join(f"- `{t.describe()}`: {t.rows:,} rows, from `{t.source}`" for t in data.tables)
        parts.append(
            f"The SQL tool answers over **my own database** (`{DATABASE_FILE}`, opened read-only; built from"
            f" {'CSV files' if data.kind == 'csv' else 'a SQLite file'}), not the bundled sample shop:\n\n{tables}\n\n"
            "The database is committed with the code: it is published wherever the repository is.\n"
        )
    if openapi is not None and openapi.fetched:
        tools = "\n".join(f"- `{t.name}`: {t.description}" for t in openapi.tools)
        parts.append(
            f"\nFrom the OpenAPI document `{openapi.source}`, each GET operation is an HTTP tool that may"
            f" reach {openapi.origin} only (`{HTTP_TOOLS_FILE}`):\n\n{tools}\n"
        )
    elif openapi is not None:
        parts.append(f"\nOpenAPI document to add later: {openapi.source} (recorded, not fetched).\n")
    parts.append(
        "\n```bash\n"
        f"{slug} tools\n"
        f"{slug} eval --mine   # the bundled splits, plus the tasks I accepted ({TASKS_FILE})\n"
        "```\n\n"
        f"The tasks in `{TASKS_FILE}` were drafted from the schema and the operations and reviewed by me"
        f" (`scaffolder golden`); the review, with where each expected answer came from, is in `{REVIEW_FILE}`."
        " Set `SQL_DATABASE=sample` to run against the bundled sample shop again.\n"
    )
    return "".join(parts)


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API, not the file's bytes: a database in WAL mode
    keeps recent writes in its -wal file, which a byte copy would lose. The copy is one file
    (rollback journal), so the project's read-only open needs nothing beside it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        reader = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
        writer = sqlite3.connect(partial)
        try:
            reader.backup(writer)
            writer.execute("PRAGMA journal_mode = DELETE")
        finally:
            writer.close()
            reader.close()
    except sqlite3.Error as err:  # moved or changed since it was scanned: the project stays as generated
        partial.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            target.parent.rmdir()  # only if it is empty: a folder this copy made and nothing else uses
        raise UserError(
            f"Your database {source.name} could not be copied into the project ({err}).",
            "Check that it is still where it was, then generate again. The project itself is committed without it.",
        ) from err
    os.replace(partial, target)


def add_agent_data(project: Path, data: DataReport | None, openapi: OpenApiReport | None, *, slug: str) -> AgentData:
    """Copy the database and the HTTP tools in, draft the tasks, and commit it all as one change."""
    if data is None and openapi is None:
        raise UserError("There is no data or API to add.", "{give_agent_data}.")
    if data is not None and (data.database is None or not data.tables):
        raise UserError(f"No table in {data.source} can be used.", "Give a SQLite file or CSV files with a header row.")
    project = Path(project)
    paths = [RECORD_FILE, REVIEW_FILE, TASKS_FILE, "README.md"]
    if data is not None and data.database is not None:
        _copy_database(data.database, project / DATABASE_FILE)
        paths.append(DATABASE_FILE)
    if openapi is not None and openapi.fetched:
        write_atomically(project / HTTP_TOOLS_FILE, json.dumps(openapi.record(), indent=2, ensure_ascii=False) + "\n")
        paths.append(HTTP_TOOLS_FILE)
    tasks = draft_tasks(data, openapi)
    about = []
    if data is not None:
        about.append(f"data: {len(data.tables)} tables from {data.source.name}")
    if openapi is not None:
        about.append(f"openapi: {openapi.source}")
    TaskReview(project, "; ".join(about), tasks).save()
    write_atomically(project / RECORD_FILE, json.dumps(_record(data, openapi), indent=2, ensure_ascii=False) + "\n")
    readme = project / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else f"# {slug}\n"
    write_atomically(readme, text.rstrip("\n") + "\n" + _readme_section(data, openapi, slug))
    _git(project, "add", "--", *paths)
    _git(project, "commit", "-q", "--no-verify", "-m", f"Add my data and tools ({'; '.join(about)})")
    return AgentData(
        len(data.tables) if data else 0,
        len(openapi.tools) if openapi else 0,
        len(tasks),
        _git(project, "rev-parse", "HEAD").strip(),
    )
