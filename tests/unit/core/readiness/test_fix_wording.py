"""A fix names the user's next action, worded for where it is read: a command in the terminal,
a field or a button in the app. The GUI's version of this story is in tests/unit/gui."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scaffolder.core.readiness import Surface, check_projects
from scaffolder.core.readiness.model import ACTIONS, word_fix
from scaffolder.core.store import Store
from tests.unit.core.readiness.conftest import Repo, make_repo


def test_recording_the_live_url_is_a_command_in_the_terminal_and_a_field_in_the_app() -> None:
    fix = "Deploy it, then record the URL: {record_live_url}"

    assert word_fix(fix, Surface.CLI, "Docs Q&A", "live-url-answers") == (
        "Deploy it, then record the URL: scaffolder set 'Docs Q&A' live-url https://…"
    )
    assert word_fix(fix, Surface.APP, "Docs Q&A", "live-url-answers") == (
        "Deploy it, then record the URL: type it in the Live URL field"
    )


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_action_names_a_command_in_the_terminal_and_none_in_the_app(action: str) -> None:
    in_terminal = word_fix("{" + action + "}", Surface.CLI, "My Agent", "writeup-shared")
    in_app = word_fix("{" + action + "}", Surface.APP, "My Agent", "writeup-shared")

    assert "scaffolder " in in_terminal and "'My Agent'" in in_terminal
    assert "scaffolder" not in in_app and "{" not in in_app


def test_every_fix_a_bare_project_gets_is_worded_with_nothing_left_to_fill_in(
    repo: Repo, store: Store, tmp_path: Path
) -> None:
    """A one-commit repository with only a README fails nearly every check; a project whose
    folder is gone gets the fixes only a missing project has."""
    repo.write("README.md", "# Docs Q&A\n").commit()
    shutil.rmtree(make_repo(tmp_path, store, name="Gone Project").path)

    for surface in Surface:
        reports = check_projects(store, store.projects(), offline=True, surface=surface)
        fixes = [r.fix for report in reports for r in report.results if r.fix]
        assert len(fixes) > 20
        assert not [fix for fix in fixes if "{" in fix or "}" in fix]
        naming_commands = [fix for fix in fixes if "scaffolder " in fix]
        assert bool(naming_commands) is (surface is Surface.CLI), naming_commands
