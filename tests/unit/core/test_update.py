"""Updating a generated project from version 2 of its template: real git repositories in temp
folders, the template in its own repository, the user's edits committed in the project."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from scaffolder.core.catalogue import load_template
from scaffolder.core.errors import HooksNotApproved, TemplateError, UserError
from scaffolder.core.generate import generate
from scaffolder.core.git import TEMPLATE_REF
from scaffolder.core.portfolio import import_project
from scaffolder.core.store import Project, Store
from scaffolder.core.update import (
    NoTemplateRef,
    UpdateOutcome,
    apply_update,
    available_update,
    link_template,
    plan_update,
)
from tests.helpers.template_tree import tree_snapshot
from tests.helpers.template_versions import APP_V1, git, move_to_v2, template_v1


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def template_dir(tmp_path: Path) -> Path:
    return template_v1(tmp_path / "demo-template")


@pytest.fixture
def project(template_dir: Path, tmp_path: Path, store: Store) -> Project:
    """Generated from 1.0.0, then edited by its user: README (the template never touches it),
    app.py (the template changes another line of it), a new NOTES.md; all committed."""
    result = generate(load_template(template_dir), {}, tmp_path / "projects", store=store, trust=True)
    path = result.project.path
    readme = path / "README.md"
    readme.write_text(readme.read_text() + "\nMy own words about the project.\n")
    app = path / "src" / "app.py"
    app.write_text(app.read_text().replace("print(GREETING, NAME)", "print(GREETING, NAME, flush=True)"))
    (path / "NOTES.md").write_text("My notes.\n")
    git(path, "add", "--all")
    git(path, "commit", "-q", "-m", "My changes")
    return result.project


def whole_repository(path: Path) -> dict[str, bytes]:
    """Every file of the project and of its .git, to show a refusal or a dry run changed nothing."""
    return tree_snapshot(path)


def test_update_keeps_the_users_changes_applies_the_templates_and_answers_the_new_question(
    project: Project, template_dir: Path, store: Store
) -> None:
    path = project.path
    first_pristine = git(path, "rev-parse", TEMPLATE_REF)
    move_to_v2(template_dir)

    plan = plan_update(project, accept_hooks=True)

    assert (plan.recorded_version, plan.current_version) == ("1.0.0", "2.0.0")
    assert [(q.question.name, q.default) for q in plan.new_questions] == [("ci_provider", "github")]
    statuses = {c.path: c.status for c in plan.changes}
    assert statuses == {
        ".cookiecutter.json": "modified",
        ".scaffolder/answers.json": "modified",  # the app's own record, beside cookiecutter's replay file
        "src/app.py": "modified",
        "settings.toml": "modified",
        "CI.md": "added",
        "OLD_NOTES.md": "deleted",
    }
    assert '+GREETING = "hello, world"' in plan.change("src/app.py").diff
    for change in plan.changes:  # each file's own diff, nobody else's
        assert change.diff.splitlines()[0].startswith(f"diff --git a/{change.path} b/{change.path}")
        assert change.diff.count("diff --git") == 1

    result = apply_update(plan, {}, store=store)

    assert result.outcome is UpdateOutcome.MERGED, result.message
    assert "My own words about the project." in (path / "README.md").read_text()  # user-only: kept
    assert (path / "NOTES.md").read_text() == "My notes.\n"  # the user's own file: kept
    assert (path / "settings.toml").read_text().endswith("workers = 2\n")  # template-only: applied
    app = (path / "src" / "app.py").read_text()  # both changed, different lines: merged
    assert 'GREETING = "hello, world"' in app and "print(GREETING, NAME, flush=True)" in app
    assert not (path / "OLD_NOTES.md").exists()  # deleted by the template, untouched by the user
    assert (path / "CI.md").read_text() == "CI runs on github.\n"  # the new question's default
    assert git(path, "status", "--porcelain") == ""
    # The pristine history: the v2 output's commit, child of the v1 output's, is what the ref names.
    new_pristine = git(path, "rev-parse", TEMPLATE_REF)
    assert new_pristine == result.template_commit != first_pristine
    assert git(path, "rev-parse", f"{new_pristine}^") == first_pristine
    assert git(path, "show", f"{new_pristine}:settings.toml").endswith("workers = 2")
    assert git(path, "show", f"{new_pristine}:src/app.py") == APP_V1.replace("hello", "hello, world").replace(
        "{{ cookiecutter.project_slug }}", "demo-project"
    ).rstrip("\n")
    # The branch has an update merge commit whose second parent is the v2 output.
    head_parents = git(path, "log", "-1", "--format=%P").split()
    assert head_parents[1] == new_pristine and result.merge_commit == git(path, "rev-parse", "HEAD")
    assert "Update from template demo-template 1.0.0 → 2.0.0" in git(path, "log", "-1", "--format=%s")
    # The project now records the new version and the new answer, in its file and the portfolio.
    assert available_update(store.get(project.id)) is None
    assert store.get(project.id).template_version == "2.0.0"
    assert store.get(project.id).answers["ci_provider"] == "github"


def test_an_answer_given_to_the_new_question_is_used(project: Project, template_dir: Path) -> None:
    move_to_v2(template_dir)

    result = apply_update(plan_update(project, accept_hooks=True), {"ci_provider": "gitlab"})

    assert result.outcome is UpdateOutcome.MERGED
    assert (project.path / "CI.md").read_text() == "CI runs on gitlab.\n"
    assert '"ci_provider": "gitlab"' in (project.path / ".cookiecutter.json").read_text()


def test_a_recorded_answer_the_new_version_no_longer_offers_is_asked_again(
    template_dir: Path, tmp_path: Path, store: Store
) -> None:
    config = template_dir / "cookiecutter.json"
    config.write_text(
        config.read_text().replace('"_template_version"', '"database": ["sqlite", "mysql"],\n  "_template_version"')
    )
    git(template_dir, "commit", "-q", "-am", "a database question")
    made = generate(load_template(template_dir), {"database": "mysql"}, tmp_path / "projects", store=store, trust=True)
    move_to_v2(template_dir)  # its cookiecutter.json has no database question: add one without mysql
    config.write_text(
        config.read_text().replace('"_template_version"', '"database": ["sqlite", "postgres"],\n  "_template_version"')
    )

    plan = plan_update(made.project, accept_hooks=True)

    assert {q.question.name: q.default for q in plan.new_questions} == {"database": "sqlite", "ci_provider": "github"}
    assert "database" not in plan.recorded_answers


def test_a_bad_answer_is_refused_with_a_sentence_and_nothing_changes(project: Project, template_dir: Path) -> None:
    move_to_v2(template_dir)
    plan = plan_update(project, accept_hooks=True)
    before = whole_repository(project.path)

    with pytest.raises(UserError, match="not one of the choices for ci_provider"):
        apply_update(plan, {"ci_provider": "jenkins"})

    assert whole_repository(project.path) == before


def test_a_template_that_moved_on_since_the_plan_is_refused(project: Project, template_dir: Path) -> None:
    move_to_v2(template_dir)
    plan = plan_update(project, accept_hooks=True)
    config = template_dir / "cookiecutter.json"
    config.write_text(config.read_text().replace('"2.0.0"', '"2.0.1"'))
    before = whole_repository(project.path)

    with pytest.raises(UserError, match="changed since the update was planned"):
        apply_update(plan)

    assert whole_repository(project.path) == before


def test_the_plan_is_a_dry_run_it_writes_nothing_not_even_git_objects(project: Project, template_dir: Path) -> None:
    move_to_v2(template_dir)
    before = whole_repository(project.path)

    plan = plan_update(project, accept_hooks=True)

    assert plan.changes
    assert whole_repository(project.path) == before


def _edit_the_line_v2_changes(project: Project, template_dir: Path) -> Path:
    """The user commits more workers; the template's version 2 changes the same line."""
    settings = project.path / "settings.toml"
    settings.write_text(settings.read_text().replace("workers = 1", "workers = 4"))
    git(project.path, "commit", "-q", "-am", "More workers")
    move_to_v2(template_dir)
    return settings


