"""Generating a project: the bundled templates for real, and every way a generation can fail
leaving no trace (no folder, no staging folder, no portfolio row)."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from scaffolder.core.catalogue import load_template, resolve_template
from scaffolder.core.errors import (
    Cancelled,
    HooksNotApproved,
    InvalidAnswer,
    TargetExists,
    TemplateError,
    UserError,
)
from scaffolder.core.generate import Progress, generate, render_template
from scaffolder.core.names import ALLOWED
from scaffolder.core.paths import BUNDLED_KINDS
from scaffolder.core.store import Store
from tests.helpers.template_tree import PROJECT_DIR, minimal_template, tree_snapshot


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout.strip()


def assert_no_trace(output_dir: Path, store: Store) -> None:
    """Nothing written: the output folder holds nothing (no project, no staging folder), no row."""
    left = sorted(p.name for p in output_dir.iterdir()) if output_dir.exists() else []
    assert left == [], f"generation left {left} in {output_dir}"
    assert store.projects() == []


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "projects"
    folder.mkdir()
    return folder


# --- the bundled templates ------------------------------------------------------------------


@pytest.mark.parametrize("kind", BUNDLED_KINDS)
def test_each_bundled_template_generates_a_committed_clean_repository_on_main(
    kind: str, out: Path, store: Store
) -> None:
    template = resolve_template(kind)

    result = generate(template, {}, out, store=store, trust=True)

    project = result.project.path
    assert project.parent == out.resolve() and project.is_dir()
    # The test user's global config says init.defaultBranch = master: `main` is chosen, not inherited.
    assert git(project, "symbolic-ref", "HEAD") == "refs/heads/main"
    assert git(project, "rev-list", "--count", "HEAD") == "1"
    assert git(project, "log", "-1", "--format=%s") == f"Initial commit from {kind} template"
    assert git(project, "rev-parse", "HEAD") == result.commit
    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""
    # ...and nothing the template rendered is hidden by its own .gitignore (it would be lost on clone).
    assert git(project, "status", "--porcelain", "--untracked-files=all", "--ignored") == ""

    # The pristine template output is kept under a hidden ref: not a branch, not a tag.
    assert git(project, "rev-parse", "refs/scaffolder/template") == result.commit
    assert git(project, "for-each-ref", "--format=%(refname)", "refs/heads", "refs/tags") == "refs/heads/main"
    assert "scaffolder" not in git(project, "branch", "--all")

    # The answers travel with the project, committed.
    assert ".cookiecutter.json" in git(project, "ls-files").splitlines()
    replay = json.loads((project / ".cookiecutter.json").read_text(encoding="utf-8"))
    defaults = template.raw_context
    assert replay["cookiecutter"]["project_name"] == defaults["project_name"]
    assert replay["cookiecutter"]["project_slug"] == project.name
    assert replay["scaffolder"]["kind"] == kind

    [row] = store.projects()
    assert (row.name, row.kind, row.path, row.exists) == (defaults["project_name"], kind, project, True)
    assert row.answers["project_slug"] == project.name
    assert row.template == kind and row.template_version == template.version
    assert not list(out.glob(".scaffolder-staging-*"))


def test_the_answers_given_are_used_and_recorded(out: Path, store: Store) -> None:
    result = generate(resolve_template("rag"), {"project_name": "Legal Search"}, out, store=store, trust=True)

    assert result.project.path.name == "legal-search"
    assert result.project.name == "Legal Search"
    replay = json.loads((result.project.path / ".cookiecutter.json").read_text(encoding="utf-8"))
    assert replay["cookiecutter"]["project_name"] == "Legal Search"
    assert store.get("Legal Search").answers["project_name"] == "Legal Search"


def test_the_answers_are_written_only_into_the_project_not_into_the_users_home(
    isolated_user: Path, out: Path, store: Store
) -> None:
    """cookiecutter keeps a replay file of every generation's answers (the user's name and e-mail)
    in ~/.cookiecutter_replay/; a generation by the app writes nothing in the user's home but in
    the app's own data folder."""
    home_before = tree_snapshot(isolated_user)

    result = generate(resolve_template("agent"), {"project_name": "Private Desk"}, out, store=store, trust=True)

    assert not (isolated_user / ".cookiecutter_replay").exists()
    assert not (isolated_user / ".cookiecutters").exists()
    written = {
        path for path in set(tree_snapshot(isolated_user)) - set(home_before) if not path.startswith("scaffolder")
    }
    assert written == set(), f"the generation wrote {sorted(written)} in the user's home"
    assert json.loads((result.project.path / ".cookiecutter.json").read_text(encoding="utf-8"))


