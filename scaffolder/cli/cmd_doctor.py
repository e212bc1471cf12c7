"""doctor: check the app's own state (the portfolio file, its backup, project folders, leftovers)
and, with --repair, put right what can be put right safely."""

from __future__ import annotations

import argparse
from typing import Any

from scaffolder.cli._arguments import JSON_OUTPUT


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "doctor",
        help="check the portfolio file, its backup and the projects' folders; --repair fixes what it can",
        description="Check the app's state: the portfolio file's integrity, its backup, rows that cannot be read,"
        " projects whose folder is missing, and files a killed process left behind. Nothing changes without"
        " --repair or --restore, and no project record or project file is ever deleted.",
        parents=[JSON_OUTPUT],
    )
    p.add_argument("--repair", action="store_true", help="restore a damaged portfolio, refresh the backup, tidy up")
    p.add_argument(
        "--restore",
        action="store_true",
        help="put the backup in place of the current portfolio (which is kept aside)",
    )
    p.set_defaults(handler=cmd_doctor)


def _text(report: Any) -> str:
    lines = [f"Portfolio: {report.path}"]
    for finding in report.findings:
        mark = "ok" if finding.ok else ("fixed" if finding.repaired else "PROBLEM")
        lines.append(f"  [{mark}] {finding.text}")
        if finding.repair and not finding.ok and not finding.repaired:
            lines.append(f"          repair: {finding.repair}")
    pending = [f for f in report.findings if not f.ok and not f.repaired and f.repair]
    if report.ok:
        lines.append("Everything is in order.")
    elif pending:
        lines.append("Run  scaffolder doctor --repair  to do the repairs above.")
    else:
        lines.append("Some problems need you: see above.")
    return "\n".join(lines)


def cmd_doctor(args: argparse.Namespace) -> int:
    import logging

    from scaffolder.cli._output import emit
    from scaffolder.core.doctor import examine

    # The store's notices (a restore…) are findings here; without this, Python's last-resort
    # handler would print each one a second time on stderr.
    logging.getLogger("scaffolder.core").addHandler(logging.NullHandler())
    report = examine(repair=args.repair, restore=args.restore)
    emit(args, report.to_dict(), _text(report))
    return 0 if report.ok else 1
