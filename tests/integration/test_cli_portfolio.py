"""The command line as a user runs it: `python -m scaffolder …` in its own process, from a
directory that is not the checkout, with the test's isolated HOME, git config and portfolio."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.cli import qt_modules_imported_by, run_scaffolder, run_scaffolder_on_a_terminal
from tests.helpers.template_tree import minimal_template, tree_snapshot

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def scaffolder(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_scaffolder(*args, cwd=cwd, stdin=stdin or "")


def ok(*args: str, cwd: Path) -> Any:
    result = scaffolder(*args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout


def test_help_documents_each_command(workdir: Path) -> None:
    top = ok("--help", cwd=workdir)

    for command in ("templates", "new", "list", "import", "forget"):
        assert command in top
        sub = ok(command, "--help", cwd=workdir)
        assert f"usage: scaffolder {command}" in sub
    new_help = ok("new", "--help", cwd=workdir)
    for option in ("--output-dir", "--set KEY=VALUE", "--no-input", "--json", "--trust", "--accept-hooks"):
        assert option in new_help


def test_templates_json_lists_the_bundled_templates_and_their_questions(workdir: Path) -> None:
    templates = ok("templates", "--json", cwd=workdir)

    assert [t["name"] for t in templates] == ["rag", "agent", "fullstack"]
    for template in templates:
        questions = {q["name"]: q for q in template["questions"]}
        assert questions["project_name"]["kind"] == "text"
        assert questions["project_slug"]["default"]  # rendered, not the Jinja expression
        assert "{{" not in questions["project_slug"]["default"]
        assert Path(template["path"]).is_dir()


def test_new_generates_commits_and_registers_and_list_shows_it(workdir: Path, tmp_path: Path) -> None:
    out = tmp_path / "projects"

    created = ok(
        "new", "rag", "--no-input", "-o", str(out), "--set", "project_name=Legal Search", "--json", cwd=workdir
    )

    project = Path(created["path"])
    assert project == (out / "legal-search").resolve() and project.is_dir()
    assert created["kind"] == "rag" and created["name"] == "Legal Search"
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True, check=True)
    assert head.stdout.strip() == created["commit"]
    listed = ok("list", "--json", cwd=workdir)
    assert [{k: p[k] for k in ("name", "kind", "path", "exists")} for p in listed] == [
        {"name": "Legal Search", "kind": "rag", "path": str(project), "exists": True}
    ]
    assert "Legal Search" in ok("list", cwd=workdir)


def test_new_without_json_says_where_the_project_is(workdir: Path, tmp_path: Path) -> None:
    text = ok("new", "agent", "--no-input", "-o", str(tmp_path / "out"), cwd=workdir)

    assert "Created" in text and str((tmp_path / "out").resolve()) in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "license=WTFPL"], "Choose one of"),
        (["--set", "project_slug=../escape"], "not allowed"),
        (["--set", "nonsense"], "KEY=VALUE"),
        (["--set", "no_such_question=1"], "has no question"),
    ],
)
def test_new_failures_exit_non_zero_with_the_message_on_stderr_and_write_nothing(
    workdir: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "projects"

    result = scaffolder("new", "rag", "--no-input", "-o", str(out), *args, "--json", cwd=workdir)

    assert result.returncode != 0
    assert message in result.stderr and result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [workdir] and list(workdir.iterdir()) == []
    assert ok("list", "--json", cwd=workdir) == []


def test_new_into_a_non_empty_folder_is_refused_and_leaves_it_alone(workdir: Path, tmp_path: Path) -> None:
    from scaffolder.core.catalogue import render_context, resolve_template

    target = tmp_path / "projects" / render_context(resolve_template("rag"), {})["project_slug"]
    target.mkdir(parents=True)
    (target / "mine.txt").write_text("keep me\n", encoding="utf-8")
    before = tree_snapshot(tmp_path / "projects")

    result = scaffolder("new", "rag", "--no-input", "-o", str(tmp_path / "projects"), cwd=workdir)

    assert result.returncode == 1 and "not empty" in result.stderr
    assert tree_snapshot(tmp_path / "projects") == before


def test_new_without_a_git_identity_says_what_to_set(no_git_identity: Path, workdir: Path, tmp_path: Path) -> None:
    result = scaffolder("new", "rag", "--no-input", "-o", str(tmp_path / "out"), cwd=workdir)

    assert result.returncode == 1
    assert 'git config --global user.name "Your Name"' in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_custom_template_by_path_with_hooks_needs_trust_and_the_old_accept_hooks_still_works(
    workdir: Path, tmp_path: Path
) -> None:
    template = minimal_template(
        tmp_path / "tpl", files={"hooks/post_gen_project.py": "open('hooked.txt', 'w').write('yes')\n"}
    )
    out = tmp_path / "out"

    refused = scaffolder("new", str(template), "--no-input", "-o", str(out), cwd=workdir)
    created = ok("new", str(template), "--no-input", "--accept-hooks", "-o", str(out), "--json", cwd=workdir)

    assert refused.returncode == 1 and "--trust" in refused.stderr and "hooks/post_gen_project.py" in refused.stderr
    assert created["kind"] == "custom"
    assert (Path(created["path"]) / "hooked.txt").read_text(encoding="utf-8") == "yes"


def test_settings_prefill_does_not_break_a_template_without_author_questions(
    no_git_identity: Path, workdir: Path, tmp_path: Path
) -> None:
    from scaffolder.core.settings import Settings, save_settings
    from scaffolder.core.store import Store

    save_settings(Store(), Settings(author_name="Grace Hopper", author_email="grace@example.com"))
    template = minimal_template(tmp_path / "tpl")

    created = ok("new", str(template), "--no-input", "--trust", "-o", str(tmp_path / "out"), "--json", cwd=workdir)

    log = subprocess.run(
        ["git", "log", "-1", "--format=%an <%ae>"], cwd=created["path"], capture_output=True, text=True, check=True
    )
    assert log.stdout.strip() == "Grace Hopper <grace@example.com>"  # the settings' identity, for this repo


def test_import_and_forget_round_trip_without_touching_files(workdir: Path, tmp_path: Path) -> None:
    repo = tmp_path / "side-project"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "notes.md").write_text("# notes\n", encoding="utf-8")
    before = tree_snapshot(repo)

    imported = ok("import", str(repo), "--json", cwd=workdir)
    listed = ok("list", "--json", cwd=workdir)
    forgotten = ok("forget", "side-project", "--json", cwd=workdir)

    assert imported == {"name": "side-project", "kind": "custom", "path": str(repo.resolve())}
    assert [(p["name"], p["kind"], p["exists"]) for p in listed] == [("side-project", "custom", True)]
    assert forgotten["forgotten"] is True
    assert ok("list", "--json", cwd=workdir) == []
    assert tree_snapshot(repo) == before


def test_import_of_a_folder_that_is_not_a_repository_fails(workdir: Path, tmp_path: Path) -> None:
    result = scaffolder("import", str(tmp_path), cwd=workdir)

    assert result.returncode == 1 and "not a git repository" in result.stderr


def test_forget_of_an_unknown_project_fails(workdir: Path) -> None:
    result = scaffolder("forget", "Nope", cwd=workdir)

    assert result.returncode == 1 and "No project named 'Nope'" in result.stderr


def test_a_deleted_project_is_listed_as_missing(workdir: Path, tmp_path: Path) -> None:
    import shutil

    created = ok("new", "fullstack", "--no-input", "-o", str(tmp_path / "out"), "--json", cwd=workdir)
    shutil.rmtree(created["path"])

    [listed] = ok("list", "--json", cwd=workdir)
    assert listed["exists"] is False
    assert "(missing)" in ok("list", cwd=workdir)


def test_new_without_output_dir_uses_the_projects_folder_in_home(workdir: Path, isolated_user: Path) -> None:
    created = ok("new", "agent", "--no-input", "--json", cwd=workdir)

    assert Path(created["path"]).parent == (isolated_user / "portfolio").resolve()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_new_asks_each_question_on_a_terminal_with_rendered_defaults(workdir: Path, tmp_path: Path) -> None:
    template = minimal_template(
        tmp_path / "tpl",
        flavour=["{{ cookiecutter.project_slug }}-classic", "plain"],
        license=["MIT", "BSD-3-Clause"],
        files={"{{cookiecutter.project_slug}}/choices.txt": "{{ cookiecutter.flavour }} {{ cookiecutter.license }}\n"},
    )
    # The template is agreed to first (its defaults are code); project_name typed; slug and
    # flavour (a templated choice) take their rendered defaults; an invalid license is asked
    # again, then answered.
    code, stdout, stderr = run_scaffolder_on_a_terminal(
        "new",
        str(template),
        "-o",
        str(tmp_path / "out"),
        "--json",
        typed=b"y\nPty Project\n\n\nGPL\nBSD-3-Clause\n",
        cwd=workdir,
    )
    assert code == 0, stderr
    created = json.loads(stdout[stdout.index('{\n  "name"') :])  # after the prompts
    project = Path(created["path"])
    assert project.name == "pty-project"
    assert (project / "choices.txt").read_text(encoding="utf-8") == "pty-project-classic BSD-3-Clause\n"
    assert "'GPL' is not one of the choices" in stderr
    assert "its files are code" in stderr and "Trust this template and run it?" in stdout


def test_json_output_stays_parseable_when_a_templates_hooks_print(workdir: Path, tmp_path: Path) -> None:
    template = minimal_template(
        tmp_path / "tpl",
        files={
            "hooks/pre_gen_project.py": "print('checking answers...')\n",
            "hooks/post_gen_project.py": "import sys\nprint('all done!')\nsys.stdout.flush()\n",
        },
    )

    result = scaffolder(
        "new", str(template), "--no-input", "--accept-hooks", "-o", str(tmp_path / "o"), "--json", cwd=workdir
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["kind"] == "custom"  # the whole of stdout is the JSON document
    assert "checking answers..." in result.stderr and "all done!" in result.stderr


def test_the_command_line_never_imports_qt(workdir: Path, tmp_path: Path) -> None:
    """`scaffolder new` must not pay for Qt: only `scaffolder` with no arguments opens the GUI."""
    commands = [["new", "rag", "--no-input", "-o", str(tmp_path / "out")], ["list", "--json"], ["templates"]]

    assert qt_modules_imported_by(commands, cwd=workdir) == []