def test_progress_counts_rendered_files_then_git_steps_and_ends_at_one(tmp_path: Path, out: Path, store: Store) -> None:
    template = load_template(
        minimal_template(tmp_path / "tpl", files={f"{PROJECT_DIR}/f{i}.txt": f"{i}\n" for i in range(5)})
    )
    seen: list[Progress] = []

    generate(template, {}, out, store=store, progress=seen.append, trust=True)

    phases = [p.phase for p in seen]
    assert phases[0] == "render" and phases[-1] == "done"
    assert phases.index("git") > max(i for i, phase in enumerate(phases) if phase == "render")
    renders = [p for p in seen if p.phase == "render"]
    assert [p.done for p in renders] == sorted(p.done for p in renders)
    assert renders[-1].done == renders[-1].total == 7  # README, src/app.py and five files
    assert [p.message for p in seen if p.phase == "git"] == ["git init", "git add", "git commit"]
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_the_post_generation_hook_is_announced_once_every_file_is_rendered_and_before_it_runs(
    tmp_path: Path,
) -> None:
    """While the hook's process runs, the app imports GitPython on another thread (see
    `render_template`); the announcement must come at that moment, and cookiecutter is left
    as it was found."""
    import cookiecutter.generate as cc_generate

    original_run_hook = cc_generate.run_hook_from_repo_dir
    hook = "from pathlib import Path\nPath('hook-ran.txt').write_text('yes')\n"
    template = load_template(minimal_template(tmp_path / "tpl", files={"hooks/post_gen_project.py": hook}))
    staging = tmp_path / "staging"
    staging.mkdir()
    rendered: list[int] = []
    announced: list[tuple[int, bool]] = []

    def when_the_hook_starts() -> None:
        announced.append((rendered[-1], (staging / "demo-project" / "hook-ran.txt").exists()))

    project = render_template(
        template,
        {},
        staging,
        True,
        2,
        lambda progress: rendered.append(progress.done),
        before_post_gen_hook=when_the_hook_starts,
    )

    assert announced == [(2, False)]  # both files rendered, the hook not yet run
    assert (project / "hook-ran.txt").read_text() == "yes"
    assert cc_generate.run_hook_from_repo_dir is original_run_hook


def test_two_projects_from_the_same_template_need_different_names(out: Path, store: Store) -> None:
    generate(resolve_template("agent"), {}, out, store=store, trust=True)

    with pytest.raises(UserError, match="already has a project named"):
        generate(resolve_template("agent"), {"project_slug": "second-agent"}, out, store=store, trust=True)
    assert [p.name for p in store.projects()] == [resolve_template("agent").raw_context["project_name"]]
    assert not (out / "second-agent").exists()


# --- failures leave no trace ----------------------------------------------------------------


def test_a_failing_hook_leaves_no_folder_and_no_row(tmp_path: Path, out: Path, store: Store) -> None:
    template = load_template(
        minimal_template(tmp_path / "tpl", files={"hooks/post_gen_project.py": "import sys\nsys.exit(3)\n"})
    )

    with pytest.raises(TemplateError, match="failed"):
        generate(template, {}, out, store=store, accept_hooks=True)

    assert_no_trace(out, store)


