"""Retrieval and answer evaluation over a golden set: hit@k, MRR, citation accuracy.

`eval` builds a fresh index of the corpus in a temporary file (so the numbers do not depend
on what else was ingested), asks every golden question and writes `evals/results.md`; it also
refreshes the table between the eval-results markers in README.md.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .llm import LLM
from .service import RagService
from .store import SQLiteStore

README_START = "<!-- eval-results:start -->"
README_END = "<!-- eval-results:end -->"

JUDGE_PROMPT = """You grade whether an answer is supported by the passages it was given.
Reply with JSON only: {"score": <number from 0 to 1>} where 1 means every claim in the answer
is stated in the passages and 0 means none is."""


@dataclass(frozen=True)
class GoldenItem:
    question: str
    sources: tuple[str, ...]  # empty: the corpus does not answer it ("don't know" expected)


@dataclass
class QuestionResult:
    question: str
    expected: tuple[str, ...]
    retrieved: list[str]
    rank: int | None
    cited: list[str]
    citation_ok: bool
    grounded: bool


@dataclass
class EvalResult:
    k: int
    rows: list[QuestionResult]
    config: dict[str, str]
    faithfulness: float | None = None
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def answerable(self) -> list[QuestionResult]:
        return [r for r in self.rows if r.expected]

    @property
    def unanswerable(self) -> list[QuestionResult]:
        return [r for r in self.rows if not r.expected]

    def compute(self) -> EvalResult:
        rows = self.answerable
        n = len(rows) or 1
        for cutoff in sorted({1, 3, self.k}):
            self.metrics[f"hit@{cutoff}"] = sum(
                1 for r in rows if r.rank is not None and r.rank <= cutoff
            ) / n
        self.metrics["mrr"] = sum(1 / r.rank for r in rows if r.rank) / n
        self.metrics["citation_accuracy"] = sum(1 for r in rows if r.citation_ok) / n
        negatives = self.unanswerable
        if negatives:
            self.metrics["dont_know_accuracy"] = sum(
                1 for r in negatives if not r.grounded
            ) / len(negatives)
        return self


def load_golden(path: Path) -> list[GoldenItem]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            sources = data.get("sources")
            if sources is None:
                sources = [data["source"]] if data.get("source") else []
            items.append(GoldenItem(data["question"], tuple(sources)))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a golden item: {exc}") from exc
    return items


def evaluate(service: RagService, golden: Sequence[GoldenItem], k: int = 5,
             judge: LLM | None = None) -> EvalResult:
    rows: list[QuestionResult] = []
    faithfulness: list[float] = []
    answerer = service.answerer
    for item in golden:
        hits = service.retriever.search(item.question, k=k)
        retrieved = [h.chunk.source for h in hits]
        rank = next((i for i, s in enumerate(retrieved, start=1) if s in item.sources), None)
        answer = answerer.ask(item.question, k=k)
        stored = service.store.get_chunks([c.chunk_id for c in answer.citations])
        cited = [c.source for c in answer.citations]
        real = all(c.chunk_id in stored and stored[c.chunk_id].source == c.source
                   for c in answer.citations)
        citation_ok = (
            bool(item.sources) and answer.grounded and real
            and any(s in item.sources for s in cited)
        )
        rows.append(QuestionResult(item.question, item.sources, retrieved, rank, cited,
                                   citation_ok, answer.grounded))
        if judge is not None and answer.grounded and item.sources:
            faithfulness.append(_judge(judge, answer.answer,
                                       [stored[c.chunk_id].text for c in answer.citations
                                        if c.chunk_id in stored]))
    result = EvalResult(k=k, rows=rows, config=describe(service))
    if faithfulness:
        result.faithfulness = sum(faithfulness) / len(faithfulness)
    return result.compute()


def _judge(judge: LLM, answer: str, passages: list[str]) -> float:
    user = "Passages:\n" + "\n---\n".join(passages) + f"\n\nAnswer:\n{answer}"
    text = judge.complete(JUDGE_PROMPT, user).text
    match = re.search(r"[01](?:\.\d+)?", text)
    return min(1.0, max(0.0, float(match.group()))) if match else 0.0


def describe(service: RagService) -> dict[str, str]:
    s = service.settings
    return {
        "answerer": service.llm.name if service.llm else "offline-extractive",
        "embeddings": service.embedder.name if service.embedder else "none (BM25 keywords only)",
        "chunking": f"{s.chunk_size} chars, {s.chunk_overlap} overlap",
        "min relevance": f"{s.min_relevance}",
    }


def metrics_table(result: EvalResult) -> str:
    labels = {
        "mrr": "MRR",
        "citation_accuracy": "citation accuracy",
        "dont_know_accuracy": "\"don't know\" on unanswerable questions",
    }
    keys = [f"hit@{cutoff}" for cutoff in sorted({1, 3, result.k})] + list(labels)
    lines = [
        "| metric | value |",
        "| --- | --- |",
        f"| questions (answerable / unanswerable) | "
        f"{len(result.answerable)} / {len(result.unanswerable)} |",
    ]
    lines += [
        f"| {labels.get(key, key)} | {result.metrics[key]:.3f} |"
        for key in keys
        if key in result.metrics
    ]
    faith = (
        "n/a (needs an LLM: `eval --faithfulness`)"
        if result.faithfulness is None
        else f"{result.faithfulness:.3f}"
    )
    lines.append(f"| answer faithfulness | {faith} |")
    return "\n".join(lines)


def render_markdown(result: EvalResult, command: str) -> str:
    config = "\n".join(f"- {k}: {v}" for k, v in result.config.items())
    misses = [r for r in result.answerable if r.rank is None or r.rank > 3]
    miss_lines = "\n".join(
        f"| {r.question} | {', '.join(r.expected)} | {', '.join(dict.fromkeys(r.retrieved[:3]))} |"
        for r in misses
    ) or "| (none) | | |"
    return (
        "# Evaluation results\n\n"
        f"Written by `{command}`; do not edit by hand. Hit@k and MRR count the first "
        "retrieved chunk from an expected source; citation accuracy counts answers whose "
        "citations point at stored chunks and include an expected source.\n\n"
        f"{metrics_table(result)}\n\n## Configuration\n\n{config}\n\n"
        "## Questions whose expected source is not in the top 3\n\n"
        "| question | expected | retrieved (top 3) |\n| --- | --- | --- |\n"
        f"{miss_lines}\n"
    )


def update_readme(readme: Path, table: str) -> bool:
    if not readme.is_file():
        return False
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        return False
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_START}\n{table}\n{README_END}{tail}", encoding="utf-8")
    return True


def run_eval(settings: Settings, corpus: Path, golden_path: Path, k: int = 5,
             faithfulness: bool = False) -> EvalResult:
    """Index `corpus` into a throwaway SQLite file and evaluate the golden set against it."""
    golden = load_golden(golden_path)
    with tempfile.TemporaryDirectory(prefix="rag-eval-") as tmp:
        store = SQLiteStore(Path(tmp) / "eval.sqlite3")
        service = RagService.from_settings(settings, store=store)
        try:
            service.ingestor.ingest_paths([corpus], base=corpus)
            return evaluate(service, golden, k=k, judge=service.llm if faithfulness else None)
        finally:
            service.close()
