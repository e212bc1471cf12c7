"""The issue's own test, clause by clause, as a user does it in the terminal: generate RAG from a
corpus the test builds (Markdown, reStructuredText and PDF on two topics); the index holds the
documents, the drafted golden questions cite the right files, the eval runs on the accepted set
and the README's table shows those figures; the private-corpus choice leaves the documents (and
the index built from them) out of git. Real processes throughout: the app's CLI, the project's
own .venv, its own ingest and eval."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import run_scaffolder
from tests.helpers.documents import two_topic_corpus

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = {"bees/hives.rst", "bees/swarming.md", "tenancy/lease.md", "tenancy/notice.pdf"}

pytestmark = pytest.mark.slow  # builds the generated projects' environments (pip install -e .)


def scaffolder(*args: str) -> subprocess.CompletedProcess[str]:
    return run_scaffolder(*args, timeout=1500)


def project_command(project: Path, *args: str) -> str:
    """The generated project's own command line, in its own environment."""
    python = project / ".venv" / "bin" / "python"
    done = subprocess.run(
        [str(python), "-m", "tenancy_qa", *args], cwd=project, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True, check=True).stdout


def table_rows(text: str, start: str, end: str) -> dict[str, list[str]]:
    block = text.split(start, 1)[1].split(end, 1)[0]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in block.strip().splitlines()]
    return {row[0]: row[1:] for row in rows[2:]}


@pytest.mark.skipif(sys.platform == "win32", reason="the project's .venv layout is POSIX's here")
def test_generated_from_my_corpus_indexed_drafted_evaluated_and_private_stays_out_of_git(
    tmp_path: Path, isolated_user: Path
) -> None:
    corpus = two_topic_corpus(tmp_path / "tenancy-and-bees")

    # Generated over the corpus: the pitch is about it, and its index is built.
    done = scaffolder(
        "new", "rag", "-o", str(tmp_path / "out"), "--set", "project_name=Tenancy QA", "--docs", str(corpus),
        "--no-input", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    created = json.loads(done.stdout)
    project = Path(created["path"])
    assert created["knowledge_base"]["index"]["documents"] == 4
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "It answers questions about **Tenancy and bees** (Residential leases, Hives, Swarming" in readme
    assert "- What is a super?" in readme  # a sample question drafted from the corpus
    page = next((project / "src").glob("*/static/index.html")).read_text(encoding="utf-8")
    assert "<h1>Ask about Tenancy and bees</h1>" in page and 'placeholder="e.g. What is a super?"' in page

    # The index holds every document (asked through the project's own command).
    indexed = json.loads(project_command(project, "documents", "--json"))
    assert {d["source"].removeprefix("data/mine/") for d in indexed} == DOCUMENTS
    assert not list((project / "data").glob(".index.sqlite3.partial*"))  # built aside, renamed whole

    # The drafted questions cite the files that answer them.
    listing = json.loads(scaffolder("golden", "Tenancy QA", "--json").stdout)
    drafted = {q["question"]: q for q in listing["questions"]}
    assert drafted["What is a lease?"]["sources"] == ["tenancy/lease.md"]
    assert drafted["What is a notice period?"]["sources"] == ["tenancy/notice.pdf"]
    assert drafted["What is a super?"]["sources"] == ["bees/hives.rst"]
    assert drafted["What is a swarm?"]["sources"] == ["bees/swarming.md"]

    # The user accepts four, rejects the rest; the eval runs on those four and the README shows it.
    chosen = ["What is a lease?", "What is a notice period?", "What is a super?", "What is a swarm?"]
    assert scaffolder("golden", "Tenancy QA", "--reject", "all").returncode == 0
    assert scaffolder("golden", "Tenancy QA", "--accept", *[drafted[q]["id"] for q in chosen]).returncode == 0
    evaluated = scaffolder("golden", "Tenancy QA", "--eval", "--json")
    assert evaluated.returncode == 0, evaluated.stderr
    readme = (project / "README.md").read_text(encoding="utf-8")
    rows = table_rows(readme, "<!-- my-eval-results:start -->", "<!-- my-eval-results:end -->")
    mine = rows["your documents (4 questions, accepted by you)"]
    assert mine[0] == "4" and rows["bundled sample (questions written with it)"][0] == "55"
    assert json.loads(evaluated.stdout)["eval"]["table"] in readme
    # The figures are the project's own measurement of those four questions, not the app's.
    measured = subprocess.run(
        [str(project / ".venv/bin/python"), "-c", MEASURE], cwd=project, capture_output=True, text=True, timeout=600
    )
    assert measured.returncode == 0, measured.stderr
    hit1, hit3, hit5, mrr, citations = json.loads(measured.stdout)
    assert mine[1:] == [f"{hit1:.3f}", f"{hit3:.3f}", f"{hit5:.3f}", f"{mrr:.3f}", f"{citations:.3f}"]
    assert re.search(r"## your documents \(4 questions, accepted by you\)", (project / "evals/results.md").read_text())

    # Private: the documents and the index that holds their text never reach git.
    done = scaffolder(
        "new", "rag", "-o", str(tmp_path / "out"), "--set", "project_name=Private QA", "--private-docs", str(corpus),
        "--no-input", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    private = Path(json.loads(done.stdout)["path"])
    assert (private / "data/index.sqlite3").is_file()
    assert git(private, "status", "--porcelain", "--untracked-files=all") == ""
    assert "data/index.sqlite3" in git(private, "status", "--porcelain", "--ignored")
    history = git(private, "log", "--all", "--name-only", "--format=")
    assert "lease.md" not in history and "index.sqlite3" not in history and "data/mine" not in history
    blobs = subprocess.run(
        ["git", "-C", str(private), "cat-file", "--batch-all-objects", "--batch"], capture_output=True, check=True
    ).stdout
    assert b"lets a tenant use a property" not in blobs and b"brood chamber" not in blobs


# Run in the project's .venv: its own eval of the accepted questions over its own copy.
MEASURE = """
import json
from pathlib import Path
from tenancy_qa.config import Settings
from tenancy_qa.evaluate import run_eval
result = run_eval(Settings.from_env(), Path("data/mine"), Path("evals/my-golden.jsonl"), k=5)
m = result.metrics
print(json.dumps([m["hit@1"], m["hit@3"], m["hit@5"], m["mrr"], m["citation_accuracy"]]))
"""
