"""The wizard's preview refuses a project name the portfolio already has, with generate's sentence,
and places a taken folder on the question that names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.core.catalogue import resolve_template
from scaffolder.core.errors import UserError
from scaffolder.core.generate import plan_generation
from scaffolder.core.preview import preview
from scaffolder.core.store import Store


def test_a_name_in_the_portfolio_is_refused_as_generate_refuses_it(tmp_path: Path) -> None:
    template = resolve_template("rag")
    shown = preview(template, {"project_name": "Docs QA"}, tmp_path, taken_names={"Docs QA"})
    assert shown.problem_question == "project_name"
    store = Store(tmp_path / "p.sqlite3")
    (tmp_path / "old").mkdir()
    store.add_project(
        name="Docs QA", kind="rag", path=tmp_path / "old", template="rag", template_version="1", answers={}
    )
    with pytest.raises(UserError) as raised:
        plan_generation(template, {"project_name": "Docs QA"}, tmp_path / "out", store=store)
    assert raised.value.message == shown.problem.message
    assert preview(template, {"project_name": "Docs QA 2"}, tmp_path, taken_names={"Docs QA"}).ok


def test_an_occupied_folder_is_the_slug_questions_problem(tmp_path: Path) -> None:
    (tmp_path / "docs-qa").mkdir()
    (tmp_path / "docs-qa" / "notes.txt").write_text("mine", encoding="utf-8")
    shown = preview(resolve_template("rag"), {"project_name": "Docs QA"}, tmp_path)
    assert shown.problem_question == "project_slug"
