"""Projects made from the bundled templates before the house style (one module name per concern)
update to today's templates: a user's edit to a module the template renamed follows the module to
its new name (git's rename detection in the update's merge), and nothing is left in conflict."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.core.catalogue import load_template, resolve_template
from scaffolder.core.generate import generate
from scaffolder.core.store import Store
from scaffolder.core.update import UpdateOutcome, apply_update, plan_update
from tests.helpers.template_history import template_from_history
from tests.helpers.template_versions import git

REPO_ROOT = Path(__file__).resolve().parents[3]
BEFORE_HOUSE_STYLE = "a819735"  # rag 1.1.0, agent 1.2.0, fullstack 1.1.0

# (kind, the module as it was named, as it is named now, a line of it the user changes)
RENAMED = [
    ("fullstack", "settings.py", "config.py", "DEFAULT_MODELS: dict[str, str] = {"),
    ("rag", "llm.py", "providers/__init__.py", "DEFAULT_MODELS = {"),
    ("rag", "logging_setup.py", "logs.py", "def configure_logging("),
]


@pytest.mark.parametrize(("kind", "old_name", "new_name", "edited_line"), RENAMED, ids=[r[1] for r in RENAMED])
def test_an_edit_to_a_renamed_module_follows_it_through_the_update(
    kind: str, old_name: str, new_name: str, edited_line: str, tmp_path: Path
) -> None:
    store = Store()
    old = load_template(template_from_history(kind, BEFORE_HOUSE_STYLE, tmp_path / "history"), kind=kind, bundled=True)
    made = generate(old, {"project_name": "House Style"}, tmp_path / "projects", store=store)
    package = made.project.path / "src" / "house_style"
    module = package / old_name
    source = module.read_text("utf-8")
    assert edited_line in source
    mine = "# My note: the one place this project reads its defaults.\n"
    module.write_text(source.replace(edited_line, mine + edited_line, 1), "utf-8")
    git(made.project.path, "commit", "-q", "-am", f"A note in {old_name}")

    plan = plan_update(made.project)
    assert (plan.recorded_version, plan.current_version) == (old.version, resolve_template(kind).version)
    result = apply_update(plan, store=store)

    assert result.outcome is UpdateOutcome.MERGED, result
    assert not module.exists()
    assert mine + edited_line in (package / new_name).read_text("utf-8")
    assert git(made.project.path, "status", "--porcelain") == ""
