"""Make it yours: a RAG project generated over the user's own documents, with a golden set drafted
from them and reviewed by the user, as a user does it in the terminal (real processes, real git)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from scaffolder.core.corpus import scan_corpus
from scaffolder.core.golden import draft_golden, question_from_heading
from scaffolder.core.store import Store
from tests.helpers.cli import run_scaffolder
from tests.helpers.documents import two_topic_corpus

ROOT = Path(__file__).resolve().parents[2]


def scaffolder(*args: str) -> subprocess.CompletedProcess[str]:
    return run_scaffolder(*args, timeout=180)


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return two_topic_corpus(tmp_path / "my-docs")


def test_the_scan_says_what_it_found_and_what_it_skips_and_why(corpus: Path) -> None:
    report = scan_corpus(corpus)
    assert sorted(d.path for d in report.documents) == [
        "bees/hives.rst",
        "bees/swarming.md",
        "tenancy/lease.md",
        "tenancy/notice.pdf",
    ]
    pdf = next(d for d in report.documents if d.kind == "pdf")
    assert pdf.pages == 1 and "notice period" in pdf.sections[0].text
    assert {s.path: s.reason for s in report.skipped} == {
        "bees/photo.jpg": ".jpg is not a supported format",
        "empty.md": "empty",
    }
    assert report.summary().startswith("4 documents (2 markdown, 1 pdf, 1 rst), 1 PDF pages")


def test_drafted_questions_name_the_file_that_answers_them(corpus: Path) -> None:
    drafts = {q.question: q for q in draft_golden(scan_corpus(corpus))}
    assert drafts["What is a lease?"].sources == ("tenancy/lease.md",)
    assert drafts["What is a notice period?"].sources == ("tenancy/notice.pdf",)
    assert drafts["What is a super?"].sources == ("bees/hives.rst",)
    assert drafts["What is a swarm?"].sources == ("bees/swarming.md",)
    assert all(q.status == "pending" for q in drafts.values())
    assert question_from_heading("Inspecting a hive", "Hives") == "How do I inspect a hive?"
    assert question_from_heading("Resetting your password", "Help") == "How do I reset my password?"


def test_new_rag_with_docs_copies_them_drafts_the_golden_set_and_the_user_reviews_it(
    corpus: Path, tmp_path: Path, isolated_user: Path
) -> None:
    done = scaffolder(
        "new",
        "rag",
        "-o",
        str(tmp_path / "out"),
        "--set",
        "project_name=Tenancy QA",
        "--docs",
        str(corpus),
        "--no-index",  # the index, built in the project's own .venv, is the slow end-to-end test's
        "--no-input",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert "Found 4 documents (2 markdown, 1 pdf, 1 rst)" in done.stderr
    assert "skipped bees/photo.jpg: .jpg is not a supported format" in done.stderr
    data = json.loads(done.stdout)
    project = Path(data["path"])
    assert data["knowledge_base"]["documents"] == 4 and not data["knowledge_base"]["private"]

    tracked = git(project, "ls-files").split()
    assert {"data/mine/tenancy/lease.md", "data/mine/tenancy/notice.pdf", "data/mine/bees/hives.rst"} <= set(tracked)
    assert (project / "data/mine/tenancy/notice.pdf").read_bytes() == (corpus / "tenancy/notice.pdf").read_bytes()
    assert git(project, "log", "-1", "--format=%s") == "Add my knowledge base: 4 documents (copied into data/mine)\n"
    assert git(project, "status", "--porcelain") == ""
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "## My knowledge base" in readme and "**4 documents**" in readme and "copied into `data/mine/`" in readme
    assert "tenancy-qa eval   # the bundled suites and the questions I accepted" in readme
    assert "<!-- my-eval-results:start -->\n_Not measured yet" in readme  # figures come from a run only
    assert data["knowledge_base"]["index"] is None and not (project / "data/index.sqlite3").exists()

    listing = json.loads(scaffolder("golden", "Tenancy QA", "--json").stdout)
    assert listing["counts"]["accepted"] == 0 and listing["counts"]["pending"] >= 4
    ids = {q["question"]: q["id"] for q in listing["questions"]}
    assert (
        scaffolder("golden", "Tenancy QA", "--accept", ids["What is a lease?"], ids["What is a swarm?"]).returncode == 0
    )
    assert scaffolder("golden", "Tenancy QA", "--reject", ids["What is a super?"]).returncode == 0
    edited = scaffolder(
        "golden",
        "Tenancy QA",
        "--edit",
        ids["What is a notice period?"],
        "--question",
        "How much notice must a landlord give?",
    )
    assert edited.returncode == 0
    added = scaffolder("golden", "Tenancy QA", "--add", "When is the deposit returned?", "--source", "tenancy/lease.md")
    assert "4 accepted" in added.stdout

    golden = [json.loads(line) for line in (project / "evals/my-golden.jsonl").read_text().splitlines()]
    assert golden == [
        {"question": "What is a swarm?", "sources": ["bees/swarming.md"]},
        {"question": "What is a lease?", "sources": ["tenancy/lease.md"]},
        {"question": "How much notice must a landlord give?", "sources": ["tenancy/notice.pdf"]},
        {"question": "When is the deposit returned?", "sources": ["tenancy/lease.md"]},
    ]
    review = json.loads((project / "evals/my-golden.review.json").read_text())
    origins = {q["question"]: q["origin"] for q in review["questions"]}
    assert origins["What is a lease?"] == "definition" and origins["When is the deposit returned?"] == "added by you"


def test_private_docs_never_reach_git(corpus: Path, tmp_path: Path, isolated_user: Path) -> None:
    done = scaffolder(
        "new",
        "rag",
        "-o",
        str(tmp_path / "out"),
        "--set",
        "project_name=Private QA",
        "--private-docs",
        str(corpus),
        "--no-index",
        "--no-input",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    project = Path(json.loads(done.stdout)["path"])
    everything = git(project, "log", "--all", "--name-only", "--format=")
    assert "lease.md" not in everything and "notice.pdf" not in everything and "data/mine" not in everything
    assert "corpus.local.json" not in everything
    assert json.loads((project / ".scaffolder/corpus.local.json").read_text())["path"] == str(corpus.resolve())
    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""  # the local record is ignored
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "They stay private" in readme and str(corpus) not in readme
    # Not a sentence of them either: the review's evidence quotes the documents, so it is not kept.
    blobs = subprocess.run(
        ["git", "-C", str(project), "cat-file", "--batch-all-objects", "--batch"], capture_output=True, check=True
    ).stdout
    assert b"lets a tenant use a property" not in blobs and b"brood chamber" not in blobs


def test_a_folder_with_nothing_readable_generates_nothing(tmp_path: Path, isolated_user: Path) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    (empty / "photo.png").write_bytes(b"\x89PNG")
    done = scaffolder("new", "rag", "-o", str(tmp_path / "out"), "--docs", str(empty), "--no-input")
    assert done.returncode == 1
    assert "No document in" in done.stderr and "nothing was generated" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert Store().projects() == []


def test_docs_are_for_the_rag_template(corpus: Path, tmp_path: Path, isolated_user: Path) -> None:
    done = scaffolder("new", "agent", "-o", str(tmp_path / "out"), "--docs", str(corpus), "--no-input")
    assert done.returncode == 1 and "--docs and --private-docs are for the rag template" in done.stderr


def test_a_document_gone_since_the_scan_leaves_the_project_as_generated(
    corpus: Path, tmp_path: Path, isolated_user: Path
) -> None:
    """All of the knowledge base or none of it: the project stays committed and clean."""
    from scaffolder.core.catalogue import resolve_template
    from scaffolder.core.errors import UserError
    from scaffolder.core.generate import generate
    from scaffolder.core.knowledge_base import add_knowledge_base

    project = generate(resolve_template("rag"), {}, tmp_path / "out", store=Store()).project.path
    readme = (project / "README.md").read_text(encoding="utf-8")
    report = scan_corpus(corpus)
    (corpus / "tenancy" / "notice.pdf").unlink()  # the user tidies the folder while the app works

    with pytest.raises(UserError) as refused:
        add_knowledge_base(project, report, private=False, slug="ask-the-docs")

    assert "could not be added" in refused.value.message and "notice.pdf" in refused.value.message
    assert not (project / "data" / "mine").exists() and not (project / "evals" / "my-golden.jsonl").exists()
    assert (project / "README.md").read_text(encoding="utf-8") == readme
    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(project, "rev-list", "--count", "HEAD").strip() == "1"


def test_the_documents_options_need_documents(tmp_path: Path, isolated_user: Path) -> None:
    done = scaffolder("new", "rag", "-o", str(tmp_path / "out"), "--draft-with", "openai", "--no-input")
    assert done.returncode == 1 and "--draft-with and --no-index go with your documents" in done.stderr
    assert not (tmp_path / "out").exists()
