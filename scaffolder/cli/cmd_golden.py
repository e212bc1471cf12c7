"""golden: review the questions drafted from your own documents, or the eval tasks drafted from your
own data and API (and the --docs, --data and --openapi parts of `new`)."""

from __future__ import annotations

import argparse
import atexit
import sys
from pathlib import Path
from typing import Any

from scaffolder.cli._arguments import JSON_OUTPUT, PROJECT_NAME


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "golden",
        help="review the golden questions (rag) or eval tasks (agent) drafted from what you brought",
        description=(
            "The project's eval runs on what you accepted (rag: evals/my-golden.jsonl, agent: evals/my-tasks.jsonl)."
            " With no option, lists every draft with its id, status, expected source or tool and where it came from."
        ),
        parents=[PROJECT_NAME, JSON_OUTPUT],
    )
    p.add_argument("--accept", nargs="+", metavar="ID", help="accept these questions ('all' for every one)")
    p.add_argument("--reject", nargs="+", metavar="ID", help="reject these questions")
    p.add_argument("--edit", metavar="ID", help="reword a question (with --question); it counts as accepted")
    p.add_argument("--question", metavar="TEXT", help="the new wording, with --edit")
    p.add_argument("--add", metavar="TEXT", help="add a question of your own (with --source)")
    p.add_argument(
        "--source", metavar="FILE", help="rag: the document that answers it; agent: the tool that answers it"
    )
    p.add_argument("--expect", metavar="TEXT", help="agent: what the answer must contain, with --add")
    p.set_defaults(handler=cmd_golden)


