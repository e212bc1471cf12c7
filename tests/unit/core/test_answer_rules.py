"""Answers the app knows the rules for are refused with one sentence, before anything renders."""

from __future__ import annotations

import pytest

from scaffolder.core.answer_rules import answer_problem, answers_problem, check_answers
from scaffolder.core.catalogue import resolve_template
from scaffolder.core.errors import InvalidAnswer
from scaffolder.core.preview import preview


@pytest.mark.parametrize("bad", ["2docs", "docs-qa", "class", "match", "", 'x"; import os', "naïve"])
def test_a_package_name_python_cannot_import_is_refused(bad: str) -> None:
    problem = answer_problem("package_name", bad)
    assert problem is not None and problem.question == "package_name"
    assert "package name" in problem.message


@pytest.mark.parametrize("good", ["docs_qa", "_private", "rag2"])
def test_an_importable_package_name_passes(good: str) -> None:
    assert answer_problem("package_name", good) is None


@pytest.mark.parametrize("bad", ["a@.", "x@@x.co", "you@localhost", "no at sign", "a b@c.de", ""])
def test_an_email_that_is_not_one_is_refused(bad: str) -> None:
    assert answer_problem("author_email", bad) is not None


def test_placeholder_author_is_refused_only_while_git_knows_nobody() -> None:
    context = {"author_name": "Your Name", "author_email": "you@example.com"}
    assert answers_problem(context, identity_known=True) is None
    problem = answers_problem(context, identity_known=False)
    assert problem is not None and problem.question == "author_name"


def test_the_wizard_preview_and_generation_give_the_same_sentence(tmp_path) -> None:
    template = resolve_template("rag")
    shown = preview(template, {"package_name": "2docs"}, tmp_path)
    assert shown.problem_question == "package_name"
    with pytest.raises(InvalidAnswer) as raised:
        check_answers({"package_name": "2docs"})
    assert raised.value.message == shown.problem.message


def test_the_cli_gives_the_placeholder_sentence_when_nobody_is_known(no_git_identity, tmp_path) -> None:
    """With no identity anywhere, `scaffolder new --set author_name="Your Name"` says what the
    wizard says beside the field (the placeholder is the thing to fix), not git's config."""
    from scaffolder.core.generate import plan_generation

    with pytest.raises(InvalidAnswer) as refused:
        plan_generation(resolve_template("rag"), {}, tmp_path)
    assert refused.value.question == "author_name"
    assert "placeholder" in refused.value.message