def test_a_failing_hook_removes_an_output_folder_it_had_to_create(tmp_path: Path, store: Store) -> None:
    template = load_template(
        minimal_template(tmp_path / "tpl", files={"hooks/pre_gen_project.py": "raise SystemExit(1)\n"})
    )
    parent = tmp_path / "not" / "yet"

    with pytest.raises(TemplateError):
        generate(template, {}, parent, store=store, accept_hooks=True)

    assert not parent.exists()
    assert store.projects() == []


@pytest.mark.parametrize(
    "content",
    [
        "{{ cookiecutter.no_such_question }}\n",
        "{% if %}broken{% endif %}\n",
        "{{ cookiecutter.project_name | nofilter }}",
    ],
    ids=["undefined-variable", "syntax-error", "unknown-filter"],
)
def test_a_jinja_error_in_a_file_leaves_no_trace(tmp_path: Path, out: Path, store: Store, content: str) -> None:
    template = load_template(minimal_template(tmp_path / "tpl", files={f"{PROJECT_DIR}/zz_broken.txt": content}))

    with pytest.raises(TemplateError):
        generate(template, {}, out, store=store, trust=True)

    assert_no_trace(out, store)


def test_an_invalid_choice_is_refused_with_the_options_before_anything_is_written(out: Path, store: Store) -> None:
    with pytest.raises(InvalidAnswer) as refused:
        generate(resolve_template("rag"), {"license": "WTFPL"}, out, store=store, trust=True)

    assert "MIT" in str(refused.value) and "Apache-2.0" in str(refused.value)
    assert_no_trace(out, store)


def test_an_unknown_question_is_refused_with_the_list_of_questions(out: Path, store: Store) -> None:
    with pytest.raises(InvalidAnswer, match="project_slug"):
        generate(resolve_template("rag"), {"projectname": "typo"}, out, store=store, trust=True)

    assert_no_trace(out, store)


def test_ctrl_c_in_a_hook_leaves_no_trace(tmp_path: Path, out: Path, store: Store) -> None:
    template = load_template(
        minimal_template(tmp_path / "tpl", files={"hooks/post_gen_project.py": "raise KeyboardInterrupt\n"})
    )

    with pytest.raises(TemplateError):
        generate(template, {}, out, store=store, accept_hooks=True)

    assert_no_trace(out, store)


@pytest.mark.parametrize("when", ["render", "git"])
def test_ctrl_c_while_generating_leaves_no_trace(tmp_path: Path, out: Path, store: Store, when: str) -> None:
    """Ctrl-C arrives in the main thread wherever it is running: here, while reporting progress."""
    template = load_template(
        minimal_template(tmp_path / "tpl", files={f"{PROJECT_DIR}/f{i}.txt": "x" for i in range(4)})
    )

    def interrupt(progress: Progress) -> None:
        if progress.phase == when and progress.done >= 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate(template, {}, out, store=store, progress=interrupt, trust=True)

    assert_no_trace(out, store)


