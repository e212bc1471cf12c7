"""A project made from the first bundled RAG template of this repository's history (0.1.0, three
files) is updated to today's template: the user's edits are kept, and the one file both rewrote
is left as git's conflict."""

from __future__ import annotations

from pathlib import Path

from scaffolder.core.catalogue import load_template, resolve_template
from scaffolder.core.generate import generate
from scaffolder.core.git import TEMPLATE_REF
from scaffolder.core.store import Store
from scaffolder.core.update import UpdateOutcome, apply_update, available_update, plan_update
from tests.helpers.template_history import template_from_history
from tests.helpers.template_versions import git

REPO_ROOT = Path(__file__).resolve().parents[3]
FIRST_RAG_COMMIT = "a5e3acb"  # "Project skeleton": templates/rag at 0.1.0


def test_a_project_from_the_first_rag_template_updates_to_todays_keeping_its_edits(tmp_path: Path) -> None:
    store = Store()
    old = load_template(template_from_history("rag", FIRST_RAG_COMMIT, tmp_path / "history"), kind="rag", bundled=True)
    assert old.version == "0.1.0"
    made = generate(old, {"project_name": "Legal Search"}, tmp_path / "projects", store=store)
    path = made.project.path
    (path / "src" / "legal_search" / "my_reranker.py").write_text("def rerank(hits):\n    return hits[::-1]\n")
    (path / "NOTES.md").write_text("Ideas for the next sprint.\n")
    (path / "README.md").write_text("# Legal Search\n\nSearches case law for my firm.\n")
    git(path, "add", "--all")
    git(path, "commit", "-q", "-m", "My reranker, notes and README")
    today = resolve_template("rag")

    assert available_update(made.project) is not None
    plan = plan_update(made.project)
    assert (plan.recorded_version, plan.current_version) == ("0.1.0", today.version)
    assert "embedding_provider" in [q.question.name for q in plan.new_questions]
    assert {c.path: c.status for c in plan.changes}["pyproject.toml"] == "added"

    result = apply_update(plan, store=store)

    # Both rewrote the README: git's conflict, with the user's words in it; everything else merged.
    assert result.outcome is UpdateOutcome.CONFLICTS and result.conflicts == ("README.md",)
    assert "Searches case law for my firm." in (path / "README.md").read_text()
    assert (path / "src" / "legal_search" / "my_reranker.py").exists()
    assert (path / "NOTES.md").read_text() == "Ideas for the next sprint.\n"
    assert (path / "pyproject.toml").exists() and (path / ".python-version").exists()
    assert 'PROJECT_NAME = "Legal Search"' in (path / "src" / "legal_search" / "__init__.py").read_text()
    git(path, "checkout", "--ours", "README.md")
    git(path, "add", "README.md")
    git(path, "-c", "core.editor=true", "merge", "--continue")
    assert git(path, "status", "--porcelain") == ""
    assert git(path, "log", "-1", "--format=%P").split()[1] == git(path, "rev-parse", TEMPLATE_REF)
    assert available_update(store.get(made.project.id)) is None
