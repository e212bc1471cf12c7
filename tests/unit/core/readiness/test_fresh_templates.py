"""A freshly generated project of each bundled template starts at the level its content deserves.

The templates grow (README, Dockerfile, CI, WRITEUP.md…), so nothing here hard-codes a level:
the level must be the highest rung whose checks all pass, the checks for the files a template
ships must pass, and what no fresh project can have (a remote, a live URL, weeks of history)
must hold it below Deployed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.core.catalogue import resolve_template
from scaffolder.core.generate import generate
from scaffolder.core.paths import BUNDLED_KINDS
from scaffolder.core.readiness import Level, Report, Result, check_project
from scaffolder.core.readiness.model import GATED_LEVELS
from scaffolder.core.store import Store
from tests.unit.core.readiness.conftest import git


def _deserved_level(report: Report) -> Level:
    reached = Level.DRAFT
    for level in GATED_LEVELS:
        if any(not r.ok for r in report.results if r.check.level <= level):
            return reached
        reached = level
    return reached


@pytest.mark.parametrize("kind", BUNDLED_KINDS)
def test_a_fresh_project_starts_at_the_level_its_content_deserves(kind: str, tmp_path: Path, store: Store) -> None:
    project = generate(resolve_template(kind), {}, tmp_path, store=store, trust=True).project
    report = check_project(store, project.name, offline=True)
    files = set(git(project.path, "ls-files").splitlines())

    assert report.level == _deserved_level(report)
    assert report.level <= Level.SHAREABLE, "a fresh project has no remote, no live URL and one commit"
    assert report.result("remote-pushed").evidence == "no git remote"
    assert report.result("live-url-answers").evidence == "no live URL recorded"
    assert report.result("git-iteration").evidence.startswith("1 commit on 1 day")
    assert report.result("no-secrets").result is Result.PASSED, report.result("no-secrets").evidence

    shipped = {
        "readme-title-pitch": "README.md" in files,
        "dockerfile": "Dockerfile" in files,
        "ci-workflow": any(f.startswith(".github/workflows/") for f in files),
        "tests-folder": any(f.startswith("tests/") for f in files),
        "env-example": ".env.example" in files,
        "readme-diagram": "```mermaid" in (project.path / "README.md").read_text(encoding="utf-8"),
        "platform-config": bool(files & {"render.yaml", "fly.toml", "railway.json", "railway.toml"}),
    }
    for check_id, ships_it in shipped.items():
        if ships_it:
            result = report.result(check_id)
            assert result.result is Result.PASSED, f"{kind} ships it but {check_id}: {result.evidence}"
    if "WRITEUP.md" in files:
        assert report.result("writeup-draft").evidence.startswith("WRITEUP.md: ")