def test_both_changing_the_same_line_is_left_as_gits_conflict_with_how_to_finish(
    project: Project, template_dir: Path
) -> None:
    path, settings = project.path, _edit_the_line_v2_changes(project, template_dir)

    result = apply_update(plan_update(project, accept_hooks=True))

    assert result.outcome is UpdateOutcome.CONFLICTS
    assert result.conflicts == ("settings.toml",)
    assert "settings.toml" in result.message
    assert "git merge --continue" in result.message and "git merge --abort" in result.message
    text = settings.read_text()
    assert "<<<<<<<" in text and "workers = 4" in text and "workers = 2" in text
    assert (path / ".git" / "MERGE_HEAD").read_text().strip() == result.template_commit
    assert git(path, "rev-parse", TEMPLATE_REF) == result.template_commit
    # The other files merged as usual, waiting in the index for the user's `git merge --continue`.
    assert (path / "CI.md").exists() and not (path / "OLD_NOTES.md").exists()
    settings.write_text(settings.read_text().split("<<<<<<<")[0] + "workers = 4\n")
    git(path, "add", "settings.toml")
    git(path, "-c", "core.editor=true", "merge", "--continue")
    assert git(path, "log", "-1", "--format=%P").split()[1] == result.template_commit


def test_the_user_can_choose_to_back_out_of_a_conflicting_update_and_nothing_changes(
    project: Project, template_dir: Path
) -> None:
    path, settings = project.path, _edit_the_line_v2_changes(project, template_dir)
    plan = plan_update(project, accept_hooks=True)
    head, ref = git(path, "rev-parse", "HEAD"), git(path, "rev-parse", TEMPLATE_REF)
    files = tree_snapshot(path / "src") | {"settings.toml": settings.read_bytes()}

    result = apply_update(plan, abort_on_conflict=True)

    assert result.outcome is UpdateOutcome.ABORTED and result.conflicts == ("settings.toml",)
    assert "backed out" in result.message
    assert (git(path, "rev-parse", "HEAD"), git(path, "rev-parse", TEMPLATE_REF)) == (head, ref)
    assert git(path, "status", "--porcelain") == ""
    assert tree_snapshot(path / "src") | {"settings.toml": settings.read_bytes()} == files


