"""deploy: the platform's one-click link, or its CLI run here with its output streamed."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scaffolder.cli._arguments import PROJECT_NAME


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "deploy",
        help="deploy the project: Render's Blueprint link, or run flyctl/railway when installed",
        description="Deploy the project to the platform its config names (render.yaml, fly.toml, railway.json)."
        " The URL the platform prints is offered as the live URL.",
        parents=[PROJECT_NAME],
    )
    p.add_argument("--no-input", action="store_true", help="do not ask: record the URL the platform prints")
    p.add_argument("--json", action="store_true", help="machine-readable output (the CLI's output goes to stderr)")
    p.set_defaults(handler=cmd_deploy)


def cmd_deploy(args: argparse.Namespace) -> int:
    from scaffolder.cli._output import emit
    from scaffolder.core.deploy.plan import plan_deploy
    from scaffolder.core.deploy.run import probe_live_url, record_live_url, run_deploy
    from scaffolder.core.readiness.probe import describe
    from scaffolder.core.store import Store

    store = Store()
    project = store.get(args.name)
    plan = plan_deploy(project)
    data: dict[str, Any] = {**plan.to_dict(), "url": None, "recorded": False}
    if plan.argv is None:
        text = f"{plan.sentence}\n{plan.link}" if plan.link else f"{plan.sentence}\n\n{plan.manual_steps}"
        emit(args, data, text)
        return 0 if plan.link else 1
    out = sys.stderr if args.json else sys.stdout
    print(plan.sentence, file=sys.stderr, flush=True)
    outcome = run_deploy(plan, on_line=lambda line: print(line, file=out, flush=True))
    data["url"] = outcome.url
    if outcome.url is None:
        emit(
            args,
            data,
            f"Deployed. The platform printed no app URL; record it with: scaffolder set {project.name!r} live-url URL",
        )
        return 0
    if args.no_input:
        agreed = True
    elif not args.json and sys.stdin.isatty():
        agreed = input(f"Record {outcome.url} as the live URL of {project.name}? [Y/n] ").strip().lower() in {
            "",
            "y",
            "yes",
        }
    else:
        agreed = False
    if agreed:
        probe = probe_live_url(store, record_live_url(store, project.name, outcome.url))
        data["recorded"] = True
        data["probe"] = describe(probe) if probe else None
        text = f"Deployed to {outcome.url}, recorded as the live URL; {data['probe']}."
    else:
        text = f"Deployed to {outcome.url}. To record it: scaffolder set {project.name!r} live-url {outcome.url}"
    emit(args, data, text)
    return 0
