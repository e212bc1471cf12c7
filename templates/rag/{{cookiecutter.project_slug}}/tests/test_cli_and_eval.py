"""The command line, and the evaluation whose numbers the README shows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, GOLDEN, PROJECT

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.evaluate import (
    README_END,
    README_START,
    SUITES,
    GoldenItem,
    UnparseableVerdict,
    evaluate,
    metrics_table,
    parse_verdict,
    run_eval,
)
from {{ cookiecutter.package_name }}.providers import Completion
from {{ cookiecutter.package_name }}.service import RagService


def test_ingest_ask_and_documents_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "sample"
    shutil.copytree(CORPUS, corpus)
    assert main(["ingest", str(corpus)]) == 0
    assert "38 added" in capsys.readouterr().out
    assert (tmp_path / "data" / "index.sqlite3").is_file()  # the default DATABASE_URL
    assert main(["ingest", str(corpus)]) == 0
    assert "0 added, 0 updated, 38 unchanged" in capsys.readouterr().out

    assert main(["ask", "Which cipher encrypts vault notes?"]) == 0
    out = capsys.readouterr().out
    assert "AES-256-GCM" in out and "sample/security/encryption.md" in out
    assert "(offline-extractive)" in out

    assert main(["ask", "--json", "--source", "sample/billing", "How much is Pro?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {c["source"].split("/")[1] for c in data["citations"]} == {"billing"}

    (corpus / "release-notes.md").unlink()
    assert main(["ingest", "--prune", str(corpus)]) == 0
    assert "1 removed" in capsys.readouterr().out
    assert main(["documents"]) == 0
    assert "37 documents" in capsys.readouterr().out


def test_cli_errors_are_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["ask", "anything"]) == 2
    assert "ingest documents first" in capsys.readouterr().err
    monkeypatch.setenv("CHUNK_OVERLAP", "900")
    assert main(["ingest", str(tmp_path)]) == 2
    assert "CHUNK_OVERLAP" in capsys.readouterr().err


def test_eval_writes_results_and_refreshes_the_readme_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# X\n\n{README_START}\nold\n{README_END}\n\nrest\n", encoding="utf-8")
    out = tmp_path / "results.md"
    assert (
        main(
            [
                "eval",
                "--corpus",
                str(CORPUS),
                "--golden",
                str(GOLDEN),
                "--out",
                str(out),
                "--readme",
                str(readme),
            ]
        )
        == 0
    )
    results = out.read_text(encoding="utf-8")
    assert "| hit@3 |" in results and "| MRR |" in results and "citation accuracy" in results
    table = next(block for block in results.split("\n\n") if block.startswith("| metric |"))
    assert readme.read_text(encoding="utf-8") == (
        f"# X\n\n{README_START}\n{table}\n{README_END}\n\nrest\n"
    )


def test_committed_results_and_readme_show_the_current_numbers() -> None:
    """evals/results.md and the README table are real: regenerate them with `eval` if the
    corpus, the golden set or the retrieval code changes."""
    # The committed figures are the offline default: wordllama hybrid retrieval, extractive
    # answers, on both suites (the authors' sample set and Click's docs).
    settings = Settings.from_env({"LLM_PROVIDER": "offline", "EMBEDDING_PROVIDER": "wordllama"})
    table = metrics_table(
        {s.name: run_eval(settings, PROJECT / s.corpus, PROJECT / s.golden, k=5) for s in SUITES}
    )
    assert "| metric | sample | click-docs |" in table
    assert table in (PROJECT / "evals" / "results.md").read_text(encoding="utf-8")
    assert f"{README_START}\n{table}\n{README_END}" in (PROJECT / "README.md").read_text(
        encoding="utf-8"
    )


class Judge:
    """A scripted grader: the faithfulness score comes from whatever the model replies."""

    name = "judge:test"

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def complete(self, system: str, user: str) -> Completion:
        self.prompts.append(user)
        return Completion('{"score": 0.75}', None)

    def stream(self, system: str, user: str):  # pragma: no cover - not used by eval
        yield self.complete(system, user)


def test_faithfulness_is_graded_by_the_model_on_answered_questions(indexed: RagService) -> None:
    judge = Judge()
    golden = [
        GoldenItem("How long do deleted notes stay in the trash?", ("admin/backups.md",)),
        GoldenItem("What is the capital of Australia?", ()),
    ]
    result = evaluate(indexed, golden, k=5, judge=judge)
    assert result.faithfulness == 0.75
    assert len(judge.prompts) == 1  # the unanswerable question is not graded
    assert "60 days" in judge.prompts[0] and "Answer:" in judge.prompts[0]
    assert "| answer faithfulness | 0.750 (0 of 1 verdicts unparseable) |" in metrics_table(result)


class ProseJudge(Judge):
    def __init__(self, reply: str) -> None:
        super().__init__()
        self.reply = reply

    def complete(self, system: str, user: str) -> Completion:
        self.prompts.append(user)
        return Completion(self.reply, None)


@pytest.mark.parametrize(
    "reply",
    [
        'Claim 1 of 3 is unsupported. {"score": 0.33}',  # used to score 1.0
        "The answer is fully supported.",  # never scores: used to count as a pass
        '{"score": 1.5}',
        '{"verdict": "yes"}',
        "1",
    ],
)
def test_a_judge_reply_that_is_not_the_json_asked_for_is_unparseable(reply: str) -> None:
    with pytest.raises(UnparseableVerdict):
        parse_verdict(reply)


def test_strict_verdicts_still_accept_plain_and_fenced_json() -> None:
    assert parse_verdict('{"score": 0.33}') == 0.33
    assert parse_verdict('```json\n{"score": 1}\n```') == 1.0


def test_unparseable_verdicts_are_counted_not_scored(indexed: RagService) -> None:
    golden = [
        GoldenItem("How long do deleted notes stay in the trash?", ("admin/backups.md",)),
        GoldenItem("Which cipher encrypts vault notes?", ("security/encryption.md",)),
    ]
    result = evaluate(indexed, golden, k=5, judge=ProseJudge("Looks fine to me."))
    assert result.faithfulness is None
    assert (result.unparseable, result.judged) == (2, 2)
    assert "| answer faithfulness | n/a (2 of 2 verdicts unparseable) |" in metrics_table(result)
