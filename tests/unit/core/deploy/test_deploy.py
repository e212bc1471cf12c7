"""Deploying: a fake flyctl on PATH is run with the exact argv in the project folder, its output
arrives line by line while it runs, cancelling stops its whole process group, and the URL it
prints becomes the live URL. Render gets its Blueprint link; a missing CLI, a sentence."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from scaffolder.core.deploy.plan import plan_deploy
from scaffolder.core.deploy.run import find_app_url, record_live_url, run_deploy
from scaffolder.core.errors import Cancelled, UserError
from scaffolder.core.store import Project, Store
from tests.helpers.fake_flyctl import alive, install_fake_flyctl
from tests.helpers.publishing import git, make_project

DEPLOY_MD = """\
# Deploying

## Locally with Docker

docker build -t docs-qa .

## Fly

`fly.toml` configures a Fly.io app.

1. Install `flyctl` and run `fly auth login`.
2. `fly launch --no-deploy --copy-config`, then `fly deploy`.

## Checks after deploying

curl -s https://<your-url>/health
"""


@pytest.fixture
def store(isolated_user: Path) -> Store:
    return Store()


@pytest.fixture
def fly_project(store: Store, tmp_path: Path) -> Project:
    project = make_project(store, tmp_path / "docs-qa")
    (project.path / "fly.toml").write_text('app = "docs-qa"\n', encoding="utf-8")
    (project.path / "docs").mkdir()
    (project.path / "docs" / "DEPLOY.md").write_text(DEPLOY_MD, encoding="utf-8")
    return project


@pytest.fixture
def flyctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    bin_dir = tmp_path / "bin"
    program = install_fake_flyctl(bin_dir)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    files = {"program": program, "record": tmp_path / "argv.json", "pids": tmp_path / "pids", "go": tmp_path / "go"}
    monkeypatch.setenv("FAKE_FLYCTL_RECORD", str(files["record"]))
    monkeypatch.setenv("FAKE_FLYCTL_PIDS", str(files["pids"]))
    monkeypatch.setenv("FAKE_FLYCTL_GO", str(files["go"]))
    return files


def test_flyctl_deploy_runs_in_the_project_folder_and_its_url_becomes_the_live_url(
    store: Store, fly_project: Project, flyctl: dict[str, Path]
) -> None:
    plan = plan_deploy(fly_project)
    lines: list[str] = []

    outcome = run_deploy(plan, on_line=lines.append)

    recorded = json.loads(flyctl["record"].read_text())
    assert recorded == {"argv": [str(flyctl["program"]), "deploy", "--remote-only"], "cwd": str(fly_project.path)}
    assert (
        lines[0] == "==> Verifying app config"
        and lines[-1] == "Visit your newly deployed app at https://docs-qa.fly.dev/"
    )
    assert outcome.url == "https://docs-qa.fly.dev"  # not the monitoring page printed before it
    assert record_live_url(store, fly_project.name, outcome.url).live_url == "https://docs-qa.fly.dev"


def test_output_is_streamed_while_flyctl_runs(
    fly_project: Project, flyctl: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_FLYCTL_MODE", "stream")
    seen_at: list[float] = []

    def on_line(line: str) -> None:
        seen_at.append(time.monotonic())
        flyctl["go"].touch()  # the fake goes on only once the first line has been seen

    outcome = run_deploy(plan_deploy(fly_project), on_line=on_line)

    assert outcome.url == "https://docs-qa.fly.dev" and len(seen_at) == outcome.lines


def test_cancelling_stops_flyctl_and_the_processes_it_started(
    fly_project: Project, flyctl: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_FLYCTL_MODE", "hang")
    cancel = threading.Event()

    def on_line(line: str) -> None:
        if line == "==> Building image":
            cancel.set()

    started = time.monotonic()
    with pytest.raises(Cancelled, match="cancelled"):
        run_deploy(plan_deploy(fly_project), on_line=on_line, cancel=cancel)
    # Promptly: had only flyctl itself been stopped, its child would hold the output pipe open
    # (and run on) for its full five minutes.
    assert time.monotonic() - started < 20

    pids = [int(p) for p in flyctl["pids"].read_text().split()]
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in pids if alive(pid)] == []


def test_a_helper_flyctl_leaves_running_does_not_keep_the_deploy_waiting(
    fly_project: Project, flyctl: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_FLYCTL_MODE", "agent")
    started = time.monotonic()
    try:
        outcome = run_deploy(plan_deploy(fly_project))
    finally:
        agent = int(flyctl["pids"].read_text())
    try:
        assert outcome.url == "https://docs-qa.fly.dev"
        assert time.monotonic() - started < 20  # not the helper's five minutes
    finally:
        os.kill(agent, signal.SIGKILL)


def test_a_failing_deploy_shows_the_clis_last_lines(
    fly_project: Project, flyctl: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_FLYCTL_MODE", "fail")
    with pytest.raises(UserError) as caught:
        run_deploy(plan_deploy(fly_project))
    assert caught.value.message == "flyctl deploy --remote-only failed (exit code 1)."
    assert 'could not find app "docs-qa"' in caught.value.hint


def test_without_the_cli_the_sentence_says_how_to_install_it_and_shows_the_manual_steps(
    fly_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    plan = plan_deploy(fly_project)

    assert plan.argv is None
    assert plan.sentence.startswith("flyctl is not on PATH. Install flyctl (https://fly.io/docs/flyctl/install/")
    assert plan.manual_steps.startswith("## Fly\n\n`fly.toml` configures a Fly.io app.")
    assert "Checks after deploying" not in plan.manual_steps
    with pytest.raises(UserError, match="flyctl is not on PATH"):
        run_deploy(plan)


def test_render_gets_its_blueprint_link_once_the_repository_is_on_github(store: Store, tmp_path: Path) -> None:
    project = make_project(store, tmp_path / "docs-qa")
    (project.path / "render.yaml").write_text("services: []\n", encoding="utf-8")

    unpublished = plan_deploy(project)
    assert unpublished.link is None and "publish it first" in unpublished.sentence

    github = tmp_path / "github" / "ada-lovelace" / "docs-qa.git"  # stands in for GitHub's copy
    git(tmp_path, "init", "--quiet", "--bare", str(github))
    git(project.path, "remote", "add", "origin", str(github))
    git(project.path, "push", "--quiet", "-u", "origin", "main")
    not_pushed = plan_deploy(project)
    assert not_pushed.link is None and not_pushed.sentence.startswith("render.yaml is not on GitHub yet")

    git(project.path, "add", "render.yaml")
    git(project.path, "commit", "--quiet", "-m", "Render blueprint")
    git(project.path, "push", "--quiet")
    git(project.path, "remote", "set-url", "origin", "https://github.com/ada-lovelace/docs-qa.git")
    plan = plan_deploy(project)
    assert plan.link == "https://render.com/deploy?repo=https://github.com/ada-lovelace/docs-qa"
    assert plan.argv is None and plan.sentence.startswith("Open the link: Render reads render.yaml")


def test_no_deploy_config_is_a_sentence(store: Store, tmp_path: Path) -> None:
    project = make_project(store, tmp_path / "docs-qa")
    with pytest.raises(UserError, match="has no deploy config"):
        plan_deploy(project)


def test_railway_runs_up_in_ci_mode_and_its_domain_is_recognised(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(store, tmp_path / "docs-qa")
    (project.path / "railway.json").write_text("{}\n", encoding="utf-8")
    program = install_fake_flyctl(tmp_path / "bin", name="railway")  # same recorder, another name
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv("FAKE_FLYCTL_RECORD", str(tmp_path / "argv.json"))
    plan = plan_deploy(project)

    outcome = run_deploy(plan)

    assert json.loads((tmp_path / "argv.json").read_text())["argv"] == [str(program), "up", "--ci"]
    assert outcome.url is None  # it printed no Railway domain
    assert find_app_url(plan, "Service Domain created: 🚀 https://docs-qa-production.up.railway.app") == (
        "https://docs-qa-production.up.railway.app"
    )
    assert find_app_url(plan, "Build Logs: https://railway.com/project/1234/service/5678") is None
