"""Command line: parses, calls the core, prints text or --json. No arguments opens the GUI.

Each `scaffolder/cli/cmd_*.py` module adds its sub-commands with `register(subparsers)`; the
handlers import what they need lazily, so `scaffolder new` never pays for Qt.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scaffolder import __version__

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    # Imported here: opening the app (no arguments) needs none of them.
    import argparse
    import importlib
    import pkgutil

    parser = argparse.ArgumentParser(
        prog="scaffolder",
        description="Generate, track and polish your AI portfolio projects. Run with no arguments to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    package = importlib.import_module(__name__)
    for module in sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("cmd_")):
        importlib.import_module(f"{__name__}.{module}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if not arguments:
        # The app opens without building the parser: importing every sub-command's module costs
        # as much as Qt's own import (benchmarks/bench_startup.py).
        from scaffolder.app import run_gui

        return run_gui()
    args = build_parser().parse_args(arguments)
    if args.command is None:
        from scaffolder.app import run_gui

        return run_gui()
    from scaffolder.cli._output import run_handler

    return run_handler(args)


if __name__ == "__main__":
    sys.exit(main())
