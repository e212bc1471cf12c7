"""Importing existing repositories: a project generated on one machine is recognised on another."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scaffolder.core.catalogue import resolve_template
from scaffolder.core.errors import UserError
from scaffolder.core.generate import generate
from scaffolder.core.portfolio import import_project, read_answers_file
from scaffolder.core.store import Store
from tests.helpers.template_tree import tree_snapshot


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_a_generated_project_cloned_elsewhere_is_imported_with_its_kind_and_answers(tmp_path: Path) -> None:
    first_machine = Store(tmp_path / "machine-a.sqlite3")
    original = generate(
        resolve_template("agent"), {"project_name": "Trip Planner"}, tmp_path / "a", store=first_machine, trust=True
    ).project
    clone = tmp_path / "b" / "trip-planner"
    git(tmp_path, "clone", "-q", str(original.path), str(clone))
    second_machine = Store(tmp_path / "machine-b.sqlite3")

    imported = import_project(second_machine, clone)

    assert (imported.name, imported.kind, imported.path) == ("Trip Planner", "agent", clone.resolve())
    assert imported.template == "agent"
    assert imported.template_version == original.template_version
    assert imported.answers == original.answers
    assert [p.name for p in second_machine.projects()] == ["Trip Planner"]


def test_a_plain_repository_is_imported_as_custom_under_its_folder_name(tmp_path: Path) -> None:
    repo = tmp_path / "my-side-project"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "main.py").write_text("print('hello')\n", encoding="utf-8")
    before = tree_snapshot(repo)
    store = Store()

    imported = import_project(store, repo)

    assert (imported.name, imported.kind, imported.template, imported.answers) == (
        "my-side-project",
        "custom",
        None,
        {},
    )
    assert tree_snapshot(repo) == before  # importing reads, it never writes


def test_an_import_can_be_given_a_display_name(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")

    assert import_project(Store(), repo, name="Capstone").name == "Capstone"


def test_a_folder_that_is_not_a_repository_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "just-files"
    folder.mkdir()
    store = Store()

    with pytest.raises(UserError, match="not a git repository"):
        import_project(store, folder)
    with pytest.raises(UserError, match="not a folder"):
        import_project(store, tmp_path / "does-not-exist")
    assert store.projects() == []


def test_a_subfolder_of_a_repository_is_refused(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    git(repo, "init", "-q")

    with pytest.raises(UserError, match="not a git repository"):
        import_project(Store(), repo / "src")


def test_importing_the_same_repository_twice_is_refused(tmp_path: Path) -> None:
    store = Store()
    generated = generate(resolve_template("rag"), {}, tmp_path / "out", store=store, trust=True).project

    with pytest.raises(UserError, match="already has a project"):
        import_project(store, generated.path)
    assert len(store.projects()) == 1


def test_a_damaged_answers_file_makes_a_custom_project(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / ".cookiecutter.json").write_text("{ not json", encoding="utf-8")

    assert read_answers_file(repo) is None
    assert import_project(Store(), repo).kind == "custom"


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are POSIX")
@pytest.mark.timeout(30)
def test_importing_a_repository_whose_answers_file_is_a_fifo_does_not_hang(tmp_path: Path) -> None:
    from scaffolder.core.generate import ANSWERS_FILE

    repo = tmp_path / "imported"
    subprocess.run(["git", "init", "--quiet", str(repo)], check=True)
    os.mkfifo(repo / ANSWERS_FILE)

    project = import_project(Store(), repo)

    assert (project.kind, project.name) == ("custom", "imported")
