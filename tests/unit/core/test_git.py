"""Git: who the first commit is by when git does not know the user, and what happens without git."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from scaffolder.core import git as core_git
from scaffolder.core.catalogue import load_template, resolve_template
from scaffolder.core.errors import GitIdentityMissing, GitMissing
from scaffolder.core.generate import generate
from scaffolder.core.settings import Settings, load_settings, save_settings
from scaffolder.core.store import Store
from tests.conftest import TEST_GIT_EMAIL, TEST_GIT_NAME
from tests.helpers.template_tree import minimal_template
from tests.helpers.template_versions import git

GLOBAL_HINT = 'git config --global user.name "Your Name"'


def author(project: Path) -> str:
    return git(project, "log", "-1", "--format=%an <%ae>|%cn <%ce>")


def local_identity(project: Path) -> str:
    return git(project, "config", "--file", ".git/config", "--get-regexp", r"^user\.")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "projects"
    folder.mkdir()
    return folder


# --- git knows who you are ------------------------------------------------------------------


def test_the_first_commit_is_by_the_identity_git_is_configured_with(out: Path) -> None:
    result = generate(resolve_template("rag"), {}, out, store=Store(), trust=True)

    expected = f"{TEST_GIT_NAME} <{TEST_GIT_EMAIL}>"
    assert author(result.project.path) == f"{expected}|{expected}"


def test_a_configured_identity_wins_over_the_app_settings_and_nothing_is_written_to_the_repo(
    tmp_path: Path, out: Path
) -> None:
    template = load_template(minimal_template(tmp_path / "tpl"))

    result = generate(
        template,
        {},
        out,
        store=Store(),
        fallback_identity=core_git.Identity("Grace Hopper", "grace@example.com"),
        trust=True,
    )

    assert author(result.project.path).startswith(TEST_GIT_NAME)
    with pytest.raises(subprocess.CalledProcessError):
        local_identity(result.project.path)  # exit 1: no user.* in the repository's config


# --- git does not know who you are ----------------------------------------------------------


@pytest.mark.parametrize("kind", ["custom", "rag"])
def test_without_any_identity_generation_says_exactly_what_to_set_and_writes_nothing(
    no_git_identity: Path, tmp_path: Path, out: Path, kind: str
) -> None:
    template = load_template(minimal_template(tmp_path / "tpl")) if kind == "custom" else resolve_template(kind)
    store = Store()

    with pytest.raises(GitIdentityMissing) as refused:
        generate(template, {}, out, store=store, trust=True)  # rag's author answers are the template's placeholders

    assert GLOBAL_HINT in str(refused.value)
    assert "git config --global user.email" in str(refused.value)
    assert list(out.iterdir()) == []
    assert store.projects() == []
    assert no_git_identity.read_bytes() == b""


def test_the_identity_from_settings_is_used_for_this_repository_only(no_git_identity: Path, out: Path) -> None:
    store = Store()
    save_settings(store, Settings(author_name="Grace Hopper", author_email="grace@example.com"))

    result = generate(
        resolve_template("agent"), {}, out, store=store, fallback_identity=load_settings(store).identity, trust=True
    )

    project = result.project.path
    assert author(project) == "Grace Hopper <grace@example.com>|Grace Hopper <grace@example.com>"
    assert local_identity(project).splitlines() == ["user.name Grace Hopper", "user.email grace@example.com"]
    assert no_git_identity.read_bytes() == b""  # the user's global config is never written
    assert git(project, "status", "--porcelain") == ""


def test_author_answers_that_differ_from_the_template_defaults_are_used_as_the_identity(
    no_git_identity: Path, out: Path
) -> None:
    answers = {"author_name": "Linus Example", "author_email": "linus@example.com"}

    result = generate(resolve_template("rag"), answers, out, store=Store(), trust=True)

    assert author(result.project.path).startswith("Linus Example <linus@example.com>")
    assert "user.name Linus Example" in local_identity(result.project.path)
    assert no_git_identity.read_bytes() == b""


def test_an_identity_in_the_repository_we_run_from_does_not_count(
    no_git_identity: Path, tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`scaffolder new` run from inside another project: that project's local user.name is not
    the new repository's, so git still does not know who the user is there."""
    elsewhere = tmp_path / "some-other-repo"
    elsewhere.mkdir()
    git(elsewhere, "init", "-q")
    git(elsewhere, "config", "user.name", "Local Only")
    git(elsewhere, "config", "user.email", "local@example.com")
    monkeypatch.chdir(elsewhere)

    with pytest.raises(GitIdentityMissing):
        generate(load_template(minimal_template(tmp_path / "tpl")), {}, out, store=Store(), trust=True)

    assert list(out.iterdir()) == []