def test_ctrl_c_while_registering_rolls_the_row_back_and_leaves_no_folder(
    tmp_path: Path, out: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = load_template(minimal_template(tmp_path / "tpl"))
    real_rename = os.rename

    def interrupted_rename(src: Any, dst: Any) -> None:
        if Path(dst).parent == out.resolve():
            raise KeyboardInterrupt
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", interrupted_rename)
    with pytest.raises(KeyboardInterrupt):
        generate(template, {}, out, store=store, trust=True)
    monkeypatch.undo()

    assert_no_trace(out, store)


def test_cancelling_leaves_no_trace(tmp_path: Path, out: Path, store: Store) -> None:
    template = load_template(
        minimal_template(tmp_path / "tpl", files={f"{PROJECT_DIR}/f{i}.txt": "x" for i in range(4)})
    )
    cancel = threading.Event()
    rendered_after_cancel: list[int] = []

    def cancel_after_first_file(progress: Progress) -> None:
        if cancel.is_set() and progress.phase == "render":
            rendered_after_cancel.append(progress.done)
        if progress.phase == "render" and progress.done == 1:
            cancel.set()

    with pytest.raises(Cancelled):
        generate(template, {}, out, store=store, progress=cancel_after_first_file, cancel=cancel, trust=True)

    assert_no_trace(out, store)
    assert len(rendered_after_cancel) <= 1  # it stops at the next file, it does not finish


@pytest.mark.parametrize("errno_name", ["ENOSPC", "EACCES"])
def test_a_failing_rename_leaves_no_folder_and_no_row(
    tmp_path: Path, out: Path, store: Store, monkeypatch: pytest.MonkeyPatch, errno_name: str
) -> None:
    import errno

    template = load_template(minimal_template(tmp_path / "tpl"))
    real_rename = os.rename
    attempts: list[Path] = []

    def failing_rename(src: Any, dst: Any) -> None:
        if Path(dst).parent == out.resolve():
            attempts.append(Path(dst))
            code = getattr(errno, errno_name)
            raise OSError(code, os.strerror(code))
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", failing_rename)
    with pytest.raises(UserError, match="Nothing was kept"):
        generate(template, {}, out, store=store, trust=True)
    monkeypatch.undo()

    assert attempts == [out.resolve() / "demo-project"]
    assert_no_trace(out, store)


# --- the target folder ----------------------------------------------------------------------


def test_a_non_empty_target_is_refused_and_its_files_are_untouched(tmp_path: Path, out: Path, store: Store) -> None:
    template = load_template(minimal_template(tmp_path / "tpl"))
    target = out / "demo-project"
    (target / "notes").mkdir(parents=True)
    (target / "README.md").write_text("my own notes, not the template's\n", encoding="utf-8")
    (target / "notes" / "data.bin").write_bytes(bytes(range(256)))
    before = tree_snapshot(out)

    with pytest.raises(TargetExists, match="not empty"):
        generate(template, {}, out, store=store, trust=True)

    assert tree_snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["demo-project"]
    assert store.projects() == []


def test_a_file_where_the_target_folder_would_go_is_refused(tmp_path: Path, out: Path, store: Store) -> None:
    template = load_template(minimal_template(tmp_path / "tpl"))
    (out / "demo-project").write_text("a file\n", encoding="utf-8")

    with pytest.raises(TargetExists):
        generate(template, {}, out, store=store, trust=True)

    assert (out / "demo-project").read_text(encoding="utf-8") == "a file\n"


def test_an_empty_target_folder_is_accepted(tmp_path: Path, out: Path, store: Store) -> None:
    template = load_template(minimal_template(tmp_path / "tpl"))
    (out / "demo-project").mkdir()

    result = generate(template, {}, out, store=store, trust=True)

    assert result.project.path == out.resolve() / "demo-project"
    assert (result.project.path / "README.md").read_text(encoding="utf-8") == "# Demo Project\n"
    assert git(result.project.path, "status", "--porcelain") == ""


def test_the_output_folder_is_created_when_missing(tmp_path: Path, store: Store) -> None:
    template = load_template(minimal_template(tmp_path / "tpl"))

    result = generate(template, {}, tmp_path / "new" / "parent", store=store, trust=True)

    assert result.project.path == (tmp_path / "new" / "parent" / "demo-project").resolve()


# --- unsafe names ---------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["../x", "-rf", "a/b", "con", "x:y", "", "..", "a\\b", "LPT1.txt", " ", "x."])
def test_an_unsafe_project_slug_is_refused_before_anything_is_written(tmp_path: Path, store: Store, slug: str) -> None:
    out = tmp_path / "projects"
    out.mkdir()

    with pytest.raises(InvalidAnswer) as refused:
        generate(resolve_template("rag"), {"project_slug": slug}, out, store=store, trust=True)

    assert refused.value.question == "project_slug"
    assert ALLOWED in str(refused.value)
    assert_no_trace(out, store)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["projects"]  # nothing escaped upwards either


def test_an_unsafe_name_rendered_from_other_answers_is_refused(tmp_path: Path, out: Path, store: Store) -> None:
    """The folder name is checked after rendering, whatever question it comes from."""
    template = load_template(
        minimal_template(tmp_path / "tpl", project_slug="{{ cookiecutter.project_name }}"),
    )

    with pytest.raises(InvalidAnswer):
        generate(template, {"project_name": "../../etc"}, out, store=store, trust=True)

    assert_no_trace(out, store)


def test_a_jinja_error_is_reported_as_a_sentence_naming_the_file(tmp_path: Path, out: Path, store: Store) -> None:
    template = load_template(
        minimal_template(
            tmp_path / "tpl", files={f"{PROJECT_DIR}/zz_broken.txt": "{{ cookiecutter.no_such_question }}"}
        )
    )

    with pytest.raises(TemplateError) as failed:
        generate(template, {}, out, store=store, trust=True)

    message = str(failed.value)
    assert "zz_broken.txt" in message and "no_such_question" in message
    assert "Context:" not in message and len(message) < 400  # not cookiecutter's whole context dump


# --- third-party hooks ----------------------------------------------------------------------

HOOK_THAT_LEAVES_A_MARK = """\
from pathlib import Path
Path("hook-ran.txt").write_text("{{ cookiecutter.project_slug }}\\n", encoding="utf-8")
"""


def test_a_third_party_template_with_hooks_is_refused_until_its_hooks_are_accepted(
    tmp_path: Path, out: Path, store: Store
) -> None:
    template = load_template(
        minimal_template(tmp_path / "tpl", files={"hooks/post_gen_project.py": HOOK_THAT_LEAVES_A_MARK})
    )
    assert template.has_hooks and not template.bundled

    with pytest.raises(HooksNotApproved, match="hooks"):
        generate(template, {}, out, store=store)
    assert_no_trace(out, store)

    result = generate(template, {}, out, store=store, accept_hooks=True)

    assert (result.project.path / "hook-ran.txt").read_text(encoding="utf-8") == "demo-project\n"
    assert "hook-ran.txt" in git(result.project.path, "ls-files").splitlines()


def test_cancelling_during_the_git_steps_still_leaves_no_trace(tmp_path: Path, out: Path, store: Store) -> None:
    template = load_template(minimal_template(tmp_path / "tpl"))
    cancel = threading.Event()

    def cancel_at_commit(progress: Progress) -> None:
        if progress.phase == "git" and progress.message == "git commit":
            cancel.set()

    with pytest.raises(Cancelled):
        generate(template, {}, out, store=store, progress=cancel_at_commit, cancel=cancel, trust=True)

    assert_no_trace(out, store)


def test_a_failing_rename_gives_back_the_empty_target_folder_it_was_given(
    tmp_path: Path, out: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = load_template(minimal_template(tmp_path / "tpl"))
    (out / "demo-project").mkdir()
    real_rename = os.rename

    def failing_rename(src: Any, dst: Any) -> None:
        if Path(dst).parent == out.resolve():
            raise OSError(28, "No space left on device")
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", failing_rename)
    with pytest.raises(UserError):
        generate(template, {}, out, store=store, trust=True)
    monkeypatch.undo()

    assert [p.name for p in out.iterdir()] == ["demo-project"]
    assert list((out / "demo-project").iterdir()) == []
    assert store.projects() == []


def test_a_full_disk_while_rendering_leaves_no_trace(
    tmp_path: Path, out: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import cookiecutter.generate as cc_generate

    template = load_template(
        minimal_template(tmp_path / "tpl", files={f"{PROJECT_DIR}/f{i}.txt": "x" for i in range(4)})
    )
    real_generate_file = cc_generate.generate_file
    written: list[str] = []

    def disk_fills_up(project_dir: str, infile: str, *args: Any, **kwargs: Any) -> Any:
        if len(written) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), infile)
        written.append(infile)
        return real_generate_file(project_dir, infile, *args, **kwargs)

    monkeypatch.setattr(cc_generate, "generate_file", disk_fills_up)

    with pytest.raises(UserError, match="No space left on device") as failed:
        generate(template, {}, out, store=store, trust=True)

    assert "Nothing was kept" in str(failed.value)
    assert len(written) == 2  # it did start writing
    assert_no_trace(out, store)