def test_a_file_the_template_deletes_stays_when_the_user_changed_it(project: Project, template_dir: Path) -> None:
    path = project.path
    (path / "OLD_NOTES.md").write_text("Notes I still need.\n")
    git(path, "commit", "-q", "-am", "Keep my notes")
    move_to_v2(template_dir)

    result = apply_update(plan_update(project, accept_hooks=True))

    assert result.outcome is UpdateOutcome.CONFLICTS and result.conflicts == ("OLD_NOTES.md",)
    assert (path / "OLD_NOTES.md").read_text() == "Notes I still need.\n"


def test_a_second_update_merges_from_the_first_updates_output(project: Project, template_dir: Path) -> None:
    move_to_v2(template_dir)
    apply_update(plan_update(project, accept_hooks=True))
    cookiecutter_json = template_dir / "cookiecutter.json"
    cookiecutter_json.write_text(cookiecutter_json.read_text().replace('"2.0.0"', '"2.1.0"'))
    (template_dir / "{{cookiecutter.project_slug}}" / "settings.toml").write_text(
        "[server]\nport = 9000\nworkers = 2\n"
    )
    second = plan_update(project, accept_hooks=True)

    assert {c.path for c in second.changes} == {".cookiecutter.json", ".scaffolder/answers.json", "settings.toml"}
    assert apply_update(second).outcome is UpdateOutcome.MERGED
    assert (project.path / "settings.toml").read_text() == "[server]\nport = 9000\nworkers = 2\n"
    assert (project.path / "NOTES.md").exists() and not (project.path / "OLD_NOTES.md").exists()


def test_a_file_the_user_renamed_still_gets_the_templates_change(project: Project, template_dir: Path) -> None:
    path = project.path
    git(path, "mv", "src/app.py", "src/main.py")
    git(path, "commit", "-q", "-m", "app.py is main.py now")
    move_to_v2(template_dir)

    result = apply_update(plan_update(project, accept_hooks=True))

    assert result.outcome is UpdateOutcome.MERGED, result.message
    assert not (path / "src" / "app.py").exists()
    main = (path / "src" / "main.py").read_text()
    assert 'GREETING = "hello, world"' in main and "print(GREETING, NAME, flush=True)" in main


