"""`scaffolder publish`, `deploy` and `github login|logout`, run as a user runs them: real
processes against a fake GitHub (REST + git smart HTTP) and a fake flyctl, on 127.0.0.1."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scaffolder.cli import main
from scaffolder.core.github import credentials
from scaffolder.core.store import Store
from tests.helpers.cli import run_scaffolder
from tests.helpers.fake_flyctl import install_fake_flyctl
from tests.helpers.fake_github import FakeGitHub, commits_in
from tests.helpers.publishing import TOKEN, MemoryKeyring, files_containing, git, make_project
from tests.unit.core.deploy.test_deploy import DEPLOY_MD
from tests.unit.core.readiness.conftest import answer, http_site

ROOT = Path(__file__).resolve().parents[3]


def scaffolder(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # The process's credential store is keyring's "none" backend: the user's real one is never asked.
    return run_scaffolder(*args, env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", **(env or {})})


@pytest.fixture
def store(isolated_user: Path) -> Store:
    return Store()


def test_publish_creates_pushes_and_fixes_the_readme(
    store: Store, github: FakeGitHub, tmp_path: Path, isolated_user: Path
) -> None:
    project = make_project(store, tmp_path / "docs-qa")

    done = scaffolder(
        "publish", project.name, "--api-url", github.api_url, "--fix-readme", "--json", env={"GITHUB_TOKEN": TOKEN}
    )

    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["full_name"] == "ada-lovelace/docs-qa" and data["created"] is True
    assert data["readme_fixed"] == git(project.path, "rev-parse", "HEAD")
    assert commits_in(github.bare_repo("ada-lovelace/docs-qa")) == git(project.path, "rev-list", "main").split()
    assert files_containing(TOKEN, project.path, isolated_user) == []

    again = scaffolder("publish", project.name, "--api-url", github.api_url, env={"GITHUB_TOKEN": TOKEN})
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"Pushed main to {github.git_url}/ada-lovelace/docs-qa (public).")


def test_publish_failures_are_sentences_not_tracebacks(store: Store, github: FakeGitHub, tmp_path: Path) -> None:
    github.create("ada-lovelace", {"name": "docs-qa"})
    project = make_project(store, tmp_path / "docs-qa")

    taken = scaffolder("publish", project.name, "--api-url", github.api_url, env={"GITHUB_TOKEN": TOKEN})
    unsigned = scaffolder("publish", project.name, "--api-url", github.api_url, env={"GITHUB_TOKEN": ""})

    assert taken.returncode == 1 and "\nerror: There is already a repository named 'docs-qa'" in taken.stderr
    assert unsigned.returncode == 1 and "You are not signed in to GitHub" in unsigned.stderr
    assert "Traceback" not in taken.stderr + unsigned.stderr


def test_login_keeps_the_token_and_logout_removes_it(
    store: Store,
    github: FakeGitHub,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(TOKEN + "\n"))
    assert main(["github", "login", "--with-token", "--api-url", github.api_url]) == 0
    assert "as ada-lovelace" in capsys.readouterr().out
    assert memory_keyring.passwords == {(credentials.KEYRING_SERVICE, github.api_url): TOKEN}

    assert main(["github", "status"]) == 0  # the API URL was remembered
    assert "Signed in to" in capsys.readouterr().out
    assert main(["github", "logout"]) == 0
    assert capsys.readouterr().out.startswith(f"Signed out of {github.api_url}")
    assert memory_keyring.passwords == {}


@pytest.fixture
def fly_project(store: Store, tmp_path: Path) -> Path:
    project = make_project(store, tmp_path / "docs-qa")
    (project.path / "fly.toml").write_text('app = "docs-qa"\n', encoding="utf-8")
    (project.path / "docs").mkdir()
    (project.path / "docs" / "DEPLOY.md").write_text(DEPLOY_MD, encoding="utf-8")
    return project.path


def test_deploy_streams_flyctl_and_records_the_url_with_no_input(
    store: Store, fly_project: Path, tmp_path: Path
) -> None:
    install_fake_flyctl(tmp_path / "bin")
    with http_site(lambda request: answer(request, 200)) as app_url:  # the deployed app, answering the probe
        env = {
            "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "FAKE_FLYCTL_RECORD": str(tmp_path / "argv"),
            "FAKE_FLYCTL_APP_URL": app_url,
        }
        done = scaffolder("deploy", "Docs Q&A", "--no-input", env=env)

    assert done.returncode == 0, done.stderr
    assert f"Visit your newly deployed app at {app_url}" in done.stdout
    live_url = app_url.rstrip("/")
    assert f"Deployed to {live_url}, recorded as the live URL; {live_url} answered HTTP 200 in " in done.stdout
    project = store.get("Docs Q&A")
    assert project.live_url == live_url and store.probes(project.id)[live_url].status == 200
    assert json.loads((tmp_path / "argv").read_text())["argv"][1:] == ["deploy", "--remote-only"]


def test_deploy_without_flyctl_says_how_to_install_it(store: Store, fly_project: Path, tmp_path: Path) -> None:
    done = scaffolder("deploy", "Docs Q&A", "--json", env={"PATH": str(Path(sys.executable).parent)})

    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["sentence"].startswith("flyctl is not on PATH. Install flyctl")
    assert data["manual_steps"].startswith("## Fly") and data["recorded"] is False
    assert store.get("Docs Q&A").live_url is None


def test_deploy_json_keeps_stdout_one_document_and_without_no_input_records_nothing(
    store: Store, fly_project: Path, tmp_path: Path
) -> None:
    install_fake_flyctl(tmp_path / "bin")
    env = {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}", "FAKE_FLYCTL_RECORD": str(tmp_path / "argv")}

    done = scaffolder("deploy", "Docs Q&A", "--json", env=env)

    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["url"], data["recorded"], data["platform"]) == ("https://docs-qa.fly.dev", False, "fly")
    assert "Visit your newly deployed app at https://docs-qa.fly.dev/" in done.stderr
    assert store.get("Docs Q&A").live_url is None  # no terminal to ask, and not --no-input


def run_in_terminal(argv: list[str], env: dict[str, str], answers: dict[bytes, bytes], timeout: float = 60) -> str:
    """Run `argv` on a pseudo-terminal, as a user at a terminal does; type each answer when its
    prompt appears. Returns everything the terminal showed."""
    import pty
    import select
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: the terminal is its controlling tty, so getpass reads from it
        os.chdir(ROOT)
        os.execve(argv[0], argv, env)
    shown = b""
    pending = dict(answers)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                shown += chunk
            for prompt, answer in list(pending.items()):
                if prompt in shown:
                    os.write(fd, answer)
                    del pending[prompt]
    finally:
        os.close(fd)
        os.waitpid(pid, 0)
    return shown.decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_publishing_unsigned_at_a_terminal_asks_for_the_token_once_and_keeps_it(
    store: Store, github: FakeGitHub, tmp_path: Path, isolated_user: Path
) -> None:
    project = make_project(store, tmp_path / "docs-qa")
    kept = tmp_path / "kept-by-the-credential-store.json"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHON_KEYRING_BACKEND": "tests.helpers.publishing.RecordingKeyring",
        "RECORDING_KEYRING_FILE": str(kept),  # only this test's stand-in for the OS store writes it
        "GITHUB_TOKEN": "",
        "GH_TOKEN": "",
    }

    shown = run_in_terminal(
        [sys.executable, "-m", "scaffolder", "publish", project.name, "--api-url", github.api_url],
        env,
        {b"GitHub token (not shown): ": TOKEN.encode() + b"\n", b"Fix them in a commit and push it? [y/N] ": b"y\n"},
    )

    assert "You are not signed in to GitHub" in shown and "Signed in as ada-lovelace" in shown
    assert TOKEN not in shown  # not echoed
    assert "Created and pushed main to" in shown and "(committed and pushed)" in shown
    assert json.loads(kept.read_text()) == {f"{credentials.KEYRING_SERVICE} {github.api_url}": TOKEN}
    assert commits_in(github.bare_repo("ada-lovelace/docs-qa")) == git(project.path, "rev-list", "main").split()
    assert files_containing(TOKEN, project.path, isolated_user) == []
