"""A hostile user's templates, built in temp folders: code the user did not agree to never runs,
nothing lands outside the project folder, hooks are bounded, and every generation ends with the
project on disk *and* in the portfolio, or neither.

Each case checks what the user would: no marker file written by the template's code, nothing
outside the output folder, no staging folder left, the portfolio agreeing with the disk, and
the sentence shown.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from scaffolder.core import store as store_module
from scaffolder.core.catalogue import load_template, render_context, resolve_template
from scaffolder.core.consent import consent_text
from scaffolder.core.errors import (
    Cancelled,
    InvalidAnswer,
    OutsideProjectFolder,
    StoreError,
    TemplateError,
    TemplateNotTrusted,
)
from scaffolder.core.generate import execute_plan, generate, plan_generation, render_template
from scaffolder.core.portfolio import import_project
from scaffolder.core.preview import preview
from scaffolder.core.staging import PREFIX, leftover_staging_folders, remove_leftover_staging
from scaffolder.core.store import Store
from tests.helpers.cli import run_scaffolder_on_a_terminal
from tests.helpers.template_tree import PROJECT_DIR, build_file_tree, minimal_template

REPO_ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process groups and signals are POSIX here")


def payload(marker: Path) -> str:
    """Jinja that runs a shell command in an unsandboxed environment (cookiecutter's)."""
    return "{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}"


def scaffolder(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scaffolder", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **(env or {})},
        input="",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def start_scaffolder(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "scaffolder", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def staging_folders(parent: Path) -> list[Path]:
    return sorted(parent.glob(f"{PREFIX}*")) if parent.is_dir() else []


def assert_disk_and_portfolio_agree(out: Path, store: Store) -> None:
    """No staging folder left; every project folder in `out` is in the portfolio and back."""
    assert staging_folders(out) == []
    on_disk = {p.resolve() for p in out.iterdir()} if out.is_dir() else set()
    in_portfolio = {p.path.resolve() for p in store.projects() if p.path.parent.resolve() == out.resolve()}
    assert on_disk == in_portfolio


def gone(pid: int) -> bool:
    """The process is dead (a zombie waiting for a container's init counts as dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return True
    return state in {"Z", "X"}


def wait_for(path: Path, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.is_file() and path.read_text().strip():
            return path.read_text()
        time.sleep(0.02)
    raise AssertionError(f"{path} never appeared")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


# --- consent covers the whole template ------------------------------------------------------


@pytest.mark.parametrize("where", ["file", "default", "path"])
def test_jinja_code_in_a_template_never_runs_before_the_user_agrees(
    tmp_path: Path, out: Path, workdir: Path, where: str
) -> None:
    # A relative marker: a path payload cannot hold '/', and whatever folder the code would run
    # in (the template's, the terminal's, the app's), a file named "pwned" would appear there.
    code = "{{ cycler.__init__.__globals__.os.popen('touch pwned').read() }}"
    files: dict[str, Any] = {}
    context: dict[str, Any] = {}
    if where == "file":
        files[f"{PROJECT_DIR}/notes.txt"] = code
    elif where == "default":
        context["motto"] = code
    else:
        files[f"{PROJECT_DIR}/{code}.txt"] = "x"
    template_dir = minimal_template(tmp_path / "hostile", files=files, **context)

    # The app reads it and shows its questions (the wizard's pages, `scaffolder new`'s prompts).
    template = load_template(template_dir)
    shown = render_context(template, {})
    seen = preview(template, {}, out)
    refused = scaffolder("new", str(template_dir), "--no-input", "-o", str(out), cwd=workdir)
    with pytest.raises(TemplateNotTrusted):
        plan_generation(template, {}, out, store=Store())

    assert list(tmp_path.rglob("pwned")) == [] and not Path("pwned").exists()
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "has not been agreed to" in refused.stderr and "its files are code" in refused.stderr
    assert "--trust" in refused.stderr
    assert not out.exists()
    assert seen.folder_name == "demo-project"
    if where == "default":
        assert shown["motto"] == code  # shown as written: the sandbox refused to run it


def test_a_template_agreed_to_runs_and_a_changed_one_asks_again(tmp_path: Path, out: Path, workdir: Path) -> None:
    template_dir = minimal_template(tmp_path / "tpl", files={"hooks/post_gen_project.py": "print('hook ran')\n"})

    first = scaffolder("new", str(template_dir), "--no-input", "--trust", "-o", str(out), "--json", cwd=workdir)
    again = scaffolder(
        "new", str(template_dir), "--no-input", "--set", "project_name=Second", "-o", str(out), cwd=workdir
    )
    (template_dir / "hooks" / "post_gen_project.py").write_text("print('changed')\n", encoding="utf-8")
    changed = scaffolder(
        "new", str(template_dir), "--no-input", "--set", "project_name=Third", "-o", str(out), cwd=workdir
    )

    assert first.returncode == 0, first.stderr
    assert again.returncode == 0, again.stderr  # the consent for this content was remembered
    assert changed.returncode == 1 and "has not been agreed to" in changed.stderr
    assert sorted(p.name for p in out.iterdir()) == ["demo-project", "second"]
    assert_disk_and_portfolio_agree(out, Store())


def test_a_template_changed_between_consent_and_rendering_is_refused(tmp_path: Path, out: Path) -> None:
    marker = tmp_path / "pwned"
    template_dir = minimal_template(tmp_path / "tpl")
    store = Store()
    plan = plan_generation(load_template(template_dir), {}, out, store=store, trust=True)
    (template_dir / PROJECT_DIR / "README.md").write_text(payload(marker), encoding="utf-8")

    with pytest.raises(TemplateError, match="changed since you agreed"):
        execute_plan(plan, store)

    assert not marker.exists() and not out.exists()


def test_the_consent_text_names_hooks_extensions_and_says_files_are_code(tmp_path: Path) -> None:
    template = load_template(
        minimal_template(
            tmp_path / "tpl",
            files={
                "hooks/pre_gen_project.py": "",
                "hooks/post_gen_project.sh": "#!/bin/sh\n",
                "local_extensions.py": "from jinja2.ext import Extension\nclass Shout(Extension):\n    pass\n",
            },
            _extensions=["local_extensions.Shout", "jinja2_time.TimeExtension"],
        )
    )

    text = consent_text(template)

    assert "its files are code" in text
    assert "hooks/post_gen_project.sh, hooks/pre_gen_project.py" in text
    assert "from its own folder as Jinja extensions: local_extensions." in text
    assert "from installed packages: jinja2_time." in text


# --- nothing lands outside the project folder -----------------------------------------------


@pytest.mark.parametrize("escape", ["../../escape", "ABSOLUTE"])
def test_a_rendered_path_outside_the_project_is_refused_before_anything_is_written(
    tmp_path: Path, out: Path, workdir: Path, escape: str
) -> None:
    outside = tmp_path / "outside-target"
    value = str(outside) if escape == "ABSOLUTE" else escape
    template_dir = minimal_template(
        tmp_path / "tpl", sub="docs", files={f"{PROJECT_DIR}/{{{{cookiecutter.sub}}}}/x.txt": "hello\n"}
    )

    result = scaffolder(
        "new", str(template_dir), "--no-input", "--trust", "--set", f"sub={value}", "-o", str(out), cwd=workdir
    )

    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "would be written outside the project folder" in result.stderr
    assert not outside.exists() and not (tmp_path / "escape").exists() and not (out.parent / "escape").exists()
    assert not out.exists()
    assert Store().projects() == []


def test_the_render_itself_refuses_an_escaping_path_even_without_a_plan(tmp_path: Path) -> None:
    """cookiecutter writes what it renders; the app checks each path just before it does."""
    template = load_template(
        minimal_template(tmp_path / "tpl", sub="docs", files={f"{PROJECT_DIR}/{{{{cookiecutter.sub}}}}/x.txt": "x"})
    ).as_trusted()
    staging = tmp_path / "staging"
    staging.mkdir()

    with pytest.raises(OutsideProjectFolder, match="outside the project folder"):
        render_template(template, {"sub": "../../escape"}, staging, True, 3, lambda _p: None)

    assert not (tmp_path / "escape").exists()


def test_a_link_out_of_the_template_is_refused_with_the_file_named(tmp_path: Path, out: Path, workdir: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cr3t\n", encoding="utf-8")
    template_dir = minimal_template(tmp_path / "tpl")
    (template_dir / PROJECT_DIR / "passwd").symlink_to(secret)

    with pytest.raises(OutsideProjectFolder) as refused:
        load_template(template_dir)
    result = scaffolder("new", str(template_dir), "--no-input", "--trust", "-o", str(out), cwd=workdir)

    assert f"{PROJECT_DIR}/passwd is a symbolic link to {secret}" in refused.value.message
    assert result.returncode == 1 and "passwd is a symbolic link" in result.stderr
    assert not out.exists()


def test_a_link_inside_the_template_still_works(tmp_path: Path, out: Path) -> None:
    template_dir = minimal_template(tmp_path / "tpl")
    (template_dir / PROJECT_DIR / "README-link.md").symlink_to("README.md")

    result = generate(load_template(template_dir), {}, out, store=Store(), trust=True)

    assert (result.project.path / "README-link.md").read_text(encoding="utf-8") == "# Demo Project\n"


# --- hooks are bounded ----------------------------------------------------------------------

HANGING_HOOK = """\
import os, subprocess, sys, time
from pathlib import Path
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
Path({pids!r}).write_text(f"{{os.getpid()}} {{child.pid}}")
time.sleep(120)
"""


def hanging_template(tmp_path: Path) -> tuple[Path, Path]:
    pids = tmp_path / "hook-pids"
    files = {"hooks/pre_gen_project.py": HANGING_HOOK.format(pids=str(pids))}
    return minimal_template(tmp_path / "hangs", files=files), pids


def test_cancel_kills_a_hung_hook_and_its_children_within_a_second(tmp_path: Path, out: Path) -> None:
    """The GUI's path: rendering in a child process, Cancel from another thread."""
    template_dir, pids = hanging_template(tmp_path)
    store = Store()
    cancel = threading.Event()
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            generate(load_template(template_dir), {}, out, store=store, trust=True, isolate=True, cancel=cancel)
        except BaseException as err:
            outcome.append(err)

    worker = threading.Thread(target=run)
    worker.start()
    hook_pid, grandchild_pid = map(int, wait_for(pids).split())
    cancelled_at = time.monotonic()
    cancel.set()
    worker.join(timeout=10)
    took = time.monotonic() - cancelled_at

    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled), outcome
    assert took < 1.0, f"cancelled after {took:.2f} s"
    time.sleep(0.1)
    assert gone(hook_pid) and gone(grandchild_pid)
    assert not out.exists()
    assert store.projects() == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_signal_to_the_cli_kills_the_hooks_group_and_says_cancelled(
    tmp_path: Path, out: Path, workdir: Path, signum: int
) -> None:
    template_dir, pids = hanging_template(tmp_path)
    process = start_scaffolder("new", str(template_dir), "--no-input", "--trust", "-o", str(out), cwd=workdir)
    try:
        hook_pid, grandchild_pid = map(int, wait_for(pids).split())
        sent_at = time.monotonic()
        process.send_signal(signum)
        _stdout, stderr = process.communicate(timeout=10)
        took = time.monotonic() - sent_at
    finally:
        if process.poll() is None:
            process.kill()

    assert took < 1.0, f"exited {took:.2f} s after the signal"
    assert process.returncode == 130 and "cancelled" in stderr and "Traceback" not in stderr
    time.sleep(0.1)
    assert gone(hook_pid) and gone(grandchild_pid)
    assert not out.exists()
    assert Store().projects() == []


def test_a_hook_past_its_time_limit_is_stopped_with_a_sentence(
    tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template_dir, pids = hanging_template(tmp_path)
    monkeypatch.setenv("SCAFFOLDER_HOOK_TIMEOUT", "1.5")
    store = Store()

    with pytest.raises(TemplateError) as stopped:
        generate(load_template(template_dir), {}, out, store=store, trust=True)

    hook_pid, grandchild_pid = map(int, pids.read_text().split())
    assert "hooks/pre_gen_project.py was still running after 1.5 seconds and was stopped" in stopped.value.message
    assert "SCAFFOLDER_HOOK_TIMEOUT" in stopped.value.hint
    time.sleep(0.1)
    assert gone(hook_pid) and gone(grandchild_pid)
    assert_disk_and_portfolio_agree(out, store)


def test_a_malformed_time_limit_is_a_sentence_before_anything_runs(
    tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCAFFOLDER_HOOK_TIMEOUT", "ten minutes")

    with pytest.raises(Exception, match="SCAFFOLDER_HOOK_TIMEOUT='ten minutes' is not a number of seconds"):
        generate(resolve_template("agent"), {}, out, store=Store())

    assert not out.exists()


# --- a failing hook speaks first; Jinja errors name the file and line ------------------------

FAILING_HOOK = """\
import sys
print("Checking the answers for Demo...")
print("ERROR: this template needs Python 3.13 or newer.", file=sys.stderr)
sys.exit(1)
"""


@pytest.mark.parametrize("isolate", [False, True], ids=["cli", "gui"])
def test_a_failing_hooks_own_words_come_first(tmp_path: Path, out: Path, isolate: bool) -> None:
    template = load_template(minimal_template(tmp_path / "tpl", files={"hooks/post_gen_project.py": FAILING_HOOK}))
    store = Store()

    with pytest.raises(TemplateError) as failed:
        generate(template, {}, out, store=store, trust=True, isolate=isolate)

    assert failed.value.message.splitlines() == [
        "Checking the answers for Demo...",
        "ERROR: this template needs Python 3.13 or newer.",
    ]
    assert "hooks/post_gen_project.py" in failed.value.hint and "Traceback" not in str(failed.value)
    assert_disk_and_portfolio_agree(out, store)


def test_a_failing_hook_on_the_command_line_shows_no_traceback(tmp_path: Path, out: Path, workdir: Path) -> None:
    template_dir = minimal_template(tmp_path / "tpl", files={"hooks/post_gen_project.py": FAILING_HOOK})

    result = scaffolder("new", str(template_dir), "--no-input", "--trust", "-o", str(out), cwd=workdir)

    assert result.returncode == 1
    assert result.stderr.startswith("error: Checking the answers for Demo...\nERROR: this template needs Python")
    assert "Traceback" not in result.stderr and "cookiecutter" not in result.stderr.lower()


@pytest.mark.parametrize("isolate", [False, True], ids=["cli", "gui"])
def test_a_jinja_syntax_error_names_the_file_and_the_line(tmp_path: Path, out: Path, isolate: bool) -> None:
    broken = "# Guide\n\nStep one.\n{% if %}\n"
    template = load_template(minimal_template(tmp_path / "tpl", files={f"{PROJECT_DIR}/docs/guide.md": broken}))

    with pytest.raises(TemplateError) as failed:
        generate(template, {}, out, store=Store(), trust=True, isolate=isolate)

    assert f"{PROJECT_DIR}/docs/guide.md, line 4" in failed.value.message
    assert not out.exists()


def test_a_jinja_syntax_error_in_a_hook_names_the_hook_and_the_line(tmp_path: Path, out: Path) -> None:
    hook = "print('one')\nprint('{{ cookiecutter.project_name ')\n"
    template = load_template(minimal_template(tmp_path / "tpl", files={"hooks/post_gen_project.py": hook}))

    with pytest.raises(TemplateError, match=r"hooks/post_gen_project.py has a Jinja syntax error on line 2"):
        generate(template, {}, out, store=Store(), trust=True)

    assert not out.exists()


# --- templates that work in cookiecutter work here ------------------------------------------

LOCAL_EXTENSION = """\
from pathlib import Path
from jinja2.ext import Extension

Path({marker!r}).write_text("imported")


def shout(value):
    return str(value).upper() + "!"


class ShoutExtension(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["shout"] = shout
"""


def test_a_local_extension_is_imported_only_after_consent_and_renders_like_cookiecutter(
    tmp_path: Path, out: Path
) -> None:
    marker = tmp_path / "extension-imported"
    template_dir = minimal_template(
        tmp_path / "tpl",
        greeting="{{ cookiecutter.project_name | shout }}",
        _extensions=["local_extensions.ShoutExtension"],
        files={
            "local_extensions.py": LOCAL_EXTENSION.format(marker=str(marker)),
            f"{PROJECT_DIR}/greeting.txt": "{{ cookiecutter.greeting }} {{ 'hi' | shout }}\n",
        },
    )
    template = load_template(template_dir)
    before = render_context(template, {})
    assert "local_extensions" in consent_text(template)
    assert before["greeting"] == "{{ cookiecutter.project_name | shout }}"  # unrendered until agreed
    assert not marker.exists()

    result = generate(template, {}, out, store=Store(), trust=True)

    assert (result.project.path / "greeting.txt").read_text(encoding="utf-8") == "DEMO PROJECT! HI!\n"
    assert marker.exists()


def test_a_template_shipping_its_own_cookiecutter_json_keeps_it_and_import_recovers_the_record(
    tmp_path: Path, out: Path
) -> None:
    shipped = '{"cookiecutter": {"project_name": "{{ cookiecutter.project_name }}", "_template": "gh:someone/tpl"}}\n'
    template_dir = minimal_template(tmp_path / "tpl", files={f"{PROJECT_DIR}/.cookiecutter.json": shipped})
    store = Store()

    result = generate(load_template(template_dir), {}, out, store=store, trust=True)
    project = result.project.path
    record = json.loads((project / ".scaffolder" / "answers.json").read_text(encoding="utf-8"))
    store.forget(result.project.name)
    moved = tmp_path / "moved"
    shutil.move(str(project), moved)
    imported = import_project(store, moved)

    assert json.loads((moved / ".cookiecutter.json").read_text(encoding="utf-8")) == {
        "cookiecutter": {"project_name": "Demo Project", "_template": "gh:someone/tpl"}
    }
    assert record["scaffolder"]["kind"] == "custom" and record["cookiecutter"]["project_name"] == "Demo Project"
    assert (imported.kind, imported.template) == ("custom", str(template_dir.resolve()))
    tracked = subprocess.run(["git", "ls-files"], cwd=moved, capture_output=True, text=True, check=True).stdout
    assert ".scaffolder/answers.json" in tracked.splitlines()


def test_import_recovers_the_kind_of_a_bundled_project_from_the_apps_record(tmp_path: Path, out: Path) -> None:
    store = Store()
    result = generate(resolve_template("agent"), {}, out, store=store)
    store.forget(result.project.name)
    (result.project.path / ".cookiecutter.json").unlink()  # as if the template had shipped its own and lost it

    assert import_project(store, result.project.path).kind == "agent"


GIT_INIT_HOOK = """\
import subprocess
subprocess.run(["git", "init", "-q", "-b", "master"], check=True)
subprocess.run(["git", "add", "-A"], check=True)
subprocess.run(["git", "commit", "-q", "-m", "From the template's hook"], check=True)
"""


def test_a_hook_that_runs_git_init_is_reported_truthfully(tmp_path: Path, out: Path, workdir: Path) -> None:
    template_dir = minimal_template(tmp_path / "tpl", files={"hooks/post_gen_project.py": GIT_INIT_HOOK})

    result = scaffolder("new", str(template_dir), "--no-input", "--trust", "-o", str(out), cwd=workdir)

    assert result.returncode == 0, result.stderr
    project = out / "demo-project"
    branch = subprocess.run(["git", "branch", "--show-current"], cwd=project, capture_output=True, text=True)
    log = subprocess.run(["git", "log", "--format=%s"], cwd=project, capture_output=True, text=True).stdout
    assert branch.stdout.strip() == "master"
    assert log.splitlines() == ["Initial commit from tpl template", "From the template's hook"]
    assert "on its branch master (2 commits)" in result.stdout and "on main" not in result.stdout
    assert_disk_and_portfolio_agree(out, Store())


# --- answers are validated before anything runs ---------------------------------------------


def test_a_bad_package_name_on_the_command_line_is_a_sentence(tmp_path: Path, out: Path, workdir: Path) -> None:
    result = scaffolder("new", "rag", "--no-input", "--set", "package_name=2docs", "-o", str(out), cwd=workdir)

    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "The package name '2docs' is not allowed: it is not a Python identifier" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("kind", ["rag", "agent", "fullstack"])
def test_the_bundled_hooks_read_answers_as_data_not_code(tmp_path: Path, kind: str) -> None:
    """cookiecutter itself, without the app's checks in front: a quote in an answer cannot run."""
    from cookiecutter.exceptions import FailedHookException
    from cookiecutter.main import cookiecutter

    marker = tmp_path / "injected"
    evil = f'x"; import pathlib; pathlib.Path({str(marker)!r}).touch(); y = "'
    bundled = resolve_template(kind)

    with pytest.raises(FailedHookException):
        cookiecutter(
            str(bundled.path),
            no_input=True,
            extra_context={"package_name": evil},
            output_dir=str(tmp_path / "o"),
            default_config=True,
        )

    assert not marker.exists()


# --- the portfolio and the disk always agree ------------------------------------------------


class _CommitFails(sqlite3.Connection):
    """A real SQLite connection whose COMMIT fails as a full disk (or a lock) makes it fail."""

    error: BaseException = sqlite3.OperationalError("database or disk is full")

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        if sql == "COMMIT" and os.environ.get("TEST_FAIL_COMMIT"):
            raise type(self).error
        return super().execute(sql, *args)


@pytest.fixture
def failing_commit(monkeypatch: pytest.MonkeyPatch) -> type[_CommitFails]:
    """The fault-injection seam: the store's real `sqlite3.connect`, with a connection class whose
    COMMIT fails once TEST_FAIL_COMMIT is set (after the store is opened)."""
    real_connect = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        return real_connect(*args, **kwargs, factory=_CommitFails)

    monkeypatch.setattr(store_module.sqlite3, "connect", connect)
    return _CommitFails


@pytest.mark.parametrize(
    ("error", "hint"),
    [
        (sqlite3.OperationalError("database or disk is full"), "Free some space on that disk"),
        (
            sqlite3.OperationalError("database is locked"),
            "Another scaffolder (a window or a command) is probably writing",
        ),
    ],
    ids=["disk-full", "locked"],
)
def test_a_failed_commit_after_the_rename_takes_the_project_back_out(
    out: Path, failing_commit: type[_CommitFails], monkeypatch: pytest.MonkeyPatch, error: Exception, hint: str
) -> None:
    store = Store()
    plan = plan_generation(resolve_template("agent"), {}, out, store=store)
    monkeypatch.setattr(failing_commit, "error", error)
    monkeypatch.setenv("TEST_FAIL_COMMIT", "1")

    with pytest.raises(StoreError) as refused:
        execute_plan(plan, store)

    monkeypatch.delenv("TEST_FAIL_COMMIT")
    assert f"The portfolio could not record {plan.project_name!r}" in refused.value.message
    assert "so the project was not kept" in refused.value.message and hint in refused.value.hint
    assert not plan.target.exists()
    assert store.projects() == []
    assert_disk_and_portfolio_agree(out, store)


def test_ctrl_c_between_the_rename_and_the_commit_keeps_neither(
    out: Path, failing_commit: type[_CommitFails], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store()
    (out / "agent-demo").mkdir(parents=True)  # the user's empty folder, given back as it was
    plan = plan_generation(resolve_template("agent"), {"project_slug": "agent-demo"}, out, store=store)
    monkeypatch.setattr(failing_commit, "error", KeyboardInterrupt())
    monkeypatch.setenv("TEST_FAIL_COMMIT", "1")

    with pytest.raises(KeyboardInterrupt):
        execute_plan(plan, store)

    monkeypatch.delenv("TEST_FAIL_COMMIT")
    assert plan.target.is_dir() and list(plan.target.iterdir()) == []
    assert store.projects() == []
    assert staging_folders(out) == []


def test_staging_folders_of_dead_processes_are_found_and_removed(tmp_path: Path) -> None:
    parent = tmp_path / "projects"
    parent.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = parent / f"{PREFIX}{dead.pid}-0-abc123"
    (leftover / "half-rendered").mkdir(parents=True)
    ours = parent / f"{PREFIX}{os.getpid()}-{_own_start()}-zzz999"
    ours.mkdir()
    unrelated = parent / "my-project"
    unrelated.mkdir()

    assert leftover_staging_folders(parent) == [leftover]
    assert remove_leftover_staging(parent) == [leftover]
    assert sorted(p.name for p in parent.iterdir()) == sorted([ours.name, "my-project"])


def _own_start() -> str:
    from scaffolder.core.staging import _start_time

    return _start_time(os.getpid())


def test_kill_9_during_generation_leaves_nothing_the_next_generation_does_not_sweep(
    tmp_path: Path, out: Path, workdir: Path
) -> None:
    files = {f"{PROJECT_DIR}/pages/page{i:03}.md": "# {{ cookiecutter.project_name }} " + str(i) for i in range(300)}
    template_dir = minimal_template(tmp_path / "big", files=files)
    assert scaffolder("new", str(template_dir), "--no-input", "--trust", "-o", str(out), cwd=workdir).returncode == 0
    left_behind = 0
    for run, delay in enumerate([0.0, 0.1, 0.2, 0.3]):  # after its staging folder appears
        before = set(staging_folders(out))
        process = start_scaffolder(
            "new", str(template_dir), "--no-input", "--set", f"project_name=Run {run}", "-o", str(out), cwd=workdir
        )
        deadline = time.monotonic() + 30
        while set(staging_folders(out)) == before and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate()
        left_behind = max(left_behind, len(staging_folders(out)))

    last = scaffolder(
        "new", str(template_dir), "--no-input", "--set", "project_name=After", "-o", str(out), cwd=workdir
    )

    assert last.returncode == 0, last.stderr
    assert left_behind > 0, "no kill landed during a generation: make the template bigger"
    assert_disk_and_portfolio_agree(out, Store())


# --- small ones -----------------------------------------------------------------------------


def test_the_slug_dot_is_not_a_folder_name(tmp_path: Path, out: Path) -> None:
    with pytest.raises(InvalidAnswer) as refused:
        generate(resolve_template("agent"), {"project_slug": "."}, out, store=Store())

    assert "'.' is not a folder name" in refused.value.message and "'..'" not in refused.value.message


def test_a_default_the_sandbox_refuses_is_shown_as_written(tmp_path: Path) -> None:
    template_dir = build_file_tree(
        tmp_path / "other",
        {
            "cookiecutter.json": {"repo": "{{ cycler.__init__.__globals__ }}", "project_slug": "x"},
            "{{cookiecutter.project_slug}}/a.txt": "a",
        },
    )
    context = render_context(load_template(template_dir), {})
    assert context["repo"] == "{{ cycler.__init__.__globals__ }}"


def test_declining_on_a_terminal_stops_before_any_question_and_runs_nothing(
    tmp_path: Path, out: Path, workdir: Path
) -> None:
    template_dir = minimal_template(
        tmp_path / "tpl", motto="{{ cycler.__init__.__globals__.os.popen('touch pwned').read() }}"
    )
    code, stdout, stderr = run_scaffolder_on_a_terminal(
        "new", str(template_dir), "-o", str(out), typed=b"n\n", cwd=workdir
    )
    assert code == 1
    assert "hooks" not in stderr and "its files are code" in stderr
    assert "You did not agree to run the template 'tpl'; nothing of it ran." in stderr
    assert "Project name" not in stdout  # no question was asked
    assert list(tmp_path.rglob("pwned")) == [] and not out.exists()


APP_THAT_RENDERS_IN_A_CHILD = """\
import sys
from pathlib import Path
from scaffolder.core.catalogue import load_template
from scaffolder.core.generate import generate
from scaffolder.core.store import Store
generate(load_template(Path(sys.argv[1])), {}, Path(sys.argv[2]), store=Store(), trust=True, isolate=True)
"""


def test_when_the_app_is_killed_outright_its_render_child_and_hooks_die_with_it(
    tmp_path: Path, out: Path, workdir: Path
) -> None:
    """The GUI renders in a child process; kill -9 of the GUI closes the child's stdin, and the
    child then kills the hook's group and exits. The next generation sweeps the staging folder."""
    template_dir, pids = hanging_template(tmp_path)
    app = subprocess.Popen(
        [sys.executable, "-c", APP_THAT_RENDERS_IN_A_CHILD, str(template_dir), str(out)],
        cwd=workdir,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    hook_pid, grandchild_pid = map(int, wait_for(pids).split())
    app.send_signal(signal.SIGKILL)
    app.wait()
    deadline = time.monotonic() + 5
    while not (gone(hook_pid) and gone(grandchild_pid)) and time.monotonic() < deadline:
        time.sleep(0.02)

    assert gone(hook_pid) and gone(grandchild_pid)
    assert len(staging_folders(out)) == 1
    generate(resolve_template("agent"), {}, out, store=Store())
    assert_disk_and_portfolio_agree(out, Store())


def test_a_hook_using_an_undefined_value_is_named(tmp_path: Path, out: Path) -> None:
    hook = "print('{{ cookiecutter.no_such_question }}')\n"
    template = load_template(minimal_template(tmp_path / "tpl", files={"hooks/pre_gen_project.py": hook}))

    with pytest.raises(TemplateError, match=r"hooks/pre_gen_project.py cannot be rendered: .*no_such_question"):
        generate(template, {}, out, store=Store(), trust=True)

    assert not out.exists()
