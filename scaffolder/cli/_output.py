"""Printing for the CLI: text or JSON on stdout, errors as sentences on stderr."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from scaffolder.core.errors import UserError

if TYPE_CHECKING:
    from scaffolder.core.store import Project

# What --json can say of a project beyond its name, kind and path, each said the same way by
# every command that says it.
PROJECT_FIELDS: dict[str, Callable[[Project], Any]] = {
    "exists": lambda p: p.exists,
    "template": lambda p: p.template,
    "template_version": lambda p: p.template_version,
    "created_at": lambda p: p.created_at.isoformat(),
    "live_url": lambda p: p.live_url,
    "writeup_url": lambda p: p.writeup_url,
    "editor": lambda p: p.editor,
}


def project_json(project: Project, *more: str) -> dict[str, Any]:
    """A project as --json shows it: its name, kind and path, then the `more` of PROJECT_FIELDS."""
    return {
        "name": project.name,
        "kind": project.kind,
        "path": str(project.path),
        **{field: PROJECT_FIELDS[field](project) for field in more},
    }


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if getattr(args, "json", False):
        json.dump(data, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    elif text:
        print(text)


@contextlib.contextmanager
def sigterm_cancels() -> Iterator[None]:
    """SIGTERM ends a command like Ctrl-C does: `finally` blocks run, so what the command started
    in its own process groups (hooks, a project's server, a deploy) is killed, not orphaned, and
    "cancelled" is printed. Not on another thread (tests calling main() from one): nothing to do."""
    import signal

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except (ValueError, AttributeError):  # not the main thread; no SIGTERM on this platform
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_handler(args: argparse.Namespace) -> int:
    try:
        with sigterm_cancels():
            result = args.handler(args)
    except UserError as err:
        print(f"error: {err.message}", file=sys.stderr)
        if err.hint:
            print(err.hint, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("cancelled", file=sys.stderr)
        return 130
    return int(result or 0)