def cmd_golden(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit
    from scaffolder.core.agent_tasks import TaskReview
    from scaffolder.core.errors import UserError
    from scaffolder.core.golden import GoldenReview
    from scaffolder.core.store import Store

    project = Store().get(args.name)
    tasks = TaskReview.exists(project.path)
    review: GoldenReview | TaskReview = TaskReview.load(project.path) if tasks else GoldenReview.load(project.path)
    changed = False
    if args.edit or args.question:
        if not (args.edit and args.question):
            raise UserError("--edit and --question go together.", "scaffolder golden NAME --edit ID --question TEXT")
        review.edit(args.edit, args.question)
        changed = True
    if args.add or args.source:
        if not (args.add and args.source):
            raise UserError("--add and --source go together.", "scaffolder golden NAME --add TEXT --source FILE")
        if isinstance(review, TaskReview):
            review.add(args.add, args.source, args.expect)
        else:
            review.add(args.add, args.source)
        changed = True
    for ids, status in ((args.accept, "accepted"), (args.reject, "rejected")):
        if ids:
            review.set_status(ids, status)
            changed = True
    if changed:
        review.save()
    counts = {s: sum(q.status == s for q in review.questions) for s in ("accepted", "pending", "rejected")}
    lines = [_line(q) for q in review.questions]
    accepted_file = "evals/my-tasks.jsonl" if tasks else "evals/my-golden.jsonl"
    lines.append(
        f"{counts['accepted']} accepted, {counts['pending']} pending, {counts['rejected']} rejected."
        + (f" The eval runs on the accepted ones: {accepted_file}." if counts["accepted"] else "")
    )
    emit(
        args,
        {"corpus": review.corpus, "counts": counts, "questions": [q.to_dict() for q in review.questions]},
        "\n".join(lines),
    )
    return 0


def _line(draft: Any) -> str:
    where = ", ".join(draft.sources)
    if hasattr(draft, "expected_tools"):  # an agent task: the tool it must call matters as much as its subject
        where = f"{', '.join(draft.expected_tools)}: {where}" if where else ", ".join(draft.expected_tools)
    return f"{draft.id}  {draft.status:<8}  {draft.question}  [{where}; {draft.origin}]"


# --- `scaffolder new rag --docs FOLDER` ---------------------------------------------------------------


def add_docs_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--docs", type=Path, metavar="FOLDER", help="rag: your own documents, copied into the project")
    group.add_argument(
        "--private-docs", type=Path, metavar="FOLDER", help="rag: your own documents, referenced only (never in git)"
    )


def scan_docs_before_generating(args: argparse.Namespace, kind: str | None) -> Any:
    """The corpus report for --docs/--private-docs, printed before anything is generated, or None."""
    from scaffolder.core.corpus import require_readable, scan_corpus
    from scaffolder.core.errors import UserError

    folder = getattr(args, "docs", None) or getattr(args, "private_docs", None)
    if folder is None:
        return None
    if kind != "rag":
        raise UserError("--docs and --private-docs are for the rag template.", "Use: scaffolder new rag --docs FOLDER")
    report = scan_corpus(folder)
    try:
        require_readable(report)
    except UserError as err:
        raise UserError(f"{err.message[:-1]}: nothing was generated.", err.hint) from None
    print(f"Found {report.summary()}.", file=sys.stderr)
    for skipped in report.skipped[:20]:
        print(f"  skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    if len(report.skipped) > 20:
        print(f"  … and {len(report.skipped) - 20} more skipped", file=sys.stderr)
    return report


def add_docs_after_generating(args: argparse.Namespace, project: Any, report: Any) -> dict[str, Any] | None:
    from scaffolder.core.knowledge_base import add_knowledge_base

    if report is None:
        return None
    slug = str(project.answers.get("project_slug") or project.path.name)
    kb = add_knowledge_base(project.path, report, private=args.private_docs is not None, slug=slug)
    print(
        f"Added your knowledge base ({kb.documents} documents, {'private' if kb.private else 'copied'}) and drafted"
        f" {kb.drafted_questions} golden questions: review them with  scaffolder golden {project.name!r}",
        file=sys.stderr,
    )
    return {
        "documents": kb.documents,
        "private": kb.private,
        "corpus": kb.corpus_path,
        "drafted_questions": kb.drafted_questions,
        "commit": kb.commit,
    }


# --- `scaffolder new agent --data PATH --openapi FILE_OR_URL` ----------------------------------------


def add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, metavar="PATH", help="agent: your SQLite file, or CSV files (a folder or one file)"
    )
    parser.add_argument(
        "--openapi", metavar="FILE_OR_URL", help="agent: an OpenAPI 3 document whose GET operations become tools"
    )


def scan_data_before_generating(args: argparse.Namespace, kind: str | None) -> Any:
    """(data report, OpenAPI report) for --data/--openapi, printed before anything is generated, or None."""
    from scaffolder.core.agent_data import scan_data
    from scaffolder.core.errors import UserError
    from scaffolder.core.openapi_tools import scan_openapi

    path, spec = getattr(args, "data", None), getattr(args, "openapi", None)
    if path is None and spec is None:
        return None
    if kind != "agent":
        raise UserError("--data and --openapi are for the agent template.", "Use: scaffolder new agent --data PATH")
    openapi = scan_openapi(spec) if spec else None  # before the data: its refusal leaves no temporary database
    data = scan_data(path) if path is not None else None
    if data is not None:
        atexit.register(data.discard)  # the temporary database built from CSV, even if generation fails
        if not data.tables:
            reasons = "; ".join(f"{s.path}: {s.reason}" for s in data.skipped[:5]) or "no file"
            raise UserError(
                f"Nothing in {data.source} can be used ({reasons}): nothing was generated.",
                "Give a SQLite file, or CSV files (UTF-8, a header row of column names).",
            )
        for line in data.lines():
            print(line, file=sys.stderr)
    if openapi is not None:
        for line in openapi.lines():
            print(line, file=sys.stderr)
    return data, openapi


def add_data_after_generating(args: argparse.Namespace, project: Any, scanned: Any) -> dict[str, Any] | None:
    from scaffolder.core.agent_project import add_agent_data

    if scanned is None:
        return None
    data, openapi = scanned
    slug = str(project.answers.get("project_slug") or project.path.name)
    try:
        added = add_agent_data(project.path, data, openapi, slug=slug)
    finally:
        if data is not None:
            data.discard()
    print(
        f"Added your data ({added.tables} table{'s' * (added.tables != 1)}) and {added.http_tools} HTTP tools, and"
        f" drafted {added.drafted_tasks}"
        f" eval tasks: review them with  scaffolder golden {project.name!r}",
        file=sys.stderr,
    )
    if data is not None:
        print(
            "Your database is committed in data/mine/data.db: push the repository only if you may publish it.",
            file=sys.stderr,
        )
    return {
        "tables": [t.name for t in data.tables] if data else [],
        "http_tools": [t.name for t in openapi.tools] if openapi else [],
        "openapi_source": openapi.source if openapi else None,
        "drafted_tasks": added.drafted_tasks,
        "commit": added.commit,
    }
