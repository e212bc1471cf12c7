"""status, check, set: portfolio readiness from the command line (the same reports as the GUI)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scaffolder.cli._arguments import JSON_OUTPUT, PROJECT_NAME
from scaffolder.core.paths import BUNDLED_KINDS
from scaffolder.core.store import UrlField


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "status",
        help="readiness of each project: level, score, checklists and what to do next",
        description="Check the README, Deployment and Write-up checklists of one project or the whole portfolio.",
        parents=[JSON_OUTPUT],
    )
    p.add_argument("name", nargs="?", help="one project (default: every project, and the portfolio's level)")
    p.add_argument("--offline", action="store_true", help="do not probe URLs; use the last recorded probes")
    p.set_defaults(handler=cmd_status)

    p = subparsers.add_parser(
        "check",
        help="tick a manual check (or --undo it)",
        description="Tick a check only you can decide, optionally with a URL that proves it.",
        parents=[PROJECT_NAME, JSON_OUTPUT],
    )
    p.add_argument("check_id", help="e.g. writeup-shared or explain-architecture")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--undo", action="store_true", help="untick it")
    group.add_argument("--evidence", metavar="URL", help="where it can be seen (http or https)")
    p.set_defaults(handler=cmd_check)

    p = subparsers.add_parser(
        "set",
        help="record a project's live URL or published write-up URL",
        description="Record the URL the app probes and expects the README to link.",
        parents=[PROJECT_NAME, JSON_OUTPUT],
    )
    p.add_argument("field", choices=[f.value for f in UrlField], help="which URL")
    p.add_argument("url", nargs="?", help="an http or https URL")
    p.add_argument("--clear", action="store_true", help="forget the recorded URL")
    p.set_defaults(handler=cmd_set)


def _marks() -> dict[str, str]:
    """Result marks; plain ASCII where the terminal cannot print the symbols."""
    fancy = {"passed": "✓", "failed": "✗", "not_checked": "?", "not_applicable": "–"}
    try:
        "".join(fancy.values()).encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return {"passed": "+", "failed": "x", "not_checked": "?", "not_applicable": "-"}
    return fancy


def _project_text(report: Any) -> str:
    from scaffolder.core.readiness import Checklist

    marks = _marks()
    lines = [f"{report.name}  ·  {report.level.label}  ·  {report.score}% of checks passed", f"{report.path}"]
    for checklist in Checklist:
        lines.append("")
        lines.append(checklist.label)
        for r in report.checklist(checklist):
            manual = " (tick it yourself)" if r.check.kind.value == "manual" else ""
            lines.append(f"  {marks[r.result.value]} {r.check.title}{manual} [{r.check.id}]")
            if r.evidence:
                lines.append(f"      {r.evidence}")
            if r.fix:
                lines.append(f"      fix: {r.fix}")
    lines.append("")
    lines.extend(_next_lines(report))
    return "\n".join(lines)


def _next_lines(report: Any) -> list[str]:
    todo = report.next_checks()
    if not todo:
        return ["Nothing left to do: every check passes."]
    return ["Next:"] + [f"  {i}. {r.check.title} [{r.check.id}]" for i, r in enumerate(todo, 1)]


def _portfolio_text(portfolio: Any, updates: dict[str, Any] | None = None) -> str:
    if not portfolio.reports:
        return f"The portfolio is empty. Start with: scaffolder new {BUNDLED_KINDS[0]}"
    missing = f"; not started: {', '.join(portfolio.missing_kinds)}" if portfolio.missing_kinds else ""
    weakest = f" (held back by {portfolio.weakest}{missing})" if portfolio.weakest else ""
    lines = [f"Portfolio: {portfolio.level.label}{weakest}", ""]
    width = max(len(r.name) for r in portfolio.reports)
    for r in portfolio.reports:
        todo = ", ".join(c.check.id for c in r.next_checks()) or "nothing left"
        missing_folder = "  (folder missing)" if not r.exists else ""
        lines.append(
            f"{r.name:<{width}}  {r.kind:<9}  {r.level.label:<15}  {r.score:>3}%  next: {todo}{missing_folder}"
        )
        note = (updates or {}).get(r.name)
        if note:
            lines.append(f"{'':<{width}}  {note['text']}: scaffolder update {r.name!r}")
    return "\n".join(lines)


def cmd_status(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit
    from scaffolder.cli.cmd_update import update_note
    from scaffolder.core.readiness import check_portfolio, check_project
    from scaffolder.core.store import Store

    store = Store()
    if args.name:
        report = check_project(store, args.name, offline=args.offline)
        note = update_note(store.get(args.name))
        text = _project_text(report) + (f"\n\n{note['text']}: scaffolder update {report.name!r}" if note else "")
        emit(args, {"portfolio": None, "projects": [{**report.to_dict(), "template_update": note}]}, text)
        return 0
    portfolio = check_portfolio(store, offline=args.offline)
    notes = {p.name: update_note(p) for p in store.projects()}
    for problem in store.row_problems:  # the project is listed; what could not be read is said here
        print(f"warning: {problem}", file=sys.stderr)
    emit(
        args,
        {
            "portfolio": portfolio.to_dict(),
            "projects": [{**r.to_dict(), "template_update": notes.get(r.name)} for r in portfolio.reports],
            "store_problems": store.row_problems,
        },
        _portfolio_text(portfolio, notes),
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit
    from scaffolder.core.readiness import manual_check, validate_url
    from scaffolder.core.store import Store

    check = manual_check(args.check_id)
    store = Store()
    if args.undo:
        project = store.untick(args.name, check.id)
        emit(
            args,
            {"name": project.name, "check": check.id, "ticked": False, "checked_at": None, "evidence_url": None},
            f"Unticked {check.title!r} for {project.name}.",
        )
        return 0
    evidence = validate_url(args.evidence) if args.evidence else None
    project = store.tick(args.name, check.id, evidence)
    tick = project.manual_checks[check.id]
    emit(
        args,
        {
            "name": project.name,
            "check": check.id,
            "ticked": True,
            "checked_at": tick.checked_at.isoformat(),
            "evidence_url": tick.evidence_url,
        },
        f"Ticked {check.title!r} for {project.name}" + (f" ({tick.evidence_url})." if tick.evidence_url else "."),
    )
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit
    from scaffolder.core.errors import UserError
    from scaffolder.core.readiness import validate_url
    from scaffolder.core.store import Store

    if args.clear == bool(args.url):
        raise UserError(
            f"Give either a URL or --clear for {args.field}.",
            f"For example: scaffolder set {args.name!r} {args.field} https://docs-qa.onrender.com",
        )
    url = None if args.clear else validate_url(args.url)
    field = UrlField(args.field)
    project = Store().set_url(args.name, field, url)
    what = field.label
    text = (
        f"Recorded the {what} of {project.name}: {url}\nRun  scaffolder status {project.name!r}  to probe it."
        if url
        else f"Cleared the {what} of {project.name}."
    )
    emit(args, {"name": project.name, "field": field.value, "url": url}, text)
    return 0
