"""Printing for the CLI: text or JSON on stdout, errors as sentences on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from scaffolder.core.errors import UserError


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if getattr(args, "json", False):
        json.dump(data, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    elif text:
        print(text)


def _exit_on_sigterm() -> None:
    """SIGTERM ends the command like Ctrl-C does: `finally` blocks run, so the processes a command
    started in their own groups (servers, hooks) are killed, not orphaned."""
    import signal

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, interrupt)


def run_handler(args: argparse.Namespace) -> int:
    _exit_on_sigterm()
    try:
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