def test_a_missing_project_folder_is_refused_with_a_sentence(project: Project, template_dir: Path) -> None:
    project.path.rename(project.path.with_name("moved"))

    with pytest.raises(UserError, match="folder of Demo Project is missing"):
        plan_update(project, accept_hooks=True)


# --- refusals: each a sentence, nothing changed ---------------------------------------------


def test_an_uncommitted_change_is_refused_and_nothing_changes(project: Project, template_dir: Path) -> None:
    move_to_v2(template_dir)
    plan = plan_update(project, accept_hooks=True)
    (project.path / "README.md").write_text("half-finished edit\n")
    (project.path / "scratch.txt").write_text("untracked\n")
    before = whole_repository(project.path)

    for attempt in (lambda: plan_update(project, accept_hooks=True), lambda: apply_update(plan)):
        with pytest.raises(UserError, match="2 uncommitted changes") as refused:
            attempt()
        assert "git stash -u" in refused.value.hint
    assert whole_repository(project.path) == before


def test_a_detached_head_is_refused(project: Project, template_dir: Path) -> None:
    git(project.path, "checkout", "-q", "--detach")
    move_to_v2(template_dir)
    before = whole_repository(project.path)

    with pytest.raises(UserError, match="detached HEAD"):
        plan_update(project, accept_hooks=True)

    assert whole_repository(project.path) == before


def test_a_merge_in_progress_is_refused(project: Project, template_dir: Path) -> None:
    path = project.path
    git(path, "checkout", "-q", "-b", "side")
    (path / "README.md").write_text("side\n")
    git(path, "commit", "-q", "-am", "side")
    git(path, "checkout", "-q", "main")
    (path / "README.md").write_text("main\n")
    git(path, "commit", "-q", "-am", "main")
    stopped = subprocess.run(["git", "merge", "-q", "side"], cwd=path, capture_output=True)
    assert stopped.returncode != 0  # a conflicting merge, stopped
    git(path, "add", "README.md")  # resolved but not concluded: the tree is clean, MERGE_HEAD remains
    move_to_v2(template_dir)

    with pytest.raises(UserError, match="middle of a merge"):
        plan_update(project, accept_hooks=True)


def test_a_project_without_the_template_ref_is_refused_and_offered_a_link(project: Project, template_dir: Path) -> None:
    path = project.path
    git(path, "update-ref", "-d", TEMPLATE_REF)
    before = whole_repository(path)

    with pytest.raises(NoTemplateRef) as refused:
        plan_update(project, accept_hooks=True)

    assert "--link" in refused.value.hint
    assert whole_repository(path) == before


