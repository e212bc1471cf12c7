"""Command line: ingest, ask, documents, eval, serve."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import DESCRIPTION
from .config import ConfigError, Settings
from .evaluate import SUITES, Suite, metrics_table, render_markdown, run_eval, update_readme
from .logs import configure_logging
from .providers.http import ProviderError
from .retrieval import EmptyIndexError
from .service import RagService
from .store import StoreError
from .thresholds import THRESHOLDS_FILE
from .your_corpus import rows_table, your_suite
from .your_corpus import update_readme as update_your_readme

PROG = "{{ cookiecutter.project_slug }}"
# What `add_subparsers` returns (argparse gives it no public name).
Subcommands = argparse._SubParsersAction


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)
    _add_ingest(sub)

    ask = sub.add_parser("ask", help="answer a question with citations")
    ask.add_argument("question")
    ask.add_argument("--top-k", type=int)
    ask.add_argument("--source", action="append", help="only search this source or folder")
    ask.add_argument("--json", action="store_true")

    docs = sub.add_parser("documents", help="list indexed documents")
    docs.add_argument("--json", action="store_true")

    _add_eval(sub)
    _add_serve(sub)
    return parser


def _add_ingest(sub: Subcommands[argparse.ArgumentParser]) -> None:
    ingest = sub.add_parser("ingest", help="index files and folders (.md .txt .html .pdf)")
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument(
        "--prune",
        action="store_true",
        help="remove indexed files under the given folders that no longer exist",
    )
    ingest.add_argument(
        "--rebuild",
        action="store_true",
        help="empty the index first (after changing EMBEDDING_PROVIDER)",
    )
    ingest.add_argument("--chunk-size", type=int, help="characters per chunk (CHUNK_SIZE)")
    ingest.add_argument("--chunk-overlap", type=int, help="characters shared (CHUNK_OVERLAP)")
    ingest.add_argument("--json", action="store_true", help="print the report as JSON")


def _add_eval(sub: Subcommands[argparse.ArgumentParser]) -> None:
    ev = sub.add_parser("eval", help="evaluate retrieval and answers on the golden sets")
    ev.add_argument(
        "--corpus",
        type=Path,
        help="evaluate this corpus only (with --golden); default: both shipped suites",
    )
    ev.add_argument("--golden", type=Path)
    ev.add_argument(
        "--calibrate",
        action="store_true",
        help='first fit the "don\'t know" threshold of the current retrieval mode '
        "on the (first) golden set and write it to the thresholds file",
    )
    ev.add_argument(
        "--thresholds",
        type=Path,
        default=None,
        help="thresholds file to read and write (default: the package's "
        "thresholds.json, or THRESHOLDS_FILE)",
    )
    ev.add_argument("--out", type=Path, default=Path("evals/results.md"))
    ev.add_argument(
        "--readme",
        type=Path,
        default=Path("README.md"),
        help="README whose results table is refreshed (if it has the markers)",
    )
    ev.add_argument("--no-readme", action="store_true")
    ev.add_argument("-k", type=int, default=5)
    ev.add_argument(
        "--faithfulness",
        action="store_true",
        help="also grade answers with the configured LLM (needs a real model)",
    )


def _add_serve(sub: Subcommands[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="run the API and web UI")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument(
        "--ingest",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="ingest these files or folders before serving (idempotent)",
    )


def _progress(index: int, total: int, source: str) -> None:
    if total >= 20 and (index % max(1, total // 20) == 0 or index == total):
        print(f"[{index}/{total}] {source}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        configure_logging(
            settings.log_level, settings.log_format if args.command == "serve" else "text"
        )
        return _run(args, settings)
    except (ConfigError, StoreError, ProviderError, EmptyIndexError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        return _serve(args, settings)
    if args.command == "eval":
        return _eval(args, settings)

    if args.command == "ingest":
        changes = {
            k: v
            for k, v in (("chunk_size", args.chunk_size), ("chunk_overlap", args.chunk_overlap))
            if v is not None
        }
        settings = settings.with_(**changes)
    service = RagService.from_settings(settings)
    try:
        if args.command == "ingest":
            return _ingest(args, service)
        if args.command == "documents":
            return _documents(args, service)
        return _ask(args, service)
    finally:
        service.close()


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from .api import create_app

    settings.check_serving()  # before any work: production needs ADMIN_TOKEN or READ_ONLY
    # Build the providers once before serving, so a provider that cannot work is an
    # error sentence here rather than a traceback from the server's start-up.
    service = RagService.from_settings(settings)
    if not args.ingest:
        service.close()
    else:
        try:
            report = service.ingestor.ingest_paths(args.ingest, progress=_progress)
            for line in [*report.details(), report.summary()]:
                print(line, file=sys.stderr)
        finally:
            service.close()
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_config=None)
    return 0


def _ingest(args: argparse.Namespace, service: RagService) -> int:
    if args.rebuild:
        service.store.clear()
    report = service.ingestor.ingest_paths(args.paths, prune=args.prune, progress=_progress)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        for line in report.details():
            print(line)
        print(report.summary())
    return 0


def _documents(args: argparse.Namespace, service: RagService) -> int:
    docs = service.store.list_documents()
    if args.json:
        print(json.dumps([d.__dict__ for d in docs], indent=2))
    else:
        for d in docs:
            print(f"{d.chunk_count:5d} chunks  {d.source}  ({d.title})")
        print(f"{len(docs)} documents, {sum(d.chunk_count for d in docs)} chunks")
    return 0


def _ask(args: argparse.Namespace, service: RagService) -> int:
    answer = service.answerer.ask(args.question, k=args.top_k, sources=args.source)
    if args.json:
        print(json.dumps(answer.as_dict(), indent=2))
    else:
        print(answer.answer)
        if answer.citations:
            print("\nSources:")
            for c in answer.citations:
                where = f" § {c.heading}" if c.heading else ""
                print(f"  [{c.id}] {c.source}{where}")
        print(f"\n({answer.mode})")
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    if (args.corpus is None) != (args.golden is None):
        raise ValueError("--corpus and --golden go together (a corpus and its questions)")
    suites = (
        [Suite(args.corpus.name, args.corpus, args.golden, f"{args.corpus}, {args.golden}")]
        if args.corpus
        else list(SUITES)
    )
    for suite in suites:
        for path in (suite.corpus, suite.golden):
            if not path.exists():
                raise ValueError(f"{path} does not exist: run eval from the project folder")
    thresholds = args.thresholds or Path(settings.thresholds_file or THRESHOLDS_FILE)
    settings = settings.with_(thresholds_file=str(thresholds))
    results = {}
    for index, suite in enumerate(suites):
        results[suite.name] = run_eval(
            settings,
            suite.corpus,
            suite.golden,
            k=args.k,
            faithfulness=args.faithfulness,
            calibrate_to=thresholds if args.calibrate and index == 0 else None,
        )
    if args.calibrate:
        print(
            f'calibrated the "don\'t know" threshold on {suites[0].golden}: '
            f"{results[suites[0].name].config['min relevance']}; wrote {thresholds}"
        )
    yours = your_suite() if args.corpus is None else None
    mine = {}  # your accepted questions on your documents: a table of their own, beside these
    if yours is not None:
        mine[yours.name] = run_eval(settings, yours.corpus, yours.golden, k=args.k)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    notes = {suite.name: suite.note for suite in suites}
    markdown = render_markdown(results, f"{PROG} eval", notes)
    if mine:
        markdown += f"\n## {yours.name}\n\n{rows_table(results | mine)}\n"
    args.out.write_text(markdown, encoding="utf-8")
    table = metrics_table(results)
    print(table)
    if mine:
        print(f"\n{rows_table(results | mine)}")
    print(f"\nwrote {args.out}")
    if not args.no_readme and update_readme(args.readme, table):
        print(f"updated the results table in {args.readme}")
    if mine and not args.no_readme and update_your_readme(args.readme, rows_table(results | mine)):
        print(f"updated the table of your documents in {args.readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
