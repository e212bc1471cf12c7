"""`scaffolder update` as a user runs it, in its own process: a project made from version 1 of
a template kept in git, edited and committed, then the template moves to version 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import qt_modules_imported_by
from tests.helpers.template_tree import tree_snapshot
from tests.helpers.template_versions import git, move_to_v2, template_v1
from tests.integration.test_cli_portfolio import ok, scaffolder


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


@pytest.fixture
def template_dir(tmp_path: Path) -> Path:
    return template_v1(tmp_path / "demo-template")


@pytest.fixture
def project(template_dir: Path, tmp_path: Path, workdir: Path) -> Path:
    created = ok(
        "new", str(template_dir), "--trust", "--no-input", "-o", str(tmp_path / "projects"), "--json", cwd=workdir
    )
    path = Path(created["path"])
    (path / "README.md").write_text("# Demo Project\n\nMy own README.\n")
    git(path, "commit", "-q", "-am", "My README")
    return path


def test_list_and_status_say_when_an_update_is_available(project: Path, template_dir: Path, workdir: Path) -> None:
    assert ok("list", "--json", cwd=workdir)[0]["template_update"] is None
    move_to_v2(template_dir)

    listed = ok("list", "--json", cwd=workdir)[0]["template_update"]
    assert listed == {"recorded": "1.0.0", "available": "2.0.0", "text": "Template 1.0.0 → 2.0.0 available"}
    assert "template 1.0.0 → 2.0.0 available" in ok("list", cwd=workdir)
    assert "Template 1.0.0 → 2.0.0 available: scaffolder update 'Demo Project'" in ok(
        "status", "Demo Project", "--offline", cwd=workdir
    )
    assert "Template 1.0.0 → 2.0.0 available" in ok("status", "--offline", cwd=workdir)
    status = ok("status", "Demo Project", "--offline", "--json", cwd=workdir)
    assert status["projects"][0]["template_update"]["available"] == "2.0.0"


def test_dry_run_shows_the_files_and_diffs_and_changes_nothing(
    project: Path, template_dir: Path, workdir: Path
) -> None:
    move_to_v2(template_dir)
    before = tree_snapshot(project)

    preview = ok("update", "Demo Project", "--trust", "--dry-run", "--json", cwd=workdir)
    text = ok("update", "Demo Project", "--trust", "--dry-run", cwd=workdir)

    assert preview["dry_run"] and not preview["up_to_date"]
    assert (preview["recorded_version"], preview["current_version"]) == ("1.0.0", "2.0.0")
    assert [q["name"] for q in preview["new_questions"]] == ["ci_provider"]
    assert {c["path"]: c["status"] for c in preview["changes"]}["OLD_NOTES.md"] == "deleted"
    assert "+workers = 2" in next(c["diff"] for c in preview["changes"] if c["path"] == "settings.toml")
    assert "deleted   OLD_NOTES.md" in text and "+workers = 2" in text
    assert tree_snapshot(project) == before


def test_update_merges_with_an_answer_set_on_the_command_line(project: Path, template_dir: Path, workdir: Path) -> None:
    move_to_v2(template_dir)

    result = ok("update", "Demo Project", "--trust", "--no-input", "--set", "ci_provider=gitlab", "--json", cwd=workdir)

    assert result["outcome"] == "merged" and result["conflicts"] == []
    assert (project / "CI.md").read_text() == "CI runs on gitlab.\n"
    assert (project / "README.md").read_text() == "# Demo Project\n\nMy own README.\n"
    assert git(project, "log", "-1", "--format=%P").split()[1] == result["template_commit"]
    assert ok("list", "--json", cwd=workdir)[0]["template_update"] is None
    again = ok("update", "Demo Project", "--trust", "--no-input", "--json", cwd=workdir)
    assert again["up_to_date"]


def test_a_conflict_exits_1_and_says_how_to_finish(project: Path, template_dir: Path, workdir: Path) -> None:
    (project / "settings.toml").write_text("[server]\nport = 8000\nworkers = 8\n")
    git(project, "commit", "-q", "-am", "Eight workers")
    move_to_v2(template_dir)

    result = scaffolder("update", "Demo Project", "--trust", "--no-input", cwd=workdir)

    assert result.returncode == 1
    assert "settings.toml" in result.stdout and "git merge --continue" in result.stdout
    assert (project / ".git" / "MERGE_HEAD").exists()


def test_refusals_are_sentences_and_change_nothing(project: Path, template_dir: Path, workdir: Path) -> None:
    move_to_v2(template_dir)
    (project / "README.md").write_text("unsaved thoughts\n")
    before = tree_snapshot(project)

    dirty = scaffolder("update", "Demo Project", "--trust", "--no-input", cwd=workdir)

    assert dirty.returncode == 1 and "Traceback" not in dirty.stderr
    assert "error: " in dirty.stderr and "1 uncommitted change;" in dirty.stderr
    assert tree_snapshot(project) == before
    git(project, "checkout", "README.md")
    git(project, "update-ref", "-d", "refs/scaffolder/template")
    unlinked = scaffolder("update", "Demo Project", "--trust", "--no-input", cwd=workdir)
    assert unlinked.returncode == 1 and "scaffolder update 'Demo Project' --link" in unlinked.stderr
    linking = scaffolder("update", "Demo Project", "--trust", "--link", cwd=workdir)
    assert linking.returncode == 1 and "the template is now at 2.0.0" in linking.stderr
    assert "Traceback" not in unlinked.stderr + linking.stderr


def test_link_then_update(project: Path, template_dir: Path, workdir: Path) -> None:
    git(project, "update-ref", "-d", "refs/scaffolder/template")

    linked = ok("update", "Demo Project", "--trust", "--link", "--json", cwd=workdir)
    move_to_v2(template_dir)
    result = ok("update", "Demo Project", "--trust", "--no-input", "--json", cwd=workdir)

    assert linked["linked"] and result["outcome"] == "merged"
    assert (project / "README.md").read_text() == "# Demo Project\n\nMy own README.\n"
    assert (project / "CI.md").read_text() == "CI runs on github.\n"


def test_update_never_imports_qt(project: Path, template_dir: Path, workdir: Path) -> None:
    move_to_v2(template_dir)
    commands = [
        ["update", "Demo Project", "--trust", "--dry-run"],
        ["update", "Demo Project", "--trust", "--no-input"],
        ["status", "--offline"],
    ]

    assert qt_modules_imported_by(commands, cwd=workdir) == []
    assert (project / "CI.md").exists()