def test_link_in_a_clone_finds_the_first_commit_and_a_later_update_keeps_the_users_changes(
    project: Project, template_dir: Path, tmp_path: Path, store: Store
) -> None:
    """The hidden ref is not pushed, so a clone has none; its first commit is the template's output."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(project.path), str(clone))
    assert git(clone, "for-each-ref", "refs/scaffolder") == ""
    cloned = import_project(store, clone, "Cloned")
    head = git(clone, "rev-parse", "HEAD")

    pristine = link_template(cloned, accept_hooks=True)

    assert pristine == git(clone, "rev-list", "--max-parents=0", "HEAD") == git(clone, "rev-parse", TEMPLATE_REF)
    assert git(clone, "rev-parse", "HEAD") == head  # nothing new on the branch
    move_to_v2(template_dir)
    result = apply_update(plan_update(cloned, accept_hooks=True))
    assert result.outcome is UpdateOutcome.MERGED, result.message
    assert "My own words about the project." in (clone / "README.md").read_text()
    assert "print(GREETING, NAME, flush=True)" in (clone / "src" / "app.py").read_text()
    assert (clone / "settings.toml").read_text().endswith("workers = 2\n")
    assert not (clone / "OLD_NOTES.md").exists()


def test_link_in_a_repository_without_the_templates_output_records_it_as_merged(
    project: Project, template_dir: Path, tmp_path: Path, store: Store
) -> None:
    """Files copied into a new repository: no commit is the template's output, so link commits it
    and merges it with `-s ours`; the files do not change and later updates merge from it."""
    copy = tmp_path / "copied"
    shutil.copytree(project.path, copy, ignore=shutil.ignore_patterns(".git"))
    git(copy, "init", "-q", "-b", "main")
    git(copy, "add", "--all")
    git(copy, "commit", "-q", "-m", "Imported")
    copied = import_project(store, copy, "Copied")
    files_before = {k: v for k, v in tree_snapshot(copy).items() if not k.startswith(".git/")}

    pristine = link_template(copied, accept_hooks=True)

    assert git(copy, "rev-parse", TEMPLATE_REF) == pristine
    assert {k: v for k, v in tree_snapshot(copy).items() if not k.startswith(".git/")} == files_before
    assert git(copy, "log", "-1", "--format=%P").split()[1] == pristine
    assert git(copy, "status", "--porcelain") == ""
    move_to_v2(template_dir)
    result = apply_update(plan_update(copied, accept_hooks=True))
    assert result.outcome is UpdateOutcome.MERGED, result.message
    assert "My own words about the project." in (copy / "README.md").read_text()
    assert "print(GREETING, NAME, flush=True)" in (copy / "src" / "app.py").read_text()
    assert (copy / "CI.md").exists() and not (copy / "OLD_NOTES.md").exists()


def test_link_needs_the_template_at_the_recorded_version(project: Project, template_dir: Path) -> None:
    git(project.path, "update-ref", "-d", TEMPLATE_REF)
    move_to_v2(template_dir)
    before = whole_repository(project.path)

    with pytest.raises(
        TemplateError, match=re.escape("made from demo-template 1.0.0, and the template is now at 2.0.0")
    ):
        link_template(project, accept_hooks=True)

    assert whole_repository(project.path) == before


def test_a_template_that_cannot_be_found_is_refused(project: Project, template_dir: Path) -> None:
    template_dir.rename(template_dir.with_name("moved-away"))

    with pytest.raises(TemplateError, match="cannot be found"):
        plan_update(project, accept_hooks=True)
    assert available_update(project) is None


def test_a_third_party_template_with_hooks_needs_consent_again(
    template_dir: Path, tmp_path: Path, store: Store
) -> None:
    hooks = template_dir / "hooks"
    hooks.mkdir()
    (hooks / "post_gen_project.py").write_text("print('hello from the hook')\n")
    git(template_dir, "add", "--all")
    git(template_dir, "commit", "-q", "-m", "hook")
    made = generate(load_template(template_dir), {}, tmp_path / "projects", store=store, accept_hooks=True)
    move_to_v2(template_dir)

    with pytest.raises(HooksNotApproved):
        plan_update(made.project)
    assert plan_update(made.project, accept_hooks=True).changes


def test_available_update_compares_the_recorded_and_current_versions(project: Project, template_dir: Path) -> None:
    assert available_update(project) is None
    move_to_v2(template_dir)

    available = available_update(project)

    assert available is not None and available.text == "Template 1.0.0 → 2.0.0 available"


def test_an_update_runs_nothing_the_repositorys_config_names(
    project: Project, template_dir: Path, tmp_path: Path
) -> None:
    """A linked, imported repository is anyone's: its merge driver, hooks and fsmonitor must not
    run when the app merges the template into it (git's own text merge is used instead)."""
    marker = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> {marker}\nexit 1\n')
    script.chmod(0o755)
    path = project.path
    git(path, "config", "merge.evil.driver", f"{script} %O %A %B")
    git(path, "config", "core.fsmonitor", str(script))
    (path / ".git" / "info").mkdir(exist_ok=True)
    (path / ".git" / "info" / "attributes").write_text("* merge=evil\n")
    for hook in ("post-merge", "pre-merge-commit", "post-checkout", "reference-transaction"):
        (path / ".git" / "hooks" / hook).write_text(f"#!/bin/sh\necho {hook} >> {marker}\n")
        (path / ".git" / "hooks" / hook).chmod(0o755)
    git(path, "-c", "core.fsmonitor=false", "status")  # the hooks and driver are live for plain git …
    move_to_v2(template_dir)

    result = apply_update(plan_update(project, accept_hooks=True))

    assert result.outcome is UpdateOutcome.MERGED
    assert "print(GREETING, NAME, flush=True)" in (path / "src" / "app.py").read_text()  # merged by git itself
    assert not marker.exists(), marker.read_text()  # … and none of them ran
