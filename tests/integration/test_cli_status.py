"""`scaffolder status`, `check` and `set`, run as a user runs them: a real process over a real
portfolio, real repositories and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scaffolder.core.store import Store
from tests.helpers.cli import run_scaffolder
from tests.unit.core.readiness.conftest import COMPLETE_PROJECT, Repo, answer, http_site, make_repo

ROOT = Path(__file__).resolve().parents[2]


def scaffolder(*args: str) -> subprocess.CompletedProcess[str]:
    return run_scaffolder(*args)


def status_json(*args: str) -> dict[str, Any]:
    done = scaffolder("status", "--json", *args)
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def check_of(project: dict[str, Any], check_id: str) -> dict[str, Any]:
    for checks in project["checklists"].values():
        for check in checks:
            if check["id"] == check_id:
                return dict(check)
    raise KeyError(check_id)


@pytest.fixture
def store(isolated_user: Path) -> Store:
    return Store()


@pytest.fixture
def project(tmp_path: Path, store: Store) -> Repo:
    return make_repo(tmp_path, store).write_all(COMPLETE_PROJECT).commit("Initial commit")


@pytest.fixture
def live_site() -> Iterator[str]:
    with http_site(lambda request: answer(request, 200)) as url:
        yield url


def test_status_json_gives_level_score_and_every_checklist(project: Repo) -> None:
    data = status_json("--offline")
    assert data["portfolio"]["level"] == "not-started"
    assert data["portfolio"]["missing"] == ["agent", "fullstack"]
    [report] = data["projects"]
    assert (report["name"], report["level"], report["kind"]) == ("Docs Q&A", "shareable", "rag")
    assert 0 < report["score"] < 100
    assert {"readme", "deployment", "writeup"} <= set(report["checklists"])
    for checks in report["checklists"].values():
        for check in checks:
            assert {"id", "title", "kind", "result", "evidence", "fix"} <= set(check)
    assert check_of(report, "dockerfile") == {
        **check_of(report, "dockerfile"),
        "kind": "auto",
        "result": "passed",
        "evidence": "Dockerfile in the repository",
        "fix": "",
    }
    assert check_of(report, "remote-pushed")["result"] == "failed"
    assert (
        "git push -u origin main; or let the app do both: scaffolder publish "
        in check_of(report, "remote-pushed")["fix"]
    )


def test_status_of_one_project_in_text(project: Repo) -> None:
    done = scaffolder("status", "Docs Q&A", "--offline")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("Docs Q&A  ·  Shareable  ·  ")
    for heading in ("README", "Deployment", "Write-up", "Git history"):
        assert f"\n{heading}\n" in out
    assert "✓ A Dockerfile [dockerfile]" in out
    assert "✗ Pushed to a git remote [remote-pushed]" in out
    assert "Next:\n  1. The live URL is linked in the README [readme-live-url]" in out


def test_status_of_the_portfolio_in_text(project: Repo) -> None:
    done = scaffolder("status", "--offline")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Portfolio: Not started (held back by agent; not started: agent, fullstack)"
    assert lines[2].startswith("Docs Q&A  rag        Shareable        ")
    assert lines[2].endswith("next: readme-live-url, remote-pushed, live-url-answers")


def test_status_of_an_unknown_project_fails_with_the_names(project: Repo) -> None:
    done = scaffolder("status", "Nope")
    assert done.returncode == 1
    assert "No project named 'Nope'" in done.stderr
    assert "Docs Q&A" in done.stderr


def test_an_empty_portfolio(isolated_user: Path) -> None:
    done = scaffolder("status")
    assert (done.returncode, done.stdout.strip()) == (0, "The portfolio is empty. Start with: scaffolder new rag")


def test_ticking_a_manual_check_with_evidence_and_undoing_it(project: Repo) -> None:
    done = scaffolder("check", "Docs Q&A", "writeup-shared", "--evidence", "https://www.linkedin.com/posts/ada-1")
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.strip()
        == "Ticked 'Shared publicly (post URL)' for Docs Q&A (https://www.linkedin.com/posts/ada-1)."
    )
    shared = check_of(status_json("--offline", "Docs Q&A")["projects"][0], "writeup-shared")
    assert (shared["kind"], shared["result"]) == ("manual", "passed")
    assert shared["evidence"].endswith("— https://www.linkedin.com/posts/ada-1")

    assert scaffolder("check", "Docs Q&A", "writeup-shared", "--undo").returncode == 0
    assert check_of(status_json("--offline")["projects"][0], "writeup-shared")["result"] == "not_checked"


@pytest.mark.parametrize(
    ("check_id", "message"),
    [
        ("dockerfile", "'dockerfile' is automatic"),
        ("no-such-check", "There is no check 'no-such-check'"),
    ],
)
def test_only_manual_checks_can_be_ticked(project: Repo, check_id: str, message: str) -> None:
    done = scaffolder("check", "Docs Q&A", check_id)
    assert done.returncode == 1
    assert message in done.stderr


def test_evidence_must_be_a_web_url(project: Repo) -> None:
    done = scaffolder("check", "Docs Q&A", "writeup-shared", "--evidence", "javascript:alert(1)")
    assert done.returncode == 1
    assert "is not an http or https URL" in done.stderr


@pytest.mark.parametrize("url", ["ftp://example.org", "example.org", "https://", "http://exa mple.org"])
def test_set_refuses_urls_that_are_not_http(project: Repo, store: Store, url: str) -> None:
    done = scaffolder("set", "Docs Q&A", "live-url", url)
    assert done.returncode == 1
    assert done.stderr.startswith("error: ")
    assert store.get("Docs Q&A").live_url is None


def test_set_records_urls_and_status_probes_them(project: Repo, store: Store, live_site: str) -> None:
    assert scaffolder("set", "Docs Q&A", "live-url", live_site).returncode == 0
    done = scaffolder("set", "Docs Q&A", "writeup-url", "https://blog.example.org/post", "--json")
    assert json.loads(done.stdout) == {
        "name": "Docs Q&A",
        "field": "writeup-url",
        "url": "https://blog.example.org/post",
    }
    assert (store.get("Docs Q&A").live_url, store.get("Docs Q&A").writeup_url) == (
        live_site,
        "https://blog.example.org/post",
    )

    offline = status_json("--offline", "Docs Q&A")["projects"][0]
    assert check_of(offline, "live-url-answers")["result"] == "not_checked"

    scaffolder("set", "Docs Q&A", "writeup-url", "--clear")
    online = status_json("Docs Q&A")["projects"][0]
    live = check_of(online, "live-url-answers")
    assert live["result"] == "passed"
    assert live["evidence"].startswith(f"{live_site} answered HTTP 200 in ")
    assert online["probes"][live_site]["status"] == 200

    remembered = status_json("--offline", "Docs Q&A")["projects"][0]
    assert check_of(remembered, "live-url-answers")["evidence"] == live["evidence"]


def test_set_needs_a_url_or_clear(project: Repo) -> None:
    done = scaffolder("set", "Docs Q&A", "live-url")
    assert done.returncode == 1
    assert "Give either a URL or --clear" in done.stderr
