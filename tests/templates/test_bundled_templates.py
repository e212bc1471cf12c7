"""What holds for every bundled template, before any project is installed and tested."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException

from tests.templates import harness

KINDS = ("rag", "agent", "fullstack")
SHARED_QUESTIONS = (
    "project_name",
    "project_slug",
    "package_name",
    "description",
    "author_name",
    "author_email",
    "github_username",
    "license",
    "llm_provider",
    "deploy_target",
    "python_version",
)


def context(kind: str) -> dict[str, object]:
    return json.loads((harness.template_dir(kind) / "cookiecutter.json").read_text("utf-8"))


@pytest.mark.parametrize("kind", KINDS)
def test_the_variants_use_every_non_default_option_of_every_choice(kind: str) -> None:
    used = {(key, value) for variant in harness.choice_variants(kind) for key, value in variant.items()}
    missing = [
        (key, option)
        for key, options in context(kind).items()
        if isinstance(options, list) and not key.startswith("_")
        for option in options[1:]
        if (key, option) not in used
    ]
    assert missing == []


@pytest.mark.parametrize("kind", KINDS)
def test_every_template_asks_the_shared_questions_offline_first(kind: str) -> None:
    questions = context(kind)
    assert [q for q in SHARED_QUESTIONS if q not in questions] == []
    assert questions["llm_provider"][0] == "offline"  # type: ignore[index]
    prompts = questions["__prompts__"]
    assert isinstance(prompts, dict)
    assert [q for q in questions if not q.startswith("_") and q not in prompts] == []  # help for each


@pytest.mark.parametrize("kind", KINDS)
def test_no_template_file_is_ignored_by_the_apps_own_git(kind: str) -> None:
    """The template folder sits in this repository: its .gitignore must not hide its own files."""
    status = subprocess.run(
        ["git", "status", "--ignored", "--short", str(harness.template_dir(kind))],
        cwd=harness.REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert [line for line in status.splitlines() if line.startswith("!!")] == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_package_name_that_is_not_an_identifier_is_refused(kind: str, tmp_path: Path) -> None:
    with pytest.raises(FailedHookException):
        harness.render(kind, tmp_path, package_name="not-an-identifier")
    assert list(tmp_path.iterdir()) == []
