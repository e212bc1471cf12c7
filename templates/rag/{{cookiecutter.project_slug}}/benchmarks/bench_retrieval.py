"""BM25-only against hybrid (BM25 + the bundled wordllama embeddings), in one run.

For each mode: ingest throughput and query latency (p50/p95) at about 10,000 and 100,000
chunks, and hit@3 on both evaluation suites (the sample corpus with the golden set written
alongside it, and Click's documentation with independent questions). The process is pinned
to one CPU core where the OS allows it, and BLAS to one thread, so the figures are per core.
Each figure is given twice: wall-clock, and CPU time of the process (what the work costs one
core, which other jobs on a busy machine do not inflate).

The corpus for speed is the sample corpus (Markdown, HTML, text) copied until the index holds
the wanted number of chunks; each copy gets a marker line so its content hash and text differ.
reStructuredText is left out of the throughput figure on purpose: docutils parsing costs more
than everything else together, so its rate is printed on its own line. Prints Markdown for the
README. Not a test: run it by hand on the machine you quote.

    python benchmarks/bench_retrieval.py                      # 10k and 100k chunks (minutes)
    python benchmarks/bench_retrieval.py --sizes 2000 --queries 100
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before NumPy loads: one core means one BLAS thread

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from {{ cookiecutter.package_name }}.config import Settings  # noqa: E402
from {{ cookiecutter.package_name }}.embeddings import Embedder, WordLlamaEmbedder  # noqa: E402
from {{ cookiecutter.package_name }}.evaluate import SUITES, run_eval  # noqa: E402
from {{ cookiecutter.package_name }}.ingest import Ingestor  # noqa: E402
from {{ cookiecutter.package_name }}.retrieval import Retriever  # noqa: E402
from {{ cookiecutter.package_name }}.store import SQLiteStore  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / SUITES[0].corpus
RST_CORPUS = ROOT / SUITES[1].corpus
MODES = {"BM25 only": "none", "hybrid (BM25 + wordllama)": "wordllama"}


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to CPU {core}"
    return "not pinned (no sched_setaffinity on this OS)"


def build_corpus(target: Path, copies: int, corpus: Path = SAMPLE) -> None:
    for n in range(copies):
        for source in corpus.rglob("*"):
            if not source.is_file() or source.name == "LICENSE":
                continue
            dest = target / f"copy{n:04d}" / source.relative_to(corpus)
            dest.parent.mkdir(parents=True, exist_ok=True)
            data = source.read_text(encoding="utf-8")
            marker = f"\n\nCopy {n} of this page.\n"
            if source.suffix == ".html":
                data = data.replace("</body>", f"<p>{marker}</p></body>")
            else:
                data += marker
            dest.write_text(data, encoding="utf-8")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def sample_golden() -> list[tuple[str, set[str]]]:
    found = []
    for line in (ROOT / SUITES[0].golden).read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            if item["sources"]:
                found.append((item["question"], set(item["sources"])))
    return found


def questions() -> list[str]:
    found = []
    for suite in SUITES:
        for line in (ROOT / suite.golden).read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(json.loads(line)["question"])
    return found


def chunks_per_copy(tmp: Path) -> int:
    probe = SQLiteStore(tmp / "probe.sqlite3")
    Ingestor(probe, Settings(), None).ingest_paths([SAMPLE], base=SAMPLE)
    count = probe.count_chunks()
    probe.close()
    return count


def rst_rate(tmp: Path) -> float:
    """Chunks per second for reStructuredText (Click's docs, ten copies), keyword-only."""
    corpus = tmp / "rst"
    build_corpus(corpus, 10, RST_CORPUS)
    store = SQLiteStore(tmp / "rst.sqlite3")
    started = time.perf_counter()
    report = Ingestor(store, Settings(), None).ingest_paths([corpus], base=corpus)
    rate = report.chunks_written / (time.perf_counter() - started)
    store.close()
    return rate


def measure(
    corpus: Path, db: Path, embedder: Embedder | None, asked: list[str], queries: int
) -> dict[str, float]:
    store = SQLiteStore(db)
    started, cpu_started = time.perf_counter(), time.process_time()
    report = Ingestor(store, Settings(), embedder).ingest_paths([corpus], base=corpus)
    ingest_s = time.perf_counter() - started
    ingest_cpu_s = time.process_time() - cpu_started
    retriever = Retriever(store, embedder, top_k=5)
    retriever.search(asked[0])  # warm the vector cache and SQLite pages
    latencies, cpu = [], []
    for i in range(queries):
        started, cpu_started = time.perf_counter(), time.process_time()
        retriever.search(asked[i % len(asked)])
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    # Quality at this size: an expected page from any copy in the top 3 (copies share text,
    # so this checks that ranking still works at scale, not that one copy wins).
    golden = sample_golden()
    hits = 0
    for question, expected in golden:
        top = [h.chunk.source.split("/", 1)[1] for h in retriever.search(question, k=3)]
        hits += any(source in expected for source in top)
    result = {
        "chunks": store.count_chunks(),
        "hit3": hits / len(golden),
        "chunks_per_s": report.chunks_written / ingest_s,
        "chunks_per_cpu_s": report.chunks_written / ingest_cpu_s,
        "p50_ms": statistics.median(latencies),
        "p95_ms": percentile(latencies, 95),
        "cpu_p50_ms": statistics.median(cpu),
        "cpu_p95_ms": percentile(cpu, 95),
        "db_mb": db.stat().st_size / 1e6,
    }
    store.close()
    return result


def run(sizes: list[int], queries: int) -> tuple[list[dict[str, object]], dict[str, dict], float]:
    asked = questions()
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        tmp_path = Path(tmp)
        rst = rst_rate(tmp_path)
        per_copy = chunks_per_copy(tmp_path)
        for size in sizes:
            corpus = tmp_path / f"corpus-{size}"
            build_corpus(corpus, max(1, round(size / per_copy)))
            for label, provider in MODES.items():
                embedder = WordLlamaEmbedder() if provider == "wordllama" else None
                db = tmp_path / f"{provider}-{size}.sqlite3"
                rows.append({"mode": label, **measure(corpus, db, embedder, asked, queries)})
    quality: dict[str, dict] = {}
    for label, provider in MODES.items():
        settings = Settings.from_env({"LLM_PROVIDER": "offline", "EMBEDDING_PROVIDER": provider})
        quality[label] = {
            suite.name: run_eval(settings, ROOT / suite.corpus, ROOT / suite.golden).metrics
            for suite in SUITES
        }
    return rows, quality, rst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    pinned = pin_to_one_core()
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    rows, quality, rst = run(args.sizes, args.queries)
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs "
        f"({pinned}), Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
        f"{args.queries} queries (golden questions of both suites), top-k 5; ingest includes "
        "loading, chunking, embedding and writing; query time includes embedding the question."
        f" Load average {load_before:.1f} at the start, {load_after:.1f} at the end.\n"
    )
    print(
        "| mode | chunks | ingest chunks/s (wall / CPU) | query p50 ms (wall / CPU) "
        "| query p95 ms (wall / CPU) | index size | hit@3 (sample questions) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(
            f"| {r['mode']} | {r['chunks']:,} | {r['chunks_per_s']:,.0f} / "
            f"{r['chunks_per_cpu_s']:,.0f} | {r['p50_ms']:.1f} / {r['cpu_p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} / {r['cpu_p95_ms']:.1f} | {r['db_mb']:.1f} MB | "
            f"{r['hit3']:.3f} |"
        )
    print("\n| mode | " + " | ".join(f"hit@3 {s.name}" for s in SUITES) + " |")
    print("| --- |" + " --- |" * len(SUITES))
    for label, metrics in quality.items():
        cells = " | ".join(f"{metrics[s.name]['hit@3']:.3f}" for s in SUITES)
        print(f"| {label} | {cells} |")
    print(f"\nreStructuredText ingest (docutils, keyword-only): {rst:,.0f} chunks/s")


if __name__ == "__main__":
    main()
