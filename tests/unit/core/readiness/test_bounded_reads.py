"""A file a check reads may be a trap: a FIFO (open blocks until someone writes), a device, a
symlink out of the project, a file of gigabytes. Each is skipped with evidence that says why,
and one such project never holds up the rest of the portfolio."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from scaffolder.core.readiness import Result, check_portfolio
from scaffolder.core.readiness.files import MAX_TEXT_BYTES, Skipped, read_text_bounded
from scaffolder.core.store import Store
from tests.helpers.cli import run_scaffolder
from tests.unit.core.readiness.conftest import COMPLETE_PROJECT, GOOD_README, WRITEUP, Repo, make_repo

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and these symlinks are POSIX")
ROOT = Path(__file__).resolve().parents[4]


def _replace_with_fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


@posix_only
@pytest.mark.timeout(60)
def test_a_fifo_readme_is_skipped_with_evidence_and_never_opened(complete_repo: Repo) -> None:
    _replace_with_fifo(complete_repo.path / "README.md")

    report = complete_repo.report()

    for check_id in ("readme-title-pitch", "readme-setup", "readme-license"):
        result = report.result(check_id)
        assert (result.result, result.evidence) == (Result.FAILED, "README.md is not a regular file")
        assert result.fix == "Make it a regular text file inside the repository (under 1 MB), then check again."
    assert report.result("readme-links-writeup").evidence == "README.md is not a regular file"


@posix_only
@pytest.mark.timeout(60)
def test_one_fifo_project_does_not_hang_the_portfolio_status(tmp_path: Path, store: Store) -> None:
    trapped = make_repo(tmp_path / "a", store, "Trapped").write_all(COMPLETE_PROJECT).commit("first")
    healthy = make_repo(tmp_path / "b", store, "Healthy", kind="agent").write_all(COMPLETE_PROJECT).commit("first")
    _replace_with_fifo(trapped.path / "README.md")
    _replace_with_fifo(trapped.path / "WRITEUP.md")

    status = run_scaffolder("status", "--offline", timeout=50)
    portfolio = check_portfolio(store, offline=True)

    assert status.returncode == 0, status.stderr
    assert "Trapped" in status.stdout and "Healthy" in status.stdout
    reports = {r.name: r for r in portfolio.reports}
    assert reports["Healthy"].result("readme-title-pitch").result is Result.PASSED
    assert reports["Trapped"].result("writeup-draft").evidence == "WRITEUP.md is not a regular file"
    assert healthy.path.is_dir()


@posix_only
def test_a_readme_linking_out_of_the_project_is_not_read(tmp_path: Path, repo: Repo) -> None:
    outside = tmp_path / "outside-secret.md"
    outside.write_text("# Private notes\n\nThe password is hunter2.\n", encoding="utf-8")
    repo.write("src/app.py", "x = 1\n").commit()
    (repo.path / "README.md").symlink_to(outside)
    repo.commit("link")

    result = repo.result("readme-title-pitch")

    assert result.result is Result.FAILED
    assert result.evidence == f"README.md is a symbolic link that leaves the project (to {outside.resolve()})"
    assert "hunter2" not in str(repo.report().to_dict())


@posix_only
def test_a_readme_linking_inside_the_project_is_read(repo: Repo) -> None:
    repo.write("docs/README.md", GOOD_README).write("LICENSE", "MIT\n")
    (repo.path / "README.md").symlink_to("docs/README.md")
    repo.commit("link")

    assert repo.result("readme-title-pitch").result is Result.PASSED


def test_a_readme_larger_than_the_limit_is_skipped_without_reading_it(repo: Repo) -> None:
    repo.write("README.md", "# Big\n").commit()
    with open(repo.path / "README.md", "r+b") as readme:
        readme.truncate(MAX_TEXT_BYTES * 3)  # sparse: 3 MB that cost nothing to make

    result = repo.result("readme-title-pitch")

    assert result.result is Result.FAILED
    assert result.evidence == "README.md is larger than 1 MB (3,000,000 bytes); not read"


def test_a_write_up_that_is_a_folder_is_not_a_write_up(repo: Repo) -> None:
    repo.write("WRITEUP.md", WRITEUP).commit()
    (repo.path / "WRITEUP.md").unlink()
    (repo.path / "WRITEUP.md").mkdir()

    assert repo.result("writeup-draft").evidence == "WRITEUP.md is not a regular file"


@posix_only
def test_the_reader_refuses_devices_and_dangling_links(tmp_path: Path) -> None:
    (tmp_path / "zero").symlink_to("/dev/zero")
    (tmp_path / "gone").symlink_to(tmp_path / "nothing-here")
    (tmp_path / "plain.md").write_text("hello\n", encoding="utf-8")

    assert read_text_bounded(tmp_path, "zero") == Skipped(
        "zero is a symbolic link that leaves the project (to /dev/zero)"
    )
    assert read_text_bounded(Path("/dev"), "zero") == Skipped("zero is not a regular file")
    assert read_text_bounded(tmp_path, "gone") == Skipped("gone is a symbolic link that leads nowhere")
    assert read_text_bounded(tmp_path, "absent.md") is None
    assert read_text_bounded(tmp_path, "plain.md") == "hello\n"


@posix_only
@pytest.mark.timeout(60)
def test_a_repository_whose_git_stalls_is_judged_from_its_files_and_says_what_is_unknown(
    complete_repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its config includes a FIFO: every git process would wait. One timeout, then the checks
    that need git say so, and the README is still read from disk."""
    from scaffolder.core import safe_git

    monkeypatch.setattr(safe_git, "DEFAULT_TIMEOUT_S", 1.0)
    os.mkfifo(tmp_path / "trap")
    with (complete_repo.path / ".git" / "config").open("a", encoding="utf-8") as config:
        config.write(f"[include]\n\tpath = {tmp_path / 'trap'}\n")

    report = complete_repo.report()

    iteration = report.result("git-iteration")
    assert (iteration.result, iteration.evidence) == (
        Result.NOT_CHECKED,
        "git did not answer in this repository: git config did not finish in 1 s",
    )
    assert report.result("no-secrets").result is Result.NOT_CHECKED
    assert report.result("readme-title-pitch").result is Result.PASSED
