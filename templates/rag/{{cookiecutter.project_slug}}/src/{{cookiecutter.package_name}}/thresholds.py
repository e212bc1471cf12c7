"""Calibrated "I don't know" thresholds, one per retrieval mode and embedding model.

Keyword coverage and cosine similarity are different scales, so one number cannot serve both:
`eval --calibrate` picks, on the golden set, the threshold that best separates answerable from
unanswerable questions for the current mode and writes it to thresholds.json next to this file.
MIN_RELEVANCE, when set, overrides every mode.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

THRESHOLDS_FILE = Path(__file__).with_name("thresholds.json")
FALLBACK = 0.3  # keyword coverage: at least 30% of the question's IDF weight must be present


@dataclass(frozen=True)
class Calibration:
    threshold: float
    balanced_accuracy: float
    answerable: int
    unanswerable: int


def load_thresholds(path: Path = THRESHOLDS_FILE) -> dict[str, float]:
    """mode -> threshold; a missing or unreadable file gives the keyword fallback only."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"keyword": FALLBACK}
    table: dict[str, float] = {}
    for mode, entry in (data.get("thresholds") or {}).items():
        value = entry.get("threshold") if isinstance(entry, dict) else entry
        if isinstance(value, int | float) and 0 <= value <= 1:
            table[str(mode)] = float(value)
    table.setdefault("keyword", FALLBACK)
    return table


def save_threshold(
    path: Path, mode: str, calibration: Calibration, golden: str, embedder: str
) -> None:
    """Record one mode's calibrated threshold, keeping the other modes' entries."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    thresholds = data.get("thresholds") if isinstance(data.get("thresholds"), dict) else {}
    thresholds[mode] = {
        "threshold": calibration.threshold,
        "balanced_accuracy": round(calibration.balanced_accuracy, 4),
        "questions": f"{calibration.answerable} answerable / {calibration.unanswerable} not",
        "golden_set": golden,
        "embeddings": embedder,
    }
    data = {
        "about": "Written by `eval --calibrate`: the relevance below which the answer is "
        '"I don\'t know", per retrieval mode. MIN_RELEVANCE overrides it.',
        "thresholds": dict(sorted(thresholds.items())),
    }
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def calibrate(answerable: Sequence[float], unanswerable: Sequence[float]) -> Calibration:
    """The threshold (best relevance >= it means "answer") with the best balanced accuracy.

    Candidates sit midway between neighbouring observed scores; among equally good ones the
    widest gap wins, so the threshold does not hug one question's score.
    """
    if not answerable or not unanswerable:
        raise ValueError(
            "calibration needs answerable and unanswerable questions in the golden set "
            '(an unanswerable one has "sources": [])'
        )
    values = sorted({*answerable, *unanswerable})
    candidates = (
        [values[0] - 0.01]
        + [(a + b) / 2 for a, b in itertools.pairwise(values)]
        + [values[-1] + 0.01]
    )

    def score(t: float) -> tuple[float, float]:
        kept = sum(1 for v in answerable if v >= t) / len(answerable)
        refused = sum(1 for v in unanswerable if v < t) / len(unanswerable)
        margin = min(abs(v - t) for v in values)
        return (kept + refused) / 2, margin

    best = max(candidates, key=score)
    return Calibration(
        threshold=round(min(1.0, max(0.0, best)), 4),
        balanced_accuracy=score(best)[0],
        answerable=len(answerable),
        unanswerable=len(unanswerable),
    )