def test_an_identity_the_global_config_includes_from_another_file_counts(
    no_git_identity: Path, tmp_path: Path, out: Path
) -> None:
    identity_file = tmp_path / "identity.gitconfig"
    identity_file.write_text("[user]\n\tname = Included Person\n\temail = included@example.com\n", encoding="utf-8")
    no_git_identity.write_text(f"[include]\n\tpath = {identity_file.as_posix()}\n", encoding="utf-8")

    result = generate(load_template(minimal_template(tmp_path / "tpl")), {}, out, store=Store(), trust=True)

    assert author(result.project.path).startswith("Included Person <included@example.com>")


# --- git is missing -------------------------------------------------------------------------


def test_without_git_on_path_generation_fails_before_rendering(
    tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    store = Store()

    with pytest.raises(GitMissing, match="git program was not found") as refused:
        generate(resolve_template("rag"), {}, out, store=store, trust=True)

    assert "Install git" in str(refused.value)
    assert list(out.iterdir()) == []
    assert store.projects() == []


def test_a_git_executable_setting_that_points_at_nothing_is_reported_as_missing_git(
    tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_PYTHON_GIT_EXECUTABLE", str(tmp_path / "no" / "git"))

    with pytest.raises(GitMissing):
        generate(resolve_template("rag"), {}, out, store=Store(), trust=True)

    assert list(out.iterdir()) == []


# --- reading repositories -------------------------------------------------------------------


def test_summarize_reports_branch_head_count_and_dirtiness(out: Path, tmp_path: Path) -> None:
    result = generate(resolve_template("rag"), {}, out, store=Store(), trust=True)
    project = result.project.path

    clean = core_git.summarize(project)
    (project / "scratch.txt").write_text("work in progress\n", encoding="utf-8")
    dirty = core_git.summarize(project)

    assert clean is not None and dirty is not None
    assert (clean.branch, clean.head, clean.commit_count, clean.dirty) == ("main", result.commit, 1, False)
    assert dirty.dirty is True
    assert clean.last_commit_at is not None and clean.last_commit_at.tzinfo is not None
    assert clean.last_commit_at == datetime.fromisoformat(git(project, "log", "-1", "--format=%cI"))
    assert core_git.summarize(tmp_path / "tpl-nothing") is None
    assert core_git.is_repository(project) and not core_git.is_repository(tmp_path)


def test_summarize_a_detached_head_and_a_repository_without_commits(out: Path, tmp_path: Path) -> None:
    project = generate(resolve_template("agent"), {}, out, store=Store(), trust=True).project.path
    git(project, "checkout", "--quiet", "--detach")
    empty = tmp_path / "empty"
    git(tmp_path, "init", "--quiet", "-b", "trunk", str(empty))

    detached, unborn = core_git.summarize(project), core_git.summarize(empty)

    assert detached is not None and (detached.branch, detached.commit_count) == (None, 1)
    assert unborn is not None
    assert (unborn.branch, unborn.head, unborn.last_commit_at, unborn.commit_count) == ("trunk", None, None, 0)


# --- the user's own git configuration -------------------------------------------------------


def test_the_users_global_gitignore_does_not_drop_template_files_from_the_first_commit(
    isolated_user: Path, tmp_path: Path, out: Path
) -> None:
    """Many people ignore .vscode/, .env or *.log globally; a template that ships such a file
    still commits it, while its own .gitignore keeps working."""
    global_ignore = tmp_path / "global-ignore"
    global_ignore.write_text(".vscode/\n*.log\n", encoding="utf-8")
    with (isolated_user / ".gitconfig").open("a", encoding="utf-8") as config:
        config.write(f"[core]\n\texcludesFile = {global_ignore.as_posix()}\n")
    template = load_template(
        minimal_template(
            tmp_path / "tpl",
            files={
                "{{cookiecutter.project_slug}}/.vscode/settings.json": "{}\n",
                "{{cookiecutter.project_slug}}/docs/changes.log": "v1\n",
                "{{cookiecutter.project_slug}}/.gitignore": "/build/\n",
                "hooks/post_gen_project.py": "import os\nos.makedirs('build')\nopen('build/artifact', 'w').write('x')\n",
            },
        )
    )

    result = generate(template, {}, out, store=Store(), accept_hooks=True)

    tracked = git(result.project.path, "ls-files").splitlines()
    assert ".vscode/settings.json" in tracked and "docs/changes.log" in tracked
    assert "build/artifact" not in tracked  # the project's own .gitignore still applies
    assert git(result.project.path, "status", "--porcelain", "--untracked-files=all") == ""


def git_version() -> tuple[int, ...]:
    words = git(Path.cwd(), "version").split()  # "git version 2.47.3" (".windows.1" on Windows)
    return tuple(int(part) for part in words[2].split(".")[:2])


@pytest.mark.skipif(git_version() < (2, 45), reason="git before 2.45 makes only files-backed repositories")
def test_a_user_whose_git_makes_reftable_repositories_still_gets_a_working_project(
    isolated_user: Path, out: Path
) -> None:
    """init.defaultRefFormat = reftable (the default from Git 3.0): the app reads refs as
    files, so it creates the project's repository with files; git itself is happy either way."""
    with (isolated_user / ".gitconfig").open("a", encoding="utf-8") as config:
        config.write("[init]\n\tdefaultRefFormat = reftable\n")

    result = generate(resolve_template("rag"), {}, out, store=Store(), trust=True)

    project = result.project.path
    assert git(project, "rev-parse", "--show-ref-format") == "files"
    assert git(project, "rev-parse", "HEAD", core_git.TEMPLATE_REF).splitlines() == [result.commit] * 2
    assert core_git.summarize(project).branch == "main"


@pytest.mark.skipif(git_version() < (2, 45), reason="git before 2.45 cannot make a reftable repository")
def test_a_reftable_repository_the_user_imports_is_summarized_like_any_other(tmp_path: Path) -> None:
    repo = tmp_path / "reftable-repo"
    git(tmp_path, "init", "--quiet", "--ref-format=reftable", "-b", "main", str(repo))
    (repo / "README.md").write_text("# Mine\n", encoding="utf-8")
    git(repo, "add", "README.md")
    git(repo, "commit", "--quiet", "-m", "First")

    summary = core_git.summarize(repo)

    assert summary is not None
    assert (summary.branch, summary.head, summary.commit_count, summary.dirty) == (
        "main",
        git(repo, "rev-parse", "HEAD"),
        1,
        False,
    )


def test_gitpython_can_be_imported_on_another_thread_while_this_one_waits(tmp_path: Path) -> None:
    """What `scaffolder new` does while a template's post-generation hook runs; in a fresh
    interpreter, so that the import really happens. Without git on PATH it stays quiet:
    the check for git, before anything is rendered, is what tells the user."""
    script = (
        "import sys, threading\n"
        "from scaffolder.core import git\n"
        "git.import_in_background()\n"
        "workers = [t for t in threading.enumerate() if t.name == 'import-gitpython']\n"
        "for worker in workers: worker.join()\n"
        "print(len(workers), 'git' in sys.modules)\n"
    )
    with_git = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    without_git = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": str(tmp_path)},
    )

    assert (with_git.stdout, with_git.stderr) == ("1 True\n", "")
    assert without_git.returncode == 0 and without_git.stderr == ""
