"""golden: review the questions drafted from your own documents (and the --docs part of `new`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "golden",
        help="review the golden questions drafted from your documents: accept, edit, reject, add",
        description=(
            "The project's eval runs on the questions you accepted (evals/my-golden.jsonl). With no option, lists"
            " every drafted question with its id, status, expected source and where it came from."
        ),
    )
    p.add_argument("name", help="the project's name, as `scaffolder list` shows it")
    p.add_argument("--accept", nargs="+", metavar="ID", help="accept these questions ('all' for every one)")
    p.add_argument("--reject", nargs="+", metavar="ID", help="reject these questions")
    p.add_argument("--edit", metavar="ID", help="reword a question (with --question); it counts as accepted")
    p.add_argument("--question", metavar="TEXT", help="the new wording, with --edit")
    p.add_argument("--add", metavar="TEXT", help="add a question of your own (with --source)")
    p.add_argument("--source", metavar="FILE", help="the document that answers it, relative to the corpus folder")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_golden)


def cmd_golden(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit
    from scaffolder.core.errors import UserError
    from scaffolder.core.golden import GoldenReview
    from scaffolder.core.store import Store

    project = Store().get(args.name)
    review = GoldenReview.load(project.path)
    changed = False
    if args.edit or args.question:
        if not (args.edit and args.question):
            raise UserError("--edit and --question go together.", "scaffolder golden NAME --edit ID --question TEXT")
        review.edit(args.edit, args.question)
        changed = True
    if args.add or args.source:
        if not (args.add and args.source):
            raise UserError("--add and --source go together.", "scaffolder golden NAME --add TEXT --source FILE")
        review.add(args.add, args.source)
        changed = True
    for ids, status in ((args.accept, "accepted"), (args.reject, "rejected")):
        if ids:
            review.set_status(ids, status)
            changed = True
    if changed:
        review.save()
    counts = {s: sum(q.status == s for q in review.questions) for s in ("accepted", "pending", "rejected")}
    lines = [f"{q.id}  {q.status:<8}  {q.question}  [{', '.join(q.sources)}; {q.origin}]" for q in review.questions]
    lines.append(
        f"{counts['accepted']} accepted, {counts['pending']} pending, {counts['rejected']} rejected."
        + (" The eval runs on the accepted ones: evals/my-golden.jsonl." if counts["accepted"] else "")
    )
    emit(
        args,
        {"corpus": review.corpus, "counts": counts, "questions": [q.to_dict() for q in review.questions]},
        "\n".join(lines),
    )
    return 0


# --- `scaffolder new rag --docs FOLDER` ---------------------------------------------------------------


def add_docs_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--docs", type=Path, metavar="FOLDER", help="rag: your own documents, copied into the project")
    group.add_argument(
        "--private-docs", type=Path, metavar="FOLDER", help="rag: your own documents, referenced only (never in git)"
    )


def scan_docs_before_generating(args: argparse.Namespace, kind: str | None) -> Any:
    """The corpus report for --docs/--private-docs, printed before anything is generated, or None."""
    from scaffolder.core.corpus import scan_corpus
    from scaffolder.core.errors import UserError

    folder = getattr(args, "docs", None) or getattr(args, "private_docs", None)
    if folder is None:
        return None
    if kind != "rag":
        raise UserError("--docs and --private-docs are for the rag template.", "Use: scaffolder new rag --docs FOLDER")
    report = scan_corpus(folder)
    if not report.documents:
        raise UserError(
            f"No document in {report.root} can be read ({len(report.skipped)} skipped): nothing was generated.",
            "Use Markdown, HTML, text, reStructuredText or PDF files.",
        )
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
