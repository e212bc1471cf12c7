"""Eval tasks drafted from the user's own data and API, reviewed like the RAG golden set.

From each table: "How many rows are in the T table?" and, for a numeric column, "In the T table,
which row has the highest C?" and "What is the total C in the T table?", each with the answer
computed from the data itself and the expected tool `sql_query`. From each GET operation of the
user's OpenAPI document: its summary as a request (with example values for its path parameters),
expected tool that operation's HTTP tool, checked by the API answering HTTP 200.

Nothing drafted counts until the user accepts it. The review lives in `evals/my-tasks.review.json`;
the accepted tasks are written to `evals/my-tasks.jsonl` in the agent's task format, which the
project's `eval` runs as its own split ("my-tasks").
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from scaffolder.core.agent_data import DataReport, Table, quoted
from scaffolder.core.errors import UserError
from scaffolder.core.golden import STATUSES, write_atomically
from scaffolder.core.openapi_tools import OpenApiReport

REVIEW_FILE = "evals/my-tasks.review.json"
TASKS_FILE = "evals/my-tasks.jsonl"
SQL_TOOL = "sql_query"
MAX_TASKS = 40
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class TaskDraft:
    id: str
    question: str
    expected_tools: tuple[str, ...]
    check: dict[str, Any]
    sources: tuple[str, ...]  # the tables (or the operation) it is about
    origin: str  # "schema:count", "schema:highest", "schema:total", "openapi", "added by you"
    evidence: str  # the query or operation the expected answer came from
    status: str = "pending"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["expected_tools"] = list(self.expected_tools)
        data["sources"] = list(self.sources)
        return data

    def as_task(self) -> dict[str, Any]:
        return {
            "id": f"mine-{self.id}",
            "question": self.question,
            "expected_tools": list(self.expected_tools),
            "check": self.check,
        }


def _id(question: str) -> str:
    return hashlib.sha256(question.encode()).hexdigest()[:8]


def _draft(
    question: str, tools: tuple[str, ...], check: dict[str, Any], sources: tuple[str, ...], origin: str, evidence: str
) -> TaskDraft:
    return TaskDraft(_id(question), question, tools, check, sources, origin, evidence)


def _table_tasks(connection: sqlite3.Connection, table: Table) -> list[TaskDraft]:
    if not _PLAIN.match(table.name):
        return []  # the planner's patterns (and most users) name tables plainly
    name = quoted(table.name)
    drafts = [
        _draft(
            f"How many rows are in the {table.name} table?",
            (SQL_TOOL,),
            {"type": "number", "value": table.rows, "tolerance": 0},
            (table.name,),
            "schema:count",
            f"SELECT COUNT(*) FROM {name}",
        )
    ]
    numeric = [c for c in table.columns if c.type in {"INTEGER", "REAL"} and _PLAIN.match(c.name)]
    numeric = [c for c in numeric if c.name.lower() not in {"id", "rowid"} and not c.name.lower().endswith("_id")]
    texts = [c for c in table.columns if c.type == "TEXT" and not c.date]
    # The row is named by its name or title column when it has one, else by its first text.
    label = next((c for c in texts if any(w in c.name.lower() for w in ("name", "title"))), texts[0] if texts else None)
    if not numeric:
        return drafts
    column = numeric[0]
    top = connection.execute(
        f"SELECT {quoted(label.name) if label else quoted(column.name)}, {quoted(column.name)} FROM {name}"
        f" WHERE {quoted(column.name)} IS NOT NULL ORDER BY {quoted(column.name)} DESC LIMIT 2"
    ).fetchall()
    unique_top = len(top) == 1 or (len(top) == 2 and top[0][1] != top[1][1])
    if top and unique_top and top[0][0] is not None:
        check: dict[str, Any] = (
            {"type": "contains", "value": [str(top[0][0])]}
            if label
            else {"type": "number", "value": top[0][1], "tolerance": 0.01}
        )
        drafts.append(
            _draft(
                f"In the {table.name} table, which row has the highest {column.name}?",
                (SQL_TOOL,),
                check,
                (table.name,),
                "schema:highest",
                f"SELECT * FROM {name} ORDER BY {quoted(column.name)} DESC LIMIT 1",
            )
        )
    total = connection.execute(f"SELECT SUM({quoted(column.name)}) FROM {name}").fetchone()[0]
    if total is not None:
        drafts.append(
            _draft(
                f"What is the total {column.name} in the {table.name} table?",
                (SQL_TOOL,),
                {"type": "number", "value": round(float(total), 2), "tolerance": 0.01},
                (table.name,),
                "schema:total",
                f"SELECT SUM({quoted(column.name)}) FROM {name}",
            )
        )
    return drafts


def _operation_tasks(openapi: OpenApiReport) -> list[TaskDraft]:
    drafts: list[TaskDraft] = []
    for tool in openapi.tools:
        if not tool.summary:
            continue
        values: list[str] = []
        for param in tool.parameters:
            if not param.required:
                continue
            if param.example is None and param.type != "integer":
                break  # a required value we cannot make up: leave this operation to the user
            values.append(f"{param.name} {param.example if param.example is not None else 1}")
        else:
            question = tool.summary.rstrip(".") + (f" ({', '.join(values)})" if values else "")
            drafts.append(
                _draft(
                    question,
                    (tool.name,),
                    {"type": "contains", "value": ["HTTP 200"]},
                    (f"GET {tool.path}",),
                    "openapi",
                    f"GET {openapi.base_url}{tool.path}",
                )
            )
    return drafts


def draft_tasks(data: DataReport | None, openapi: OpenApiReport | None) -> list[TaskDraft]:
    drafts: list[TaskDraft] = []
    if data is not None and data.database is not None:
        connection = sqlite3.connect(data.database.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            for table in data.tables:
                drafts += _table_tasks(connection, table)
        finally:
            connection.close()
    if openapi is not None:
        drafts += _operation_tasks(openapi)
    return drafts[:MAX_TASKS]


@dataclass
class TaskReview:
    """The review of a project's drafted eval tasks, as kept in its evals folder. Same verbs as
    `GoldenReview`, so `scaffolder golden` serves both."""

    project: Path
    corpus: str  # what the tasks are about ("data: 3 tables; openapi: petstore.yaml")
    questions: list[TaskDraft] = field(default_factory=list)
    accepted_file = TASKS_FILE

    @classmethod
    def exists(cls, project: Path) -> bool:
        return (Path(project) / REVIEW_FILE).is_file()

    @classmethod
    def load(cls, project: Path) -> TaskReview:
        path = Path(project) / REVIEW_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            questions = [
                TaskDraft(
                    str(q["id"]),
                    str(q["question"]),
                    tuple(q["expected_tools"]),
                    dict(q["check"]),
                    tuple(q.get("sources", ())),
                    str(q.get("origin", "")),
                    str(q.get("evidence", "")),
                    q["status"] if q.get("status") in STATUSES else "pending",
                )
                for q in data["questions"]
            ]
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise UserError(f"{path} cannot be read: {err}.", "Restore it from git (git checkout -- it).") from err
        return cls(Path(project), str(data.get("corpus", "")), questions)

    def _find(self, task_id: str) -> int:
        for index, task in enumerate(self.questions):
            if task.id == task_id or (task.id.startswith(task_id) and len(task_id) >= 4):
                return index
        raise UserError(f"There is no drafted task {task_id!r}.", "The ids are in the first column of the list.")

    def set_status(self, ids: list[str], status: str) -> None:
        targets = range(len(self.questions)) if ids == ["all"] else [self._find(i) for i in ids]
        for index in targets:
            self.questions[index] = replace(self.questions[index], status=status)

    def edit(self, task_id: str, text: str) -> None:
        if not text.strip():
            raise UserError("The edited task is empty.", "Type the question as a user would ask it.")
        index = self._find(task_id)
        self.questions[index] = replace(self.questions[index], question=text.strip(), status="accepted")

    def add(self, text: str, tool: str, expect: str | None = None) -> TaskDraft:
        if not text.strip() or not tool.strip():
            raise UserError("A task needs its question and the tool that answers it.", "{add_task}.")
        if not expect or not expect.strip():
            raise UserError(
                "A task of your own needs the answer it must contain, or the eval could not fail it.",
                "{add_expected_answer}.",
            )
        check = {"type": "contains", "value": [expect.strip()]}
        task = TaskDraft(_id(text), text.strip(), (tool.strip(),), check, (), "added by you", "", "accepted")
        self.questions.append(task)
        return task

    @property
    def accepted(self) -> list[TaskDraft]:
        return [q for q in self.questions if q.status == "accepted"]

    def save(self) -> None:
        review = {"corpus": self.corpus, "questions": [q.to_dict() for q in self.questions]}
        write_atomically(self.project / REVIEW_FILE, json.dumps(review, indent=2, ensure_ascii=False) + "\n")
        lines = [json.dumps(q.as_task(), ensure_ascii=False) for q in self.accepted]
        write_atomically(self.project / TASKS_FILE, "".join(line + "\n" for line in lines))
