"""Retrieval and answer evaluation over golden sets: hit@k, MRR, citations, "don't know".

`eval` builds a fresh index of each corpus in a temporary file (so the numbers do not depend
on what else was ingested), asks every golden question and writes `evals/results.md`; it also
refreshes the table between the eval-results markers in README.md. Two suites ship: the sample
corpus with the golden set written alongside it, and Click's documentation (text the template's
authors did not write) with questions written afterwards, so the first cannot flatter itself.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .providers import LLM
from .retrieval import mode_key
from .service import RagService
from .store import SQLiteStore
from .thresholds import calibrate, load_thresholds, save_threshold

README_START = "<!-- eval-results:start -->"
README_END = "<!-- eval-results:end -->"

JUDGE_PROMPT = """You grade whether an answer is supported by the passages it was given.
Reply with one JSON object and nothing else: {"score": <number from 0 to 1>} where 1 means
every claim in the answer is stated in the passages and 0 means none is."""


@dataclass(frozen=True)
class Suite:
    """A corpus and the golden questions asked of it."""

    name: str
    corpus: Path
    golden: Path
    note: str


SUITES = (
    Suite(
        "sample",
        Path("data/sample"),
        Path("evals/golden.jsonl"),
        "sample corpus; questions written with it",
    ),
    Suite(
        "click-docs",
        Path("data/click-docs"),
        Path("evals/click-golden.jsonl"),
        "Click 8.1.8 docs (BSD-3-Clause); independent text",
    ),
)


class UnparseableVerdict(ValueError):
    """The judge's reply is not the JSON object it was asked for."""


def parse_verdict(text: str) -> float:
    """The score of a judge reply that is exactly {"score": x} with 0 <= x <= 1.

    Fails closed: prose around the JSON, a missing or out-of-range score, or a bare number
    raise UnparseableVerdict, so they are counted as unparseable instead of as a grade.
    """
    body = text.strip()
    fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", body, flags=re.DOTALL)
    if fenced:
        body = fenced.group(1)
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise UnparseableVerdict(f"not JSON: {text[:80]!r}") from exc
    score = data.get("score") if isinstance(data, dict) else None
    if isinstance(score, bool) or not isinstance(score, int | float):
        raise UnparseableVerdict(f"no numeric score: {text[:80]!r}")
    if not 0 <= score <= 1:
        raise UnparseableVerdict(f"score {score} is outside 0..1")
    return float(score)


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
    top_relevance: float = 0.0


@dataclass
class EvalResult:
    k: int
    rows: list[QuestionResult]
    config: dict[str, str]
    faithfulness: float | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    judged: int = 0
    unparseable: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)

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
            self.metrics[f"hit@{cutoff}"] = (
                sum(1 for r in rows if r.rank is not None and r.rank <= cutoff) / n
            )
        self.metrics["mrr"] = sum(1 / r.rank for r in rows if r.rank) / n
        self.metrics["citation_accuracy"] = sum(1 for r in rows if r.citation_ok) / n
        negatives = self.unanswerable
        if negatives:
            declined = [r for r in self.rows if not r.grounded]
            right = sum(1 for r in negatives if not r.grounded)
            self.metrics["dont_know_accuracy"] = right / len(negatives)
            # "I don't know" as a prediction of "unanswerable": recall is the share of
            # unanswerable questions declined, precision the share of declines that were right.
            self.metrics["dont_know_recall"] = right / len(negatives)
            self.metrics["dont_know_precision"] = right / len(declined) if declined else 0.0
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


def evaluate(
    service: RagService, golden: Sequence[GoldenItem], k: int = 5, judge: LLM | None = None
) -> EvalResult:
    rows: list[QuestionResult] = []
    faithfulness: list[float] = []
    unparseable = 0
    answerer = service.answerer
    retriever = service.retriever
    for item in golden:
        hits = retriever.search(item.question, k=k)
        retrieved = [h.chunk.source for h in hits]
        rank = next((i for i, s in enumerate(retrieved, start=1) if s in item.sources), None)
        answer = answerer.ask(item.question, k=k)
        stored = service.store.get_chunks([c.chunk_id for c in answer.citations])
        cited = [c.source for c in answer.citations]
        real = all(
            c.chunk_id in stored and stored[c.chunk_id].source == c.source for c in answer.citations
        )
        citation_ok = (
            bool(item.sources)
            and answer.grounded
            and real
            and any(s in item.sources for s in cited)
        )
        top = max((h.relevance for h in hits), default=0.0)
        rows.append(
            QuestionResult(
                item.question,
                item.sources,
                retrieved,
                rank,
                cited,
                citation_ok,
                answer.grounded,
                top,
            )
        )
        if judge is not None and answer.grounded and item.sources:
            passages = [stored[c.chunk_id].text for c in answer.citations if c.chunk_id in stored]
            try:
                faithfulness.append(judge_answer(judge, answer.answer, passages))
            except UnparseableVerdict:
                unparseable += 1
    result = EvalResult(k=k, rows=rows, config=describe(service))
    result.judged = len(faithfulness) + unparseable
    result.unparseable = unparseable
    if faithfulness:
        result.faithfulness = sum(faithfulness) / len(faithfulness)
    return result.compute()


def judge_answer(judge: LLM, answer: str, passages: list[str]) -> float:
    user = "Passages:\n" + "\n---\n".join(passages) + f"\n\nAnswer:\n{answer}"
    return parse_verdict(judge.complete(JUDGE_PROMPT, user).text)


