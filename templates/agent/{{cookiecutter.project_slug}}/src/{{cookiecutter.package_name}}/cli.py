"""Command line: `run`, `chat`, `trace`, `eval`, `serve`, `tools`, `sessions`."""

from __future__ import annotations

import argparse
import io
import json
import sys
import uuid
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import DESCRIPTION
from .approval import Approver, AutoApprover, ConsoleApprover
from .config import Settings, get_settings
from .logs import configure_logging
from .providers.base import ProviderConfigError

PROG = "{{ cookiecutter.project_slug }}"
DEFAULT_TASK_FILES = ["evals/tasks.jsonl", "evals/tasks-heldout.jsonl"]
# The tasks drafted from your own data and API and accepted by you (`scaffolder golden`).
MY_TASK_FILE = "evals/my-tasks.jsonl"


def _printer(stream: Any) -> Any:
    """Print each step as it happens (to stderr, so stdout keeps only the answer)."""

    def on_event(event: dict[str, Any]) -> None:
        kind = event["type"]
        if kind == "model_call":
            if event.get("thought"):
                print(f"[step {event['step']}] {event['thought']}", file=stream)
            for call in event.get("tool_calls", []):
                args = json.dumps(call.get("arguments"), ensure_ascii=False)
                print(f"[step {event['step']}] -> {call['name']} {args[:200]}", file=stream)
        elif kind == "tool_result":
            mark = "x" if event.get("is_error") else "<-"
            print(
                f"[step {event['step']}] {mark} {event['name']}: {event['result'][:200]}",
                file=stream,
            )
        elif kind == "approval_resolved":
            verdict = "approved" if event["approved"] else "denied"
            print(f"[step {event['step']}] {event['tool']} {verdict}", file=stream)
        stream.flush()

    return on_event


def _approver(args: argparse.Namespace) -> Approver:
    if getattr(args, "yes", False):
        return AutoApprover(True)
    return ConsoleApprover(interactive=sys.stdin.isatty())


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from .service import ask, make_agent

    agent = make_agent(settings, _approver(args), provider_name=args.provider)
    on_event = None if (args.quiet or args.json) else _printer(sys.stderr)
    result = ask(agent, args.question, session_id=args.session, on_event=on_event)
    if args.json:
        print(json.dumps(result.summary(), indent=2, ensure_ascii=False))
    else:
        print(result.answer)
        print(
            f"\n(run {result.run_id}: {result.stop_reason}, {result.steps} steps, "
            f"{result.usage.total_tokens} tokens, ${result.cost_usd:.4f}"
            f"{', session ' + args.session if args.session else ''})",
            file=sys.stderr,
        )
    return 0 if result.stop_reason == "final" else 2


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from .memory import SessionStore
    from .service import ask, make_agent

    session = args.session or uuid.uuid4().hex[:12]
    agent = make_agent(settings, _approver(args), provider_name=args.provider)
    store = SessionStore(settings.sessions_path)
    print(
        f"Chatting with {agent.provider.name}/{agent.provider.model} in session {session} "
        "(empty line or Ctrl-D to quit; continue later with --session)."
    )
    while True:
        try:
            question = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            break
        if not question:
            break
        result = ask(
            agent,
            question,
            session_id=session,
            store=store,
            on_event=None if args.quiet else _printer(sys.stdout),
        )
        print(f"agent> {result.answer}\n")
    return 0


def cmd_trace(args: argparse.Namespace, settings: Settings) -> int:
    from .trace import format_trace, latest_run_id, read_trace

    run_id = args.run_id
    if run_id == "latest":
        run_id = latest_run_id(settings.traces_dir)
        if run_id is None:
            print(f"no traces in {settings.traces_dir}", file=sys.stderr)
            return 1
    try:
        events = read_trace(settings.traces_dir, run_id)
    except (FileNotFoundError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(json.dumps(events, indent=2) if args.json else format_trace(events))
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from .evals import (
        load_tasks,
        render_markdown,
        run_eval,
        split_name,
        summarise,
        summary_table,
        update_readme,
    )
    from .service import make_agent

    agent = make_agent(settings, AutoApprover(True), provider_name=args.provider)
    # The bundled splits ask about the sample shop, so they run on it even when the SQL tool
    # reads your database; every other task file runs with the settings as they are.
    sample_agent = make_agent(
        settings.with_sample_data(), AutoApprover(True), provider=agent.provider
    )
    paths = [Path(p) for p in args.tasks or DEFAULT_TASK_FILES]
    if args.mine and Path(MY_TASK_FILE) not in paths:
        paths.append(Path(MY_TASK_FILE))
    splits, sources = {}, {}
    for path in paths:
        if not path.is_file():
            print(f"error: no task file at {path}", file=sys.stderr)
            return 2
        name = split_name(path)
        sources[name] = path.as_posix()
        bundled = path.as_posix() in DEFAULT_TASK_FILES
        tasks = load_tasks(path)
        if not tasks:
            print(
                f"error: {path} has no tasks (accept some with scaffolder golden)", file=sys.stderr
            )
            return 2
        splits[name] = run_eval(sample_agent if bundled else agent, tasks)
        for outcome in splits[name]:
            mark = "PASS" if outcome.passed else "FAIL"
            print(
                f"{mark}  {name:<8} {outcome.task['id']:<28} "
                f"tools={','.join(outcome.tools_called) or '-'}  steps={outcome.result.steps}"
            )
    summaries = {name: summarise(outcomes) for name, outcomes in splits.items()}
    table = summary_table(summaries, agent.provider.name, agent.provider.model)
    print("\n" + table)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        render_markdown(splits, agent.provider.name, agent.provider.model, sources),
        encoding="utf-8",
        newline="\n",
    )
    print(f"\nwrote {out}")
    readme = None if args.no_readme or not args.readme else Path(args.readme)
    if readme is not None and readme.exists() and update_readme(readme, table):
        print(f"updated the results table in {args.readme}")
    # The gate holds for every split, the held-out one included.
    worst = min(summary["success_rate"] for summary in summaries.values())
    return 0 if worst >= args.min_success else 1


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from .api import create_app
    from .providers import build_provider

    # Built before the server starts, so a provider that cannot work stops `serve` with its
    # sentence instead of failing every run.
    app = create_app(settings, build_provider(settings))
    uvicorn.run(app, host=args.host, port=args.port, log_config=None)
    return 0


