"""The command line and the task-success evaluation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.evals import (
    README_END,
    README_START,
    check_answer,
    load_tasks,
    numbers_in,
)

PROJECT = Path(__file__).resolve().parents[1]


def test_run_prints_the_answer_and_json(capsys) -> None:
    assert main(["run", "What is 12 * 12?", "--quiet"]) == 0
    assert capsys.readouterr().out.startswith("144\n(calculator: 12 * 12)")
    assert main(["run", "What is 2 ** 8?", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["stop_reason"] == "final" and data["provider"] == "offline"
    assert data["tool_calls"][0]["name"] == "calculator"


def test_run_without_a_terminal_denies_approval(capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["run", "Save a note: hello", "--quiet"]) == 0
    assert "denied" in capsys.readouterr().out


def test_chat_keeps_a_session(capsys, monkeypatch) -> None:
    answers = iter(["What is 3 + 4?", "What did I ask before?", ""])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main(["chat", "--session", "c1", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "agent> 7\n" in out and "'What is 3 + 4?'" in out
    assert main(["sessions"]) == 0
    assert "c1" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "check", "ok"),
    [
        ("42\nbecause", {"type": "exact", "value": "42"}, True),
        ("The answer is 42", {"type": "exact", "value": "42"}, False),
        ("Within 30 days.", {"type": "contains", "value": ["30 days"]}, True),
        ("Revenue: 49,089.50 EUR", {"type": "number", "value": 49089.5, "tolerance": 0.01}, True),
        ("Revenue: 49,000 EUR", {"type": "number", "value": 49089.5, "tolerance": 1}, False),
    ],
)
def test_answer_checks(answer: str, check: dict, ok: bool) -> None:
    assert check_answer(answer, check) is ok


def test_numbers_in() -> None:
    assert numbers_in("a 1,234.5 b -3 c 7.") == [1234.5, -3, 7]


def test_tasks_file_is_valid() -> None:
    tasks = load_tasks(PROJECT / "evals" / "tasks.jsonl")
    assert len(tasks) >= 15
    assert len({t["id"] for t in tasks}) == len(tasks)
    assert {t["check"]["type"] for t in tasks} == {"exact", "contains", "number"}


def test_the_held_out_split_holds_the_reviewed_misroutes_and_shares_nothing() -> None:
    dev = load_tasks(PROJECT / "evals" / "tasks.jsonl")
    held_out = load_tasks(PROJECT / "evals" / "tasks-heldout.jsonl")
    assert len(held_out) >= 20
    questions = {t["question"] for t in held_out}
    assert questions.isdisjoint({t["question"] for t in dev})
    assert {t["id"] for t in held_out}.isdisjoint({t["id"] for t in dev})
    reviewed = {t["question"] for t in held_out if t.get("origin") == "review"}
    assert reviewed == {
        "What's the return window for unused items?",
        "What is our most expensive product?",
    }


def test_eval_writes_results_and_the_committed_figures_are_current(tmp_path, capsys) -> None:
    """`eval` offline reproduces the results committed in evals/results.md and the README."""
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n{README_START}\nold\n{README_END}\n", encoding="utf-8")
    out = tmp_path / "results.md"
    code = main(
        [
            "eval",
            "--tasks",
            str(PROJECT / "evals" / "tasks.jsonl"),
            "--tasks",
            str(PROJECT / "evals" / "tasks-heldout.jsonl"),
            "--out",
            str(out),
            "--readme",
            str(readme),
            "--provider",
            "offline",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "PASS" in printed and "wrote" in printed
    # The task paths differ (absolute here): compare what follows the first line's sources.
    fresh = out.read_text(encoding="utf-8").replace(str(PROJECT.as_posix()) + "/", "")
    assert fresh == (PROJECT / "evals" / "results.md").read_text(encoding="utf-8")
    table = readme.read_text(encoding="utf-8").split(README_START)[1].split(README_END)[0]
    assert table.strip() in (PROJECT / "README.md").read_text(encoding="utf-8")
    # Both splits, each on its own row.
    assert "| offline (scripted-planner) | dev |" in table
    assert "| offline (scripted-planner) | heldout |" in table


def test_min_success_gate(tmp_path) -> None:
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text(
        json.dumps(
            {
                "id": "impossible",
                "question": "What is 1 + 1?",
                "expected_tools": ["calculator"],
                "check": {"type": "exact", "value": "3"},
            }
        )
        + "\n"
    )
    args = ["eval", "--tasks", str(tasks), "--out", str(tmp_path / "r.md"), "--no-readme"]
    assert main([*args, "--min-success", "0.5"]) == 1
    assert main(args) == 0
