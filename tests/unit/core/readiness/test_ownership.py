"""Made it yours: a fresh copy of the template fails however it was answered, the author's own
content passes, and what the app or the project's commands wrote never counts."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scaffolder.core.catalogue import resolve_template
from scaffolder.core.generate import generate
from scaffolder.core.readiness import Result, check_project
from scaffolder.core.store import Store


def git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(project), *args], capture_output=True, check=True)


@pytest.fixture
def store(isolated_user: Path) -> Store:
    return Store()


def made_it_yours(store: Store, name: str):  # type: ignore[no-untyped-def]
    return check_project(store, name, offline=True).result("made-it-yours")


def test_a_fresh_copy_is_not_yours_whatever_its_answers(tmp_path: Path, store: Store) -> None:
    answers = {"project_name": "Contracts QA", "description": "Answers questions over my lease contracts."}
    generate(resolve_template("rag"), answers, tmp_path, store=store)
    found = made_it_yours(store, "Contracts QA")
    assert found.result is Result.FAILED
    assert found.evidence == "0 changed lines in 0 files since the template's output"


def test_content_the_author_wrote_makes_it_theirs(tmp_path: Path, store: Store) -> None:
    project = generate(resolve_template("rag"), {"project_name": "Contracts QA"}, tmp_path, store=store).project.path
    docs = project / "data" / "contracts"
    docs.mkdir(parents=True)
    (docs / "lease.md").write_text(
        "# Lease\n\n" + "\n".join(f"Clause {i}: the tenant pays on day {i}." for i in range(40))
    )
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\n## My corpus\n\nForty clauses of a real lease.\n")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "Add my lease corpus")
    found = made_it_yours(store, "Contracts QA")
    assert found.result is Result.PASSED
    assert found.evidence.startswith(
        "46 changed lines in 2 files since the template's output (data/contracts/lease.md ±42"
    )


def test_what_the_app_and_the_projects_commands_wrote_does_not_count(tmp_path: Path, store: Store) -> None:
    project = generate(resolve_template("rag"), {"project_name": "Contracts QA"}, tmp_path, store=store).project.path
    (project / "evals" / "results.md").write_text("| metric | value |\n" + "| hit@3 | 0.9 |\n" * 60)
    (project / "WRITEUP.md").write_text("# Draft\n" + "words " * 400)
    (project / "docs" / "demo.gif").write_bytes(b"GIF89a" + bytes(100))
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "Re-run the eval, draft the write-up, record the demo")
    found = made_it_yours(store, "Contracts QA")
    assert found.result is Result.FAILED and found.evidence.startswith("0 changed lines in 0 files")


def test_an_imported_repository_has_nothing_to_compare_with(tmp_path: Path, store: Store) -> None:
    from scaffolder.core.portfolio import import_project

    repo = tmp_path / "mine"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "README.md").write_text("# Mine\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "init")
    import_project(store, repo)
    found = made_it_yours(store, "mine")
    assert found.result is Result.NOT_APPLICABLE
    assert "refs/scaffolder/template" in found.evidence
