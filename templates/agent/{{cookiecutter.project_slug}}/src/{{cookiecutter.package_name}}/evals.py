"""Task-success evaluation: run the task files, check each answer, write `evals/results.md`.

Each task file is a split, reported on its own row: `evals/tasks.jsonl` ("dev") was written
together with the offline planner's rules, so its figure flatters them; `evals/tasks-heldout.jsonl`
("heldout") was not used to tune them, and is the figure to believe.

A task: {"id", "question", "expected_tools": [...], "check": {"type": "exact" | "contains" |
"number", "value": ..., "tolerance": ...}}. `exact` compares the answer's first line (the system
prompt asks for the short answer first); `contains` needs every value in the answer
(case-insensitive); `number` needs a number in the answer within `tolerance` of the value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .agent import Agent, RunResult

README_START = "<!-- eval-results:start -->"
README_END = "<!-- eval-results:end -->"
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


@dataclass
class TaskOutcome:
    task: dict[str, Any]
    result: RunResult
    passed: bool
    tools_correct: bool

    @property
    def tools_called(self) -> list[str]:
        return sorted({call["name"] for call in self.result.tool_calls})


def load_tasks(path: Path) -> list[dict[str, Any]]:
    tasks = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            task = json.loads(line)
            missing = {"id", "question", "expected_tools", "check"} - set(task)
            if missing:
                raise ValueError(f"{path}:{number}: task lacks {sorted(missing)}")
            tasks.append(task)
    return tasks


def _normalise(text: str) -> str:
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)  # 65,536 == 65536
    return re.sub(r"\s+", " ", text).strip().strip(".!").casefold()


def numbers_in(text: str) -> list[float]:
    return [float(match.replace(",", "")) for match in _NUMBER.findall(text)]


def check_answer(answer: str, check: dict[str, Any]) -> bool:
    kind, value = check["type"], check["value"]
    if kind == "exact":
        first = next((line for line in answer.splitlines() if line.strip()), "")
        return _normalise(first) == _normalise(str(value))
    if kind == "contains":
        values = value if isinstance(value, list) else [value]
        return all(str(v).casefold() in answer.casefold() for v in values)
    if kind == "number":
        tolerance = float(check.get("tolerance", 0.01))
        return any(abs(n - float(value)) <= tolerance for n in numbers_in(answer))
    raise ValueError(f"unknown check type {kind!r}")


def run_eval(agent: Agent, tasks: list[dict[str, Any]]) -> list[TaskOutcome]:
    outcomes = []
    for task in tasks:
        result = agent.run(task["question"], run_id=None)
        called = {call["name"] for call in result.tool_calls}
        outcomes.append(
            TaskOutcome(
                task,
                result,
                check_answer(result.answer, task["check"]),
                called == set(task["expected_tools"]),
            )
        )
    return outcomes


def summarise(outcomes: list[TaskOutcome]) -> dict[str, float]:
    n = max(len(outcomes), 1)
    return {
        "tasks": len(outcomes),
        "success_rate": sum(o.passed for o in outcomes) / n,
        "tool_accuracy": sum(o.tools_correct for o in outcomes) / n,
        "mean_steps": sum(o.result.steps for o in outcomes) / n,
        "mean_tokens": sum(o.result.usage.total_tokens for o in outcomes) / n,
        "total_cost_usd": sum(o.result.cost_usd for o in outcomes),
    }


def split_name(path: Path) -> str:
    """`tasks.jsonl` -> "dev", `tasks-heldout.jsonl` -> "heldout", other names as they are."""
    stem = path.name.removesuffix(".jsonl")
    return "dev" if stem == "tasks" else stem.removeprefix("tasks-")


def summary_table(splits: dict[str, dict[str, float]], provider: str, model: str) -> str:
    lines = [
        "| Provider | Split | Tasks | Task success | Tool-call accuracy | Mean steps "
        "| Mean tokens | Cost |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for split, summary in splits.items():
        lines.append(
            f"| {provider} ({model}) | {split} | {summary['tasks']:.0f} | "
            f"{summary['success_rate']:.0%} | {summary['tool_accuracy']:.0%} | "
            f"{summary['mean_steps']:.2f} | {summary['mean_tokens']:.0f} | "
            f"${summary['total_cost_usd']:.4f} |"
        )
    return "\n".join(lines)


def render_markdown(
    splits: dict[str, list[TaskOutcome]], provider: str, model: str, sources: dict[str, str]
) -> str:
    summaries = {split: summarise(outcomes) for split, outcomes in splits.items()}
    files = ", ".join(f"`{sources[split]}` ({split})" for split in splits)
    lines = [
        "# Evaluation results",
        "",
        f"Written by `eval` from {files}. Task success: the answer passes the task's check. "
        "Tool-call accuracy: the set of tools called equals the expected set. The dev split was "
        "written together with the offline planner's rules; the held-out split was not used to "
        "tune them.",
        "",
        summary_table(summaries, provider, model),
    ]
    for split, outcomes in splits.items():
        lines += [
            "",
            f"## {split}",
            "",
            "| Task | Passed | Tools expected | Tools called | Steps |",
            "| --- | :---: | --- | --- | ---: |",
        ]
        for o in outcomes:
            lines.append(
                f"| {o.task['id']} | {'yes' if o.passed else 'no'} | "
                f"{', '.join(sorted(o.task['expected_tools'])) or '-'} | "
                f"{', '.join(o.tools_called) or '-'} | {o.result.steps} |"
            )
    return "\n".join(lines) + "\n"


def update_readme(readme: Path, table: str) -> bool:
    """Replace the table between the eval markers in the README; False when there are none."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        return False
    new = text[: start + len(README_START)] + "\n" + table + "\n" + text[end:]
    readme.write_text(new, encoding="utf-8", newline="\n")
    return True
