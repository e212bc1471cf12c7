"""writeup, export: from a generated project to something shown (a write-up draft, a profile README)."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

from scaffolder.cli._arguments import JSON_OUTPUT, PROJECT_NAME


def register(subparsers: Any) -> None:
    from scaffolder.core.export import FORMATS
    from scaffolder.core.llm import PROVIDERS

    p = subparsers.add_parser(
        "writeup",
        help="draft the sections of WRITEUP.md that still hold the template's prompts",
        description=(
            "Fill the Problem, Approach, Architecture, Results and What I learned sections that hold only the"
            " template's prompts, from the project's own files. Your own words are never touched; drafted text is"
            " not counted by the write-up checklist until you edit it."
        ),
        parents=[PROJECT_NAME, JSON_OUTPUT],
    )
    p.add_argument(
        "--provider",
        choices=PROVIDERS,
        default="offline",
        help="offline lays out the facts for you to rewrite; a provider writes prose from the same facts",
    )
    p.set_defaults(handler=cmd_writeup)

    p = subparsers.add_parser(
        "demo",
        help="record docs/demo.gif: start the project offline, drive its web UI in Chromium, encode a GIF",
        description=(
            "Runs the steps in the project's docs/demo.toml against its own server (started from its .venv, created"
            " if missing) in headless Chromium, writes docs/demo.gif (at most 15 s, 900 px wide, 3 MB), puts it in"
            " the README's demo slot and, if you agree, commits both."
        ),
        parents=[PROJECT_NAME, JSON_OUTPUT],
    )
    p.add_argument("--no-input", action="store_true", help="do not ask: record and fill the README, do not commit")
    p.add_argument("--commit", action="store_true", help="commit the GIF and the README without asking")
    p.add_argument(
        "--trust",
        action="store_true",
        help="agree to run an imported project's own start command (docs/demo.toml) without asking",
    )
    p.set_defaults(handler=cmd_demo)

    p = subparsers.add_parser(
        "export",
        help="the portfolio as a GitHub profile README, résumé bullets or JSON",
        description="Only facts the app measured or you recorded; a missing fact is left out.",
    )
    p.add_argument("--format", choices=FORMATS, default="profile-readme", help="what to write")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of the terminal")
    p.add_argument("--offline", action="store_true", help="do not probe URLs; use the last recorded probes")
    p.set_defaults(handler=cmd_export)


def cmd_writeup(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit
    from scaffolder.core.errors import FolderMissing
    from scaffolder.core.store import Store
    from scaffolder.core.writeup_draft import draft_writeup

    project = Store().get(args.name)
    if not project.exists:
        raise FolderMissing(project.name, project.path)
    result = draft_writeup(project.path, provider=args.provider, name=project.name)
    by = f" by {result.model}" if result.model else " (offline: facts laid out for you to rewrite)"
    lines = [f"{result.path}: drafted {len(result.drafted)} section(s){by}."]
    lines += [f"  {s.heading}: {s.action}{f' ({s.detail})' if s.detail else ''}" for s in result.sections]
    data = {
        "path": str(result.path),
        "provider": result.provider,
        "model": result.model,
        "sections": [
            {"section": s.section, "heading": s.heading, "action": s.action, "detail": s.detail}
            for s in result.sections
        ],
    }
    emit(args, data, "\n".join(lines))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from scaffolder.core.errors import UserError
    from scaffolder.core.export import export_portfolio, render_export
    from scaffolder.core.readiness import check_portfolio
    from scaffolder.core.store import Store

    store = Store()
    projects = store.projects()
    text = render_export(export_portfolio(projects, check_portfolio(store, offline=args.offline)), args.format)
    if not args.output:
        print(text, end="")
        return 0
    target = Path(args.output).expanduser()
    if not target.parent.is_dir():
        raise UserError(f"{target.parent} is not a folder.", "Create it, or write the export somewhere else.")
    fd, temp = tempfile.mkstemp(prefix=".export-", dir=target.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(temp, target)
    print(f"Wrote {target}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import sys

    from scaffolder.cli._output import emit
    from scaffolder.core.demo import commit_demo, record_demo, what_runs
    from scaffolder.core.errors import FolderMissing, UserError
    from scaffolder.core.paths import BUNDLED_KINDS
    from scaffolder.core.store import Store

    project = Store().get(args.name)
    if not project.exists:
        raise FolderMissing(project.name, project.path)
    runs = what_runs(project.path)
    if project.template not in BUNDLED_KINDS and not args.trust:
        # An imported project (or one from a third-party template) is code the user did not write.
        if args.no_input or not sys.stdin.isatty():
            raise UserError(
                f"{project.name} was not generated from the app's own templates. {runs}",
                "Read docs/demo.toml; if you trust it, pass --trust.",
            )
        print(runs, file=sys.stderr)
        if not _yes("Run it? [y/N] "):
            raise UserError("Not recorded: nothing was run.", "Pass --trust to agree without being asked.")
    elif not args.json:
        print(runs, file=sys.stderr)
    quiet = args.json
    result = record_demo(project.path, progress=lambda line: None if quiet else print(line, file=sys.stderr))
    commit = None
    if args.commit or (not args.no_input and sys.stdin.isatty() and _yes("Commit docs/demo.gif and README.md? [y/N] ")):
        commit = commit_demo(project.path)
    data = {
        "gif": str(result.gif),
        "frames": result.frames,
        "seconds": result.seconds,
        "width": result.width,
        "height": result.height,
        "bytes": result.bytes,
        "readme_updated": result.readme_updated,
        "commit": commit,
    }
    text = (
        f"Recorded {result.gif}: {result.frames} frames, {result.seconds:.1f} s, {result.width}×{result.height},"
        f" {result.bytes / 1_000_000:.1f} MB."
        + ("\nThe README's demo slot now shows it." if result.readme_updated else "")
        + (
            f"\nCommitted as {commit[:10]}."
            if commit
            else "\nNot committed: review it, then git add docs/demo.gif README.md"
        )
    )
    emit(args, data, text)
    return 0


def _yes(question: str) -> bool:
    try:
        return input(question).strip().lower() in {"y", "yes"}
    except EOFError:
        return False
