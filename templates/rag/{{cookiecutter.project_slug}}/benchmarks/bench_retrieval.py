"""Ingest throughput and query latency on the embedded store at about 10,000 chunks.

The sample corpus is copied until the index holds ~10,000 chunks (each copy gets a marker line
so its content hash and text differ), ingested, then the golden questions are asked repeatedly.
Prints a Markdown table for the README. Not a test: run it by hand on the machine you quote.

    python benchmarks/bench_retrieval.py            # ~10,000 chunks
    python benchmarks/bench_retrieval.py --chunks 2000 --queries 100
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.embeddings import HashingEmbedder
from {{ cookiecutter.package_name }}.ingest import Ingestor
from {{ cookiecutter.package_name }}.retrieval import Retriever
from {{ cookiecutter.package_name }}.store import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "sample"
GOLDEN = ROOT / "evals" / "golden.jsonl"


def build_corpus(target: Path, chunks_wanted: int, chunks_per_copy: int) -> int:
    copies = max(1, round(chunks_wanted / chunks_per_copy))
    for n in range(copies):
        for source in CORPUS.rglob("*"):
            if source.is_file() and source.name != "LICENSE":
                dest = target / f"copy{n:03d}" / source.relative_to(CORPUS)
                dest.parent.mkdir(parents=True, exist_ok=True)
                data = source.read_text(encoding="utf-8")
                marker = f"\n\nCopy {n} of the sample corpus.\n"
                if source.suffix == ".html":
                    data = data.replace("</body>", f"<p>{marker}</p></body>")
                else:
                    data += marker
                dest.write_text(data, encoding="utf-8")
    return copies


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def run(chunks_wanted: int, queries: int, dimensions: int) -> list[dict[str, object]]:
    settings = Settings()
    questions = [
        json.loads(line)["question"] for line in GOLDEN.read_text().splitlines() if line.strip()
    ]
    rows = []
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        tmp_path = Path(tmp)
        probe = SQLiteStore(tmp_path / "probe.sqlite3")
        Ingestor(probe, settings, None).ingest_paths([CORPUS], base=CORPUS)
        per_copy = probe.count_chunks()
        probe.close()
        corpus = tmp_path / "corpus"
        copies = build_corpus(corpus, chunks_wanted, per_copy)
        for label, embedder in (
            ("keyword (BM25) only", None),
            (f"hybrid, {dimensions}-d vectors", HashingEmbedder(dimensions)),
        ):
            db = tmp_path / f"{'hybrid' if embedder else 'keyword'}.sqlite3"
            store = SQLiteStore(db)
            started = time.perf_counter()
            report = Ingestor(store, settings, embedder).ingest_paths([corpus], base=corpus)
            ingest_s = time.perf_counter() - started
            retriever = Retriever(store, embedder, top_k=5)
            retriever.search(questions[0])  # warm the vector cache and SQLite pages
            latencies = []
            for i in range(queries):
                started = time.perf_counter()
                retriever.search(questions[i % len(questions)])
                latencies.append((time.perf_counter() - started) * 1000)
            rows.append(
                {
                    "mode": label,
                    "chunks": store.count_chunks(),
                    "copies": copies,
                    "ingest_s": ingest_s,
                    "chunks_per_s": report.chunks_written / ingest_s,
                    "p50_ms": statistics.median(latencies),
                    "p95_ms": percentile(latencies, 95),
                    "db_mb": db.stat().st_size / 1e6,
                }
            )
            store.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument(
        "--dimensions", type=int, default=384, help="vector size (384 = all-MiniLM-L6-v2)"
    )
    args = parser.parse_args()
    rows = run(args.chunks, args.queries, args.dimensions)
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}; "
        f"{args.queries} queries (golden questions), top-k 5, ingest includes "
        "loading, chunking, embedding and writing.\n"
    )
    print("| mode | chunks | ingest (chunks/s) | query p50 (ms) | query p95 (ms) | index size |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(
            f"| {r['mode']} | {r['chunks']:,} | {r['chunks_per_s']:,.0f} | "
            f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['db_mb']:.1f} MB |"
        )


if __name__ == "__main__":
    main()