def describe(service: RagService) -> dict[str, str]:
    s = service.settings
    return {
        "answerer": service.llm.name if service.llm else "offline-extractive",
        "embeddings": service.embedder.name if service.embedder else "none (BM25 keywords only)",
        "retrieval mode": service.retriever.mode,
        "chunking": f"{s.chunk_size} chars, {s.chunk_overlap} overlap",
        "min relevance": f"{service.answerer.threshold()}"
        + (" (MIN_RELEVANCE)" if s.min_relevance is not None else " (calibrated for the mode)"),
    }


LABELS = {
    "mrr": "MRR",
    "citation_accuracy": "citation accuracy",
    "dont_know_accuracy": '"don\'t know" on unanswerable questions',
    "dont_know_precision": '"don\'t know" precision',
}


def _faithfulness(result: EvalResult) -> str:
    if result.judged == 0:
        return "n/a (needs an LLM: `eval --faithfulness`)"
    value = "n/a" if result.faithfulness is None else f"{result.faithfulness:.3f}"
    return f"{value} ({result.unparseable} of {result.judged} verdicts unparseable)"


def metrics_table(results: dict[str, EvalResult] | EvalResult) -> str:
    """One column per suite: the authors' own golden set beside the independent one."""
    if isinstance(results, EvalResult):
        results = {"result": results}
    columns = list(results.values())
    ks = sorted({cut for r in columns for cut in (1, 3, r.k)})
    keys = [f"hit@{cut}" for cut in ks] + list(LABELS)

    def row(label: str, cells: list[str]) -> str:
        return f"| {label} | " + " | ".join(cells) + " |"

    lines = [
        row("metric", list(results)),
        "| --- |" + " --- |" * len(columns),
        row(
            "questions (answerable / unanswerable)",
            [f"{len(r.answerable)} / {len(r.unanswerable)}" for r in columns],
        ),
    ]
    for key in keys:
        if any(key in r.metrics for r in columns):
            label = LABELS.get(key, key)
            if key == "dont_know_accuracy":
                label = '"don\'t know" recall (unanswerable questions declined)'
            lines.append(
                row(
                    label, [f"{r.metrics[key]:.3f}" if key in r.metrics else "n/a" for r in columns]
                )
            )
    lines.append(row("answer faithfulness", [_faithfulness(r) for r in columns]))
    return "\n".join(lines)


def render_markdown(
    results: dict[str, EvalResult], command: str, notes: dict[str, str] | None = None
) -> str:
    first = next(iter(results.values()))
    config = "\n".join(f"- {k}: {v}" for k, v in first.config.items())
    suites = "\n".join(f"- **{name}**: {(notes or {}).get(name, '')}" for name in results)
    sections = []
    for name, result in results.items():
        misses = [r for r in result.answerable if r.rank is None or r.rank > 3]
        miss_lines = (
            "\n".join(
                f"| {r.question} | {', '.join(r.expected)} | "
                f"{', '.join(dict.fromkeys(r.retrieved[:3]))} |"
                for r in misses
            )
            or "| (none) | | |"
        )
        sections.append(
            f"## {name}: questions whose expected source is not in the top 3\n\n"
            "| question | expected | retrieved (top 3) |\n| --- | --- | --- |\n"
            f"{miss_lines}\n"
        )
    return (
        "# Evaluation results\n\n"
        f"Written by `{command}`; do not edit by hand. Hit@k and MRR count the first "
        "retrieved chunk from an expected source; citation accuracy counts answers whose "
        'citations point at stored chunks and include an expected source. "Don\'t know" '
        "recall is the share of unanswerable questions declined; precision the share of "
        "declines that were unanswerable.\n\n"
        f"{suites}\n\n{metrics_table(results)}\n\n## Configuration\n\n{config}\n\n"
        + "\n".join(sections)
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


def run_eval(
    settings: Settings,
    corpus: Path,
    golden_path: Path,
    k: int = 5,
    faithfulness: bool = False,
    calibrate_to: Path | None = None,
) -> EvalResult:
    """Index `corpus` into a throwaway SQLite file and evaluate the golden set against it.

    With `calibrate_to`, first find the "don't know" threshold for the current retrieval mode
    on this golden set, write it to that thresholds file, then evaluate with it.
    """
    golden = load_golden(golden_path)
    with tempfile.TemporaryDirectory(prefix="rag-eval-") as tmp:
        store = SQLiteStore(Path(tmp) / "eval.sqlite3")
        service = RagService.from_settings(settings, store=store)
        try:
            report = service.ingestor.ingest_paths([corpus], base=corpus)
            if calibrate_to is not None:
                service = _calibrated(service, golden, k, calibrate_to, golden_path)
            result = evaluate(service, golden, k=k, judge=service.llm if faithfulness else None)
            result.skipped = report.skipped
            return result
        finally:
            service.close()


def _calibrated(
    service: RagService, golden: Sequence[GoldenItem], k: int, path: Path, golden_path: Path
) -> RagService:
    mode = mode_key(service.embedder)
    if service.retriever.mode != mode:
        raise ValueError(f"cannot calibrate {mode}: the index has no vectors from it")
    # Score on the mode's own scale, whatever the thresholds file said before.
    probe = dataclasses.replace(service, thresholds={mode: 0.0, "keyword": 0.0})
    scores = {True: [], False: []}  # type: dict[bool, list[float]]
    for item in golden:
        hits = probe.retriever.search(item.question, k=k)
        scores[bool(item.sources)].append(max((h.relevance for h in hits), default=0.0))
    calibration = calibrate(scores[True], scores[False])
    save_threshold(
        path,
        mode,
        calibration,
        golden_path.as_posix(),
        service.embedder.name if service.embedder else "none",
    )
    return dataclasses.replace(service, thresholds=load_thresholds(path))
