"""Command line: `{{ cookiecutter.project_slug }} serve | migrate | eval | secret`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from . import DESCRIPTION

if TYPE_CHECKING:
    from .config import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="{{ cookiecutter.project_slug }}", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--reload", action="store_true", help="restart on code changes")
    serve.add_argument(
        "--migrate",
        action="store_true",
        help="apply pending migrations first (single-instance deployments)",
    )
    commands.add_parser("migrate", help="apply database migrations (alembic upgrade head)")
    evaluate = commands.add_parser("eval", help="score the configured model on evals/cases.jsonl")
    evaluate.add_argument("--cases", type=Path, default=Path("evals/cases.jsonl"))
    evaluate.add_argument(
        "--write-readme",
        type=Path,
        nargs="?",
        const=Path("README.md"),
        help="also write the results table into README.md",
    )
    commands.add_parser("secret", help="print a new random SECRET_KEY")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    from . import logs
    from .config import Settings, explain, new_secret_key

    if args.command == "secret":
        print(new_secret_key())
        return 0
    try:
        settings = Settings()
    except ValidationError as exc:
        print(explain(exc), file=sys.stderr)
        return 2
    logs.configure_logging(settings.log_level, settings.log_format)
    if args.command == "migrate":
        from .db import Database

        with Database(settings.sqlalchemy_url) as database:
            database.upgrade()
        print("Database is up to date.")
        return 0
    if args.command == "eval":
        return evaluate(settings, args.cases, args.write_readme)
    return serve(settings, args)


def evaluate(settings: Settings, cases: Path, write_readme: Path | None) -> int:
    from . import evals
    from .providers import make_provider

    if not cases.is_file():
        print(
            f"No evaluation cases at {cases}: run this in the project folder (the "
            "Docker image has them in /app/evals) or pass --cases FILE.",
            file=sys.stderr,
        )
        return 2
    provider = make_provider(settings)
    results = evals.run(provider, evals.load_cases(cases), settings.llm_max_output_tokens)
    text = evals.table(provider, results)
    print(text)
    if write_readme:
        evals.write_into(write_readme, text)
    return 0 if all(r.passed for r in results) else 1


def serve(settings: Settings, args: argparse.Namespace) -> int:
    from .db import Database, PendingMigrationsError

    try:
        auto_upgrade = args.migrate or not settings.is_production
        with Database(settings.sqlalchemy_url) as database:
            database.ensure_migrated(auto_upgrade=auto_upgrade)
    except PendingMigrationsError as exc:
        print(exc, file=sys.stderr)
        return 3
    import uvicorn

    uvicorn.run(
        "{{ cookiecutter.package_name }}.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        reload=args.reload,
        # The app applies X-Forwarded-* itself, trusting only FORWARDED_ALLOW_IPS (see app.py).
        proxy_headers=False,
        log_config=None,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
