"""The eval command scores the configured model and writes its table into the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import evals
from {{ cookiecutter.package_name }}.__main__ import main
from {{ cookiecutter.package_name }}.providers.offline import OfflineProvider

CASES = Path(__file__).resolve().parents[1] / "evals" / "cases.jsonl"


def test_the_offline_model_passes_the_bundled_cases() -> None:
    cases = evals.load_cases(CASES)
    assert len(cases) >= 5
    results = evals.run(OfflineProvider(), cases, max_tokens=800)
    assert [r.name for r in results if not r.passed] == []
    table = evals.table(OfflineProvider(), results)
    assert f"| Cases passed | {len(cases)}/{len(cases)} (100%) |" in table


def test_a_failed_check_names_what_was_missing() -> None:
    case = {"name": "impossible", "prompt": "Hello.", "must_mention": ["zeugma"]}
    (result,) = evals.run(OfflineProvider(), [case], max_tokens=800)
    assert not result.passed
    assert result.missing == ["zeugma"]


def test_eval_command_writes_the_readme_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Demo\n\n{evals.START}\nold\n{evals.END}\n\nMore.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LLM_PROVIDER", "offline")
    assert main(["eval", "--cases", str(CASES), "--write-readme", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert "old" not in text
    assert "| Cases passed |" in text
    assert text.endswith(f"{evals.END}\n\nMore.\n")
    assert "| Cases passed |" in capsys.readouterr().out
