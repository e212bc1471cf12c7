"""Your accepted questions on your own documents: a suite of their own, measured in the same run as
the bundled ones and shown as a row beside theirs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import CORPUS, GOLDEN

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.evaluate import run_eval
from {{ cookiecutter.package_name }}.your_corpus import (
    README_END,
    README_START,
    rows_table,
    update_readme,
    your_suite,
)


def project_with(root: Path, accepted: list[str], record: dict[str, object]) -> Path:
    (root / ".scaffolder").mkdir(parents=True)
    (root / ".scaffolder" / "corpus.json").write_text(json.dumps(record), encoding="utf-8")
    (root / "evals").mkdir()
    (root / "evals" / "my-golden.jsonl").write_text("".join(f"{line}\n" for line in accepted))
    return root


def test_there_is_no_suite_until_a_question_is_accepted(tmp_path: Path) -> None:
    assert your_suite(tmp_path) is None
    project = project_with(tmp_path / "p", [], {"folder": "data/mine"})
    shutil.copytree(CORPUS, project / "data" / "mine")
    assert your_suite(project) is None


def test_your_row_sits_beside_the_sample_and_the_readme_shows_it(tmp_path: Path) -> None:
    lines = GOLDEN.read_text().splitlines()
    answerable = [line for line in lines if json.loads(line).get("sources")]
    project = project_with(tmp_path / "p", answerable[:3], {"folder": "data/mine"})
    shutil.copytree(CORPUS, project / "data" / "mine")
    suite = your_suite(project)
    assert suite is not None and suite.name == "your documents (3 questions, accepted by you)"
    settings = Settings.from_env({"LLM_PROVIDER": "offline", "EMBEDDING_PROVIDER": "none"})
    results = {
        "sample": run_eval(settings, CORPUS, GOLDEN, k=5),
        suite.name: run_eval(settings, suite.corpus, suite.golden, k=5),
    }
    table = rows_table(results)
    rows = {line.split(" | ")[0].strip("| "): line for line in table.splitlines()[2:]}
    assert set(rows) == {"bundled sample (questions written with it)", suite.name}
    mine = results[suite.name].metrics
    assert rows[suite.name].startswith(f"| {suite.name} | 3 | {mine['hit@1']:.3f} | ")
    readme = project / "README.md"
    readme.write_text(f"# X\n\n{README_START}\nnot measured yet\n{README_END}\nrest\n")
    assert update_readme(readme, table)
    assert readme.read_text() == f"# X\n\n{README_START}\n{table}\n{README_END}\nrest\n"


def test_private_documents_are_found_through_the_local_record(tmp_path: Path) -> None:
    private = tmp_path / "elsewhere"
    shutil.copytree(CORPUS, private)
    # A private folder's name is recorded, not its path: even a folder of that name here is not it.
    record = {"folder": "data", "private": True}
    project = project_with(tmp_path / "p", [GOLDEN.read_text().splitlines()[0]], record)
    (project / "data").mkdir()
    assert your_suite(project) is None  # cloned elsewhere: no local record, no suite
    (project / ".scaffolder" / "corpus.local.json").write_text(json.dumps({"path": str(private)}))
    suite = your_suite(project)
    assert suite is not None and suite.corpus == private
