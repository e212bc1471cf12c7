"""update: merge a newer version of a project's template into it, keeping the user's changes."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any

from scaffolder.cli._arguments import JSON_OUTPUT, PROJECT_NAME


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "update",
        help="merge a newer version of a project's template into it, keeping your changes",
        description=(
            "Render the template's current version with the project's recorded answers and merge it into the"
            " project's branch with git's three-way merge: your changes are kept, the template's are applied,"
            " and lines both changed are merged or left as a git conflict for you to finish."
        ),
        parents=[PROJECT_NAME, JSON_OUTPUT],
    )
    p.add_argument("--dry-run", action="store_true", help="show what the template changes, with diffs; change nothing")
    p.add_argument(
        "--set", dest="answers", action="append", default=[], metavar="KEY=VALUE", help="answer a question (repeatable)"
    )
    p.add_argument("--no-input", action="store_true", help="do not ask; new questions take their defaults")
    p.add_argument(
        "--trust",
        "--accept-hooks",
        dest="accept_hooks",
        action="store_true",
        help="agree to run a third-party template's code (its files, hooks and extensions) without asking",
    )
    p.add_argument(
        "--abort-on-conflict", action="store_true", help="if the merge conflicts, back out of it and change nothing"
    )
    p.add_argument(
        "--link",
        action="store_true",
        help="for a project without refs/scaffolder/template: lay it from the recorded answers and version",
    )
    p.set_defaults(handler=cmd_update)


def update_note(project: Any) -> dict[str, str] | None:
    """{"recorded", "available", "text"} when a newer template version exists (for status and list)."""
    from scaffolder.core.update import available_update

    available = available_update(project)
    if available is None:
        return None
    return {"recorded": available.recorded, "available": available.current, "text": available.text}


def _plan_dict(plan: Any, dry_run: bool) -> dict[str, Any]:
    return {
        "name": plan.project.name,
        "template": plan.template.name,
        "recorded_version": plan.recorded_version,
        "current_version": plan.current_version,
        "up_to_date": plan.up_to_date,
        "dry_run": dry_run,
        "branch": plan.branch,
        "new_questions": [
            {"name": q.question.name, "kind": q.question.kind.value, "help": q.question.help, "default": q.default}
            for q in plan.new_questions
        ],
        "changes": [{"path": c.path, "status": c.status, "old_path": c.old_path, "diff": c.diff} for c in plan.changes],
    }


def _plan_text(plan: Any, with_diffs: bool) -> str:
    lines = [
        f"{plan.project.name}: template {plan.template.name} {plan.recorded_version or '(unknown)'}"
        f" → {plan.current_version}, into branch {plan.branch}"
    ]
    if plan.new_questions:
        lines.append("New questions:")
        lines.extend(f"  {q.question.name} (default: {q.default})" for q in plan.new_questions)
    lines.append(f"The template changes {len(plan.changes)} file{'s' if len(plan.changes) != 1 else ''}:")
    for change in plan.changes:
        renamed = f" (from {change.old_path})" if change.old_path else ""
        lines.append(f"  {change.status:<8}  {change.path}{renamed}")
    if with_diffs:
        for change in plan.changes:
            lines.extend(["", change.diff])
    return "\n".join(lines)


def _ask_new_questions(plan: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """Ask the questions new since the recorded version (the recorded answers count as answered)."""
    from scaffolder.cli.cmd_portfolio import _ask

    asked = _ask(plan.template, {**plan.recorded_answers, **answers})
    new = {q.question.name for q in plan.new_questions}
    return {**answers, **{key: value for key, value in asked.items() if key in new}}


def cmd_update(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit
    from scaffolder.cli.cmd_portfolio import _parse_sets, _stdout_to_stderr
    from scaffolder.core.errors import HooksNotApproved
    from scaffolder.core.settings import load_settings
    from scaffolder.core.store import Store
    from scaffolder.core.update import UpdateOutcome, apply_update, link_template, plan_update

    store = Store()
    project = store.get(args.name)
    fallback = load_settings(store).identity
    interactive = not args.no_input and sys.stdin.isatty()
    answers = _parse_sets(args.answers)
    accept_hooks = args.accept_hooks

    def show(progress: Any) -> None:
        if interactive and not args.json:
            print(f"\r{progress.fraction:4.0%} {progress.message[:60]:<60}", end="", file=sys.stderr, flush=True)

    def consented(step: Any) -> Any:
        """Run a step that renders the template, asking for hook consent on a terminal."""
        nonlocal accept_hooks
        with _stdout_to_stderr() if args.json else contextlib.nullcontext():
            try:
                return step()
            except HooksNotApproved as err:
                if not interactive:
                    raise
                print(err, file=sys.stderr)
                if input("Agree to run this template's code? [y/N] ").strip().lower() not in {"y", "yes"}:
                    raise
                accept_hooks = True
                return step()
            finally:
                if interactive and not args.json:
                    print(file=sys.stderr)

    if args.link:
        pristine = consented(
            lambda: link_template(
                project, accept_hooks=accept_hooks, fallback_identity=fallback, progress=show, store=store
            )
        )
        emit(
            args,
            {"name": project.name, "linked": True, "template_commit": pristine},
            f"Linked {project.name} to its template's output at the recorded version ({pristine[:10]}).\n"
            f"Run  scaffolder update {project.name!r}  when the template has a newer version.",
        )
        return 0

    plan = consented(
        lambda: plan_update(project, accept_hooks=accept_hooks, fallback_identity=fallback, progress=show, store=store)
    )
    if plan.up_to_date or args.dry_run:
        text = (
            f"{project.name} is up to date with template {plan.template.name} {plan.current_version}."
            if plan.up_to_date
            else _plan_text(plan, with_diffs=True)
        )
        emit(args, _plan_dict(plan, args.dry_run), text)
        return 0
    if interactive and not args.json:
        print(_plan_text(plan, with_diffs=False), file=sys.stderr)
        answers = _ask_new_questions(plan, answers)
    result = consented(
        lambda: apply_update(plan, answers, abort_on_conflict=args.abort_on_conflict, store=store, progress=show)
    )
    emit(
        args,
        {
            **_plan_dict(plan, False),
            "outcome": result.outcome.value,
            "message": result.message,
            "template_commit": result.template_commit,
            "merge_commit": result.merge_commit,
            "conflicts": list(result.conflicts),
        },
        result.message,
    )
    return 0 if result.outcome is UpdateOutcome.MERGED else 1