def cmd_tools(args: argparse.Namespace, settings: Settings) -> int:
    from .tools import registry_for

    for tool in registry_for(settings):
        flag = " (needs approval)" if tool.requires_approval else ""
        print(f"{tool.name}{flag}: {tool.description}")
        if args.schema:
            print(json.dumps(tool.parameters_schema, indent=2))
    return 0


def cmd_sessions(args: argparse.Namespace, settings: Settings) -> int:
    from .memory import SessionStore

    for session in SessionStore(settings.sessions_path).sessions():
        print(
            f"{session['id']}  {session['updated_at']}  {session['messages']:>3} messages  "
            f"{session['title']}"
        )
    return 0


# What `add_subparsers` returns (argparse gives it no public name).
Subcommands = argparse._SubParsersAction


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)
    _add_conversation_commands(sub)
    _add_eval(sub)

    serve = sub.add_parser("serve", help="start the API and web UI")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=cmd_serve)

    tools = sub.add_parser("tools", help="list the tools the model can call")
    tools.add_argument("--schema", action="store_true", help="print each JSON schema")
    tools.set_defaults(handler=cmd_tools)

    sessions = sub.add_parser("sessions", help="list saved conversations")
    sessions.set_defaults(handler=cmd_sessions)
    return parser


def _model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--provider",
        choices=["offline", "openai", "anthropic", "ollama"],
        help="override LLM_PROVIDER for this command",
    )
    p.add_argument("--yes", action="store_true", help="approve every tool call that asks")
    p.add_argument("--quiet", action="store_true", help="do not print the steps")


def _add_conversation_commands(sub: Subcommands[argparse.ArgumentParser]) -> None:
    """run, chat and trace: asking, and reading back what happened."""
    run = sub.add_parser("run", help="answer one question")
    run.add_argument("question")
    run.add_argument("--session", help="continue (or start) this conversation")
    run.add_argument("--json", action="store_true", help="print the run as JSON")
    _model_options(run)
    run.set_defaults(handler=cmd_run)

    chat = sub.add_parser("chat", help="interactive conversation")
    chat.add_argument("--session", help="continue this conversation")
    _model_options(chat)
    chat.set_defaults(handler=cmd_chat)

    trace = sub.add_parser("trace", help="pretty-print a run's trace")
    trace.add_argument("run_id", help="a run id, or 'latest'")
    trace.add_argument("--json", action="store_true", help="print the raw events")
    trace.set_defaults(handler=cmd_trace)


def _add_eval(sub: Subcommands[argparse.ArgumentParser]) -> None:
    evaluate = sub.add_parser("eval", help="run the task-success evaluation")
    evaluate.add_argument(
        "--tasks",
        action="append",
        help="a task file (a split); repeat for several. Default: "
        + " and ".join(DEFAULT_TASK_FILES),
    )
    evaluate.add_argument(
        "--mine",
        action="store_true",
        help=f"also run {MY_TASK_FILE}: the tasks drafted from your data and accepted by you",
    )
    evaluate.add_argument("--out", default="evals/results.md")
    evaluate.add_argument(
        "--readme", default="README.md", help="README whose results table to update"
    )
    evaluate.add_argument("--no-readme", action="store_true", help="leave the README alone")
    evaluate.add_argument(
        "--min-success",
        type=float,
        default=0.0,
        help="exit 1 below this task success rate (0-1), for CI",
    )
    evaluate.add_argument("--provider", choices=["offline", "openai", "anthropic", "ollama"])
    evaluate.set_defaults(handler=cmd_eval)


def settings_problem(error: ValidationError) -> str:
    """One sentence per bad setting, named as the environment variable the user sets."""
    lines = []
    for item in error.errors(include_url=False):
        name = "_".join(str(part) for part in item["loc"]).upper() or "settings"
        lines.append(f"{name}: {str(item['msg']).removeprefix('Value error, ')}")
    return "error: the configuration is invalid: " + "; ".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for stream in (sys.stdout, sys.stderr):  # a Windows pipe must not crash on a rare character
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    try:
        settings = get_settings()
    except ValidationError as exc:
        print(settings_problem(exc), file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    try:
        return int(args.handler(args, settings))
    except ProviderConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
