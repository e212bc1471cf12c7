"""Evaluate the configured model on writing-feedback cases: did it point out what matters?

Each case in `evals/cases.jsonl` has a `prompt`, words the answer must mention (`must_mention`,
case-insensitive) and a word limit (`max_words`). Run: `python -m {{ cookiecutter.package_name }} eval`.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .providers import ChatMessage, Provider, Usage

START, END = "<!-- eval-results:start -->", "<!-- eval-results:end -->"


@dataclass(frozen=True)
class CaseResult:
    name: str
    passed: bool
    missing: list[str]
    words: int
    first_token_ms: float
    total_ms: float
    usage: Usage


def load_cases(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


async def run_case(provider: Provider, case: dict[str, Any], max_tokens: int) -> CaseResult:
    started = time.perf_counter()
    first: float | None = None
    parts: list[str] = []
    spent = Usage(0, 0)
    async for item in provider.stream([ChatMessage("user", str(case["prompt"]))], max_tokens):
        if isinstance(item, Usage):
            spent = item
            continue
        first = first if first is not None else time.perf_counter()
        parts.append(item)
    answer = "".join(parts).lower()
    wanted = [str(w) for w in case.get("must_mention", [])]
    missing = [w for w in wanted if w.lower() not in answer]
    words = len(re.findall(r"\S+", answer))
    limit = int(case.get("max_words", 10_000))
    finished = time.perf_counter()
    return CaseResult(
        name=str(case["name"]),
        passed=not missing and words <= limit,
        missing=missing,
        words=words,
        first_token_ms=((first or finished) - started) * 1000,
        total_ms=(finished - started) * 1000,
        usage=spent,
    )


def run(provider: Provider, cases: list[dict[str, Any]], max_tokens: int) -> list[CaseResult]:
    async def all_cases() -> list[CaseResult]:
        return [await run_case(provider, case, max_tokens) for case in cases]

    return asyncio.run(all_cases())


def table(provider: Provider, results: list[CaseResult]) -> str:
    passed = sum(r.passed for r in results)
    n = max(len(results), 1)
    rows = [
        f"Model: `{provider.name}:{provider.model}`, {len(results)} cases.",
        "",
        "| Metric | Value |",
        "| --- | --- |",
        f"| Cases passed | {passed}/{len(results)} ({100 * passed / n:.0f}%) |",
        f"| Median time to first token | {_median([r.first_token_ms for r in results]):.0f} ms |",
        f"| Median answer time | {_median([r.total_ms for r in results]):.0f} ms |",
        f"| Tokens in / out (total) | {sum(r.usage.input_tokens for r in results)} / "
        f"{sum(r.usage.output_tokens for r in results)} |",
        "",
        "| Case | Result | Missing |",
        "| --- | --- | --- |",
    ]
    rows += [
        f"| {r.name} | {'pass' if r.passed else 'fail'} | {', '.join(r.missing) or '-'} |"
        for r in results
    ]
    return "\n".join(rows)


def write_into(readme: Path, text: str) -> None:
    """Replace what stands between the eval markers in the README."""
    content = readme.read_text(encoding="utf-8")
    before, start, rest = content.partition(START)
    _, end, after = rest.partition(END)
    if not (start and end):
        raise ValueError(f"{readme} has no {START} ... {END} block")
    readme.write_text(f"{before}{START}\n{text}\n{END}{after}", encoding="utf-8")


def _median(values: list[float]) -> float:
    ordered = sorted(values) or [0.0]
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
