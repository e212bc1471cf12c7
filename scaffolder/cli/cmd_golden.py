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
    p.add_argument(
        "--draft-with",
        choices=("offline", "openai", "anthropic", "ollama"),
        metavar="PROVIDER",
        help="rag: draft more questions from your documents (openai, anthropic or ollama: with a model, by the"
        " same environment variables the project reads; offline: from definitions and headings); new ones are pending",
    )
    p.add_argument(
        "--eval",
        action="store_true",
        help="rag: then run the project's eval (in its .venv) and write its figures on your documents into the README",
    )
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
    drafted = None
    if args.draft_with:
        if tasks:
            raise UserError("--draft-with is for rag projects.", "Add eval tasks of your own with --add.")
        from scaffolder.core.knowledge_base import draft_more

        print(f"Drafting questions from your documents ({_drafter(args.draft_with)}) …", file=sys.stderr)
        drafted = draft_more(project.path, args.draft_with)
        review = GoldenReview.load(project.path)
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
    if drafted is not None:
        lines.insert(0, f"{drafted} new question{'s' * (drafted != 1)} drafted, pending your review.")
    accepted_file = "evals/my-tasks.jsonl" if tasks else "evals/my-golden.jsonl"
    lines.append(
        f"{counts['accepted']} accepted, {counts['pending']} pending, {counts['rejected']} rejected."
        + (f" The eval runs on the accepted ones: {accepted_file}." if counts["accepted"] else "")
    )
    data: dict[str, Any] = {
        "corpus": review.corpus,
        "counts": counts,
        "questions": [q.to_dict() for q in review.questions],
    }
    if args.eval:
        data["eval"] = _run_eval(project.path, tasks, args.json)
        lines += ["", data["eval"]["table"], "Written into README.md and evals/results.md: commit them when you agree."]
    emit(args, data, "\n".join(lines))
    return 0


def _run_eval(project: Path, tasks: bool, quiet: bool) -> dict[str, Any]:
    """The project's own eval on the accepted questions; its progress on stderr."""
    from scaffolder.core.errors import UserError
    from scaffolder.core.rag_runs import run_your_eval

    if tasks:
        raise UserError("--eval is for rag projects.", "Run the agent's eval in its folder, as its README says.")
    print("Running the project's eval: the bundled suites and your accepted questions …", file=sys.stderr)
    run = run_your_eval(project, on_line=lambda line: None if quiet else print(f"  {line}", file=sys.stderr))
    return {"table": run.table}


def _line(draft: Any) -> str:
    from scaffolder.core.golden import origin_label

    where = ", ".join(draft.sources)
    if hasattr(draft, "expected_tools"):  # an agent task: the tool it must call matters as much as its subject
        where = f"{', '.join(draft.expected_tools)}: {where}" if where else ", ".join(draft.expected_tools)
    origin = draft.origin if hasattr(draft, "expected_tools") else origin_label(draft.origin)
    return f"{draft.id}  {draft.status:<8}  {draft.question}  [{where}; {origin}]"


def _drafter(provider: str) -> str:
    return "offline: definitions and headings" if provider == "offline" else f"with a model: {provider}"


# --- `scaffolder new rag --docs FOLDER` ---------------------------------------------------------------


def add_docs_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--docs", type=Path, metavar="FOLDER", help="rag: your own documents, copied into the project")
    group.add_argument(
        "--private-docs", type=Path, metavar="FOLDER", help="rag: your own documents, referenced only (never in git)"
    )
    parser.add_argument(
        "--draft-with",
        choices=("offline", "openai", "anthropic", "ollama"),
        default="offline",
        metavar="PROVIDER",
        help="rag: who drafts the golden questions from your documents: offline (definitions and headings, the"
        " default) or a model (openai, anthropic, ollama; by the same environment variables the project reads)",
    )
    parser.add_argument(
        "--no-index",
        action="store_true",
        help="rag: do not build the project's index over your documents now (it needs the project's .venv)",
    )


def scan_docs_before_generating(args: argparse.Namespace, kind: str | None) -> Any:
    """The corpus report for --docs/--private-docs, printed before anything is generated, or None."""
    from scaffolder.core.corpus import require_readable, scan_corpus
    from scaffolder.core.errors import UserError

    folder = getattr(args, "docs", None) or getattr(args, "private_docs", None)
    if folder is None:
        if getattr(args, "draft_with", "offline") != "offline" or getattr(args, "no_index", False):
            raise UserError(
                "--draft-with and --no-index go with your documents: nothing was generated.",
                "Use: scaffolder new rag --docs FOLDER --draft-with openai",
            )
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
    from scaffolder.core.golden import providers_with_keys
    from scaffolder.core.knowledge_base import add_knowledge_base

    if report is None:
        return None
    slug = str(project.answers.get("project_slug") or project.path.name)
    provider = getattr(args, "draft_with", "offline")
    kb = add_knowledge_base(project.path, report, private=args.private_docs is not None, slug=slug, provider=provider)
    by = "" if kb.drafted_by == "offline" else f" (with the model {kb.drafted_by})"
    print(
        f"Added your knowledge base ({kb.documents} documents, {'private' if kb.private else 'copied'}) and drafted"
        f" {kb.drafted_questions} golden questions{by}: review them with  scaffolder golden {project.name!r}",
        file=sys.stderr,
    )
    if kb.drafting_note:
        print(kb.drafting_note, file=sys.stderr)
    offered = providers_with_keys()
    if provider == "offline" and offered:
        print(
            f"A model can draft questions too ({', '.join(offered)} is set up):"
            f"  scaffolder golden {project.name!r} --draft-with {offered[0]}",
            file=sys.stderr,
        )
    added: dict[str, Any] = {
        "documents": kb.documents,
        "private": kb.private,
        "corpus": kb.corpus_path,
        "drafted_questions": kb.drafted_questions,
        "drafted_by": kb.drafted_by,
        "commit": kb.commit,
        "index": None,
    }
    if not args.no_index:
        added["index"] = _build_index(project.path, kb.corpus_path, quiet=args.json)
    return added


def _build_index(project: Path, corpus: str, quiet: bool) -> dict[str, Any] | None:
    """The project's own ingest over the documents, in its .venv; a failure is said, not fatal (the
    project and its documents are committed already, and the index is a file the project rebuilds)."""
    from scaffolder.core.errors import UserError
    from scaffolder.core.rag_runs import build_index

    print("Building the index over your documents (the project's .venv, then its ingest) …", file=sys.stderr)
    try:
        built = build_index(
            project, corpus, on_line=lambda line: None if quiet else print(f"  {line}", file=sys.stderr)
        )
    except UserError as err:
        print(f"The index was not built: {err.message} {err.hint}", file=sys.stderr)
        return None
    print(f"Indexed {built.documents} documents ({built.chunks} chunks) into {built.path}.", file=sys.stderr)
    return {"path": str(built.path), "documents": built.documents, "chunks": built.chunks}


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
    from scaffolder.core.agent_data import require_tables, scan_data
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
        try:
            require_tables(data)
        except UserError as err:
            raise UserError(f"{err.message[:-1]}: nothing was generated.", err.hint) from None
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
