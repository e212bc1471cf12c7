"""The ladder: a project climbs Draft → Shareable → Deployed → Portfolio-ready as it earns each
rung, a level counts only with every lower one, and the portfolio is as ready as its weakest
recommended project."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scaffolder.core.readiness import Checklist, Level, Result, check_portfolio
from scaffolder.core.store import Probe, Store
from tests.unit.core.readiness.conftest import COMPLETE_PROJECT, GOOD_README, Repo, git, make_repo

LIVE_URL = "https://docs-qa.example.org"
POST_URL = "https://blog.example.org/docs-qa"


def _answering(store: Store, name: str, url: str) -> None:
    store.record_probe(store.get(name).id, Probe(url, 200, 120.0, None, datetime.now(UTC)))


def _deploy(repo: Repo, tmp_path: Path) -> None:
    """What a user does to deploy: push to a remote, record the live URL, the app probes it."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "--quiet", "-u", "origin", "main")
    repo.store.set_live_url(repo.name, LIVE_URL)
    _answering(repo.store, repo.name, LIVE_URL)


def test_a_project_climbs_the_ladder_one_rung_at_a_time(repo: Repo, tmp_path: Path) -> None:
    assert repo.write("notes.txt", "idea").commit().report().level is Level.DRAFT

    repo.write_all(COMPLETE_PROJECT).commit("Project files", when=datetime(2026, 1, 5, 10, tzinfo=UTC))
    shareable = repo.report()
    assert shareable.level is Level.SHAREABLE
    assert [r.check.id for r in shareable.next_checks()] == ["readme-live-url", "remote-pushed", "live-url-answers"]

    _deploy(repo, tmp_path)
    deployed = repo.report()
    assert deployed.level is Level.DEPLOYED
    assert {r.check.id for r in deployed.results if not r.ok} == {
        "writeup-published",
        "writeup-shared",
        "explain-architecture",
        "git-iteration",
    }

    start = datetime(2026, 1, 6, 10, tzinfo=UTC)
    for day in range(6):
        repo.write("CHANGELOG.md", f"day {day}\n").commit(f"Improve {day}", when=start + timedelta(days=day))
    repo.write("README.md", GOOD_README.replace("(WRITEUP.md)", f"({POST_URL})")).commit(
        "Link the post", when=start + timedelta(days=7)
    )
    repo.git("push", "--quiet")
    repo.store.set_writeup_url(repo.name, POST_URL)
    _answering(repo.store, repo.name, POST_URL)
    repo.store.tick(repo.name, "writeup-shared", "https://www.linkedin.com/posts/ada-1")
    repo.store.tick(repo.name, "explain-architecture")

    ready = repo.report()
    assert [(r.check.id, r.evidence) for r in ready.results if not r.ok] == []
    assert (ready.level, ready.score, ready.next_checks()) == (Level.PORTFOLIO_READY, 100, [])


def test_a_level_counts_only_when_every_lower_level_passes(complete_repo: Repo, tmp_path: Path) -> None:
    _deploy(complete_repo, tmp_path)
    assert complete_repo.report().level is Level.DEPLOYED
    shutil.rmtree(complete_repo.path / "tests")  # deletes a Shareable requirement only
    report = complete_repo.report()
    assert all(r.ok for r in report.results if r.check.level is Level.DEPLOYED)
    assert report.level is Level.DRAFT
    assert report.next_checks()[0].check.id == "tests-folder"


def test_the_score_is_the_share_of_applicable_checks_passed(repo: Repo) -> None:
    report = repo.write("README.md", "# X\n\nA small tool for people.\n").commit().report()
    applicable = [r for r in report.results if r.result is not Result.NOT_APPLICABLE]
    passed = [r for r in applicable if r.result is Result.PASSED]
    assert {r.check.id for r in passed} == {"readme-title-pitch", "no-secrets"}
    assert report.score == round(100 * 2 / len(applicable))


def test_the_report_as_json_has_every_checklist_and_every_field(complete_repo: Repo) -> None:
    data = complete_repo.report().to_dict()
    assert (data["level"], data["name"]) == ("shareable", "Docs Q&A")
    assert 0 <= data["score"] <= 100
    assert set(data["checklists"]) == {c.value for c in Checklist}
    assert {"readme", "deployment", "writeup"} <= set(data["checklists"])
    for checks in data["checklists"].values():
        for check in checks:
            assert {"id", "title", "kind", "result", "evidence", "fix"} <= set(check)
            assert check["kind"] in ("auto", "manual")
            assert check["result"] in ("passed", "failed", "not_applicable", "not_checked")
    assert len(data["next"]) == 3


def test_a_missing_folder_is_not_checked_rather_than_failed(complete_repo: Repo) -> None:
    shutil.rmtree(complete_repo.path)
    report = complete_repo.report()
    automatic = [r for r in report.results if r.check.kind.value == "auto"]
    assert {r.result for r in automatic} == {Result.NOT_CHECKED}
    assert automatic[0].evidence == f"the project folder {complete_repo.path} is missing"
    assert (report.exists, report.level) == (False, Level.DRAFT)


def test_the_portfolio_is_as_ready_as_its_weakest_recommended_project(tmp_path: Path, store: Store) -> None:
    rag = make_repo(tmp_path, store, "Docs Q&A", "rag").write_all(COMPLETE_PROJECT).commit()
    assert rag.report().level is Level.SHAREABLE

    alone = check_portfolio(store, offline=True)
    assert (alone.level, alone.missing_kinds, alone.weakest) == (Level.NOT_STARTED, ["agent", "fullstack"], "agent")

    make_repo(tmp_path, store, "Research Agent", "agent").write_all(COMPLETE_PROJECT).commit()
    fullstack = make_repo(tmp_path, store, "Writer", "fullstack").write("README.md", "# Writer\n").commit()
    make_repo(tmp_path, store, "Side project", "custom").write("a.txt", "a").commit()
    portfolio = check_portfolio(store, offline=True)
    assert (portfolio.level, portfolio.weakest, portfolio.missing_kinds) == (Level.DRAFT, "fullstack", [])
    assert [r.name for r in portfolio.reports] == ["Docs Q&A", "Research Agent", "Writer", "Side project"]

    fullstack.write_all(COMPLETE_PROJECT).commit()
    assert check_portfolio(store, offline=True).level is Level.SHAREABLE
    assert check_portfolio(store, offline=True).to_dict()["recommended"] == {
        "rag": "Docs Q&A",
        "agent": "Research Agent",
        "fullstack": "Writer",
    }


def test_the_best_project_of_a_kind_represents_it(tmp_path: Path, store: Store) -> None:
    make_repo(tmp_path, store, "Old RAG", "rag").write("a.txt", "a").commit()
    make_repo(tmp_path, store, "New RAG", "rag").write_all(COMPLETE_PROJECT).commit()
    portfolio = check_portfolio(store, offline=True)
    assert portfolio.best_by_kind["rag"].name == "New RAG"
