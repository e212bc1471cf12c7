"""editors, open: what editors are installed, and opening a project in one."""

from __future__ import annotations

import argparse
from typing import Any

from scaffolder.cli._arguments import JSON_OUTPUT, PROJECT_NAME


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "editors", help="list the editors and terminals found on this computer", parents=[JSON_OUTPUT]
    )
    p.set_defaults(handler=cmd_editors)

    p = subparsers.add_parser(
        "open",
        help="open a project in your editor",
        description="Open a portfolio project in its own editor, else the default editor from settings, "
        "else the first one found. The editor starts detached: it stays open after this command ends.",
        parents=[PROJECT_NAME, JSON_OUTPUT],
    )
    how = p.add_mutually_exclusive_group()
    how.add_argument("--editor", metavar="ID", help="an editor id from `scaffolder editors`")
    how.add_argument(
        "--with",
        dest="with_command",  # not "command": the top-level parser keeps the sub-command there
        metavar="CMD",
        help='a command line, {path} where the folder goes, e.g. --with "kate -n {path}"',
    )
    p.set_defaults(handler=cmd_open)


def cmd_editors(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit
    from scaffolder.core.editors import AUTOMATIC, CUSTOM, detect
    from scaffolder.core.settings import load_settings
    from scaffolder.core.store import Store

    detected = detect()
    settings = load_settings(Store())
    default = settings.editor
    default_id = default or (detected.editors[0].id if detected.editors else AUTOMATIC)
    data = [
        {
            "id": e.id,
            "name": e.name,
            "command": list(e.command),
            "needs_terminal": e.terminal,
            "default": e.id == default_id,
        }
        for e in detected.editors
    ]
    if detected.editors:
        width = max(len(e.id) for e in detected.editors)
        lines = [
            f"{'*' if e.id == default_id else ' '} {e.id:<{width}}  {e.name}{' (in a terminal)' if e.terminal else ''}"
            f"  —  {' '.join(e.command)}"
            for e in detected.editors
        ]
        terminal = next((t for t in detected.terminals if t.run), None)
        lines.append(f"Terminal: {terminal.name} ({terminal.run[0]})" if terminal else "Terminal: none found")
        if default == CUSTOM:
            lines.append(f"Default: the custom command {settings.custom_editor_command!r}")
        elif default and default_id not in {e.id for e in detected.editors}:
            lines.append(f"The default editor {default!r} (from settings) was not found.")
        text = "\n".join(lines)
    else:
        text = 'No editor found. Install one, or use: scaffolder open NAME --with "CMD {path}"'
    emit(args, data, text)
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit, project_json
    from scaffolder.core.editors import open_project
    from scaffolder.core.store import Store

    opened = open_project(Store(), args.name, editor_id=args.editor, command=args.with_command)
    emit(
        args,
        {
            **project_json(opened.project),
            "editor": opened.editor.id,
            "editor_name": opened.editor.name,
            "argv": list(opened.plan.argv),
            "pid": opened.process.pid,
        },
        f"Opened {opened.project.name} in {opened.plan.what}: {opened.plan.command_line()}",
    )
    return 0
