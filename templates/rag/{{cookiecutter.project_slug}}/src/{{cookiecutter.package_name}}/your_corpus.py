"""Your documents as a third evaluation suite: the golden questions you accepted, asked of your
own corpus, measured in the same run as the bundled suites and shown beside them.

The suite exists once `evals/my-golden.jsonl` holds accepted questions and the corpus can be
found: `.scaffolder/corpus.json` (committed) names `data/mine` for copied documents; private
documents are read from the folder in `.scaffolder/corpus.local.json`, which git ignores (a
clone elsewhere has no such folder, and its eval runs the bundled suites only).
"""

from __future__ import annotations

import json
from pathlib import Path

from .evaluate import EvalResult, Suite, load_golden

GOLDEN = Path("evals/my-golden.jsonl")
RECORD = Path(".scaffolder/corpus.json")
LOCAL_RECORD = Path(".scaffolder/corpus.local.json")
README_START = "<!-- my-eval-results:start -->"
README_END = "<!-- my-eval-results:end -->"
ROW_LABELS = {
    "sample": "bundled sample (questions written with it)",
    "click-docs": "Click docs (independent text)",
}


def _read(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _corpus(root: Path) -> Path | None:
    record = _read(root / RECORD)
    if record.get("private"):  # only this machine knows where: its folder name is not a path here
        value = _read(root / LOCAL_RECORD).get("path")
    else:
        value = record.get("folder")
    if not isinstance(value, str) or not value:
        return None
    folder = Path(value) if Path(value).is_absolute() else root / value
    return folder if folder.is_dir() else None


def your_suite(root: Path = Path(".")) -> Suite | None:
    """The suite of your accepted questions, or None when there is none to run."""
    golden = root / GOLDEN
    corpus = _corpus(root)
    if corpus is None or not golden.is_file():
        return None
    accepted = len(load_golden(golden))
    if accepted == 0:
        return None
    label = f"your documents ({accepted} question{'s' * (accepted != 1)}, accepted by you)"
    note = "your own documents; questions drafted from them, accepted by you"
    return Suite(label, corpus, golden, note)


def rows_table(results: dict[str, EvalResult]) -> str:
    """One row per corpus, so your documents' figures sit beside the bundled sample's."""
    ks = sorted({cut for r in results.values() for cut in (1, 3, r.k)})
    header = ["corpus", "questions", *(f"hit@{k}" for k in ks), "MRR", "citation accuracy"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for name, result in results.items():
        cells = [ROW_LABELS.get(name, name), str(len(result.answerable))]
        cells += [f"{result.metrics[f'hit@{k}']:.3f}" for k in ks]
        cells += [f"{result.metrics['mrr']:.3f}", f"{result.metrics['citation_accuracy']:.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def update_readme(readme: Path, table: str) -> bool:
    """Refresh the table between the my-eval-results markers, if the README has them."""
    if not readme.is_file():
        return False
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        return False
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_START}\n{table}\n{README_END}{tail}", encoding="utf-8")
    return True
