"""Deployment checks on real repositories: files, secrets, and the push state against a real
(bare, local) remote."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.core.readiness import Result
from scaffolder.core.store import Store
from tests.unit.core.readiness.conftest import Repo, git


def test_a_complete_project_passes_the_file_checks(complete_repo: Repo) -> None:
    report = complete_repo.report()
    assert report.result("dockerfile").evidence == "Dockerfile in the repository"
    assert report.result("platform-config").evidence == "render.yaml (Render)"
    assert report.result("ci-workflow").evidence == ".github/workflows/ci.yml"
    assert report.result("tests-folder").evidence == "tests/ with 1 tracked file"
    assert report.result("env-example").evidence == ".env.example in the repository"
    no_secrets = report.result("no-secrets")
    assert (no_secrets.result, no_secrets.evidence) == (
        Result.PASSED,
        "no .env tracked and no key-like string in 10 tracked files",
    )


def test_an_empty_project_fails_them_with_fixes(repo: Repo) -> None:
    report = repo.write("app.py", "x = 1\n").commit().report()
    expected = {
        "dockerfile": "no Dockerfile in the repository",
        "ci-workflow": "no workflow in .github/workflows/",
        "tests-folder": "no tests/ folder with tracked files",
        "env-example": "no .env.example in the repository",
    }
    for check_id, evidence in expected.items():
        result = report.result(check_id)
        assert (result.result, result.evidence) == (Result.FAILED, evidence)
        assert result.fix
    assert report.result("platform-config").evidence.startswith("none of fly.toml, render.yaml")


def test_a_dockerfile_written_but_not_committed(repo: Repo) -> None:
    repo.write("app.py", "x = 1\n").commit().write("Dockerfile", "FROM python\n")
    result = repo.result("dockerfile")
    assert (result.evidence, result.fix) == (
        "Dockerfile is on disk but not committed",
        "git add Dockerfile && git commit",
    )


def test_a_deploy_workflow_is_a_platform_config(repo: Repo) -> None:
    repo.write(
        ".github/workflows/main.yml",
        "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n  deploy-prod:\n    needs: test\n",
    ).commit()
    assert repo.result("platform-config").evidence == ".github/workflows/main.yml deploys"


def test_tests_inside_a_package_count(repo: Repo) -> None:
    repo.write("src/pkg/tests/test_a.py", "").write("src/pkg/tests/test_b.py", "").commit()
    assert repo.result("tests-folder").evidence == "src/pkg/tests/ with 2 tracked files"


def test_a_tracked_env_file_fails_and_says_how_to_untrack_it(repo: Repo) -> None:
    repo.write(".env", "DEBUG=1\n").write(".env.example", "DEBUG=\n").commit()
    result = repo.result("no-secrets")
    assert (result.result, result.evidence) == (Result.FAILED, "tracked: .env")
    assert result.fix.startswith("git rm --cached .env")


def test_an_api_key_in_a_tracked_file_is_found_with_file_and_line_and_not_repeated(repo: Repo) -> None:
    key = "sk-proj-" + "Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7"
    repo.write("src/config.py", f'MODEL = "gpt"\nAPI_KEY = "{key}"\n').commit()
    result = repo.result("no-secrets")
    assert result.result is Result.FAILED
    assert result.evidence == "src/config.py:2 has what looks like an OpenAI/Anthropic API key (sk-pro…)"
    assert key not in result.evidence


@pytest.mark.parametrize(
    "line",
    [
        'AWS = "AKIAIOSFODNN7EXAMPLE"',  # the AWS documentation's own example key
        'OPENAI_API_KEY = "sk-your-key-goes-here-xxxxxxxx"',
        'token = "sk-test-0000000000000000000000"',
    ],
)
def test_placeholders_are_not_leaks(repo: Repo, line: str) -> None:
    repo.write("settings.py", line + "\n").commit()
    assert repo.result("no-secrets").result is Result.PASSED


def test_a_key_in_an_untracked_file_is_not_reported(repo: Repo) -> None:
    repo.write(".gitignore", ".env\n").commit()
    repo.write(".env", "OPENAI_API_KEY=sk-proj-Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7\n")
    assert repo.result("no-secrets").result is Result.PASSED


def test_no_remote(repo: Repo) -> None:
    result = repo.write("a.txt", "a").commit().result("remote-pushed")
    assert (result.result, result.evidence) == (Result.FAILED, "no git remote")
    assert result.fix.startswith("Create an empty GitHub repository, then: git remote add origin")
    assert "git push -u origin main; or let the app do both: scaffolder publish " in result.fix


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    return bare


def test_a_remote_that_was_never_pushed_to(repo: Repo, remote: Path) -> None:
    repo.write("a.txt", "a").commit().git("remote", "add", "origin", str(remote))
    result = repo.result("remote-pushed")
    assert (result.evidence, result.fix) == (
        "remote origin is set but main was never pushed to it",
        "git push -u origin main",
    )


def test_pushed_then_ahead_then_pushed_again(repo: Repo, remote: Path) -> None:
    repo.write("a.txt", "a").commit().git("remote", "add", "origin", str(remote))
    repo.git("push", "--quiet", "-u", "origin", "main")
    head = repo.git("rev-parse", "--short=7", "HEAD").strip()
    pushed = repo.result("remote-pushed")
    assert (pushed.result, pushed.evidence) == (Result.PASSED, f"HEAD {head} is on origin/main")

    repo.write("b.txt", "b").commit().write("c.txt", "c").commit()
    ahead = repo.result("remote-pushed")
    assert (ahead.result, ahead.evidence, ahead.fix) == (
        Result.FAILED,
        "HEAD is 2 commits ahead of origin/main",
        "git push",
    )

    repo.git("push", "--quiet")
    assert repo.result("remote-pushed").result is Result.PASSED


def test_pushed_without_upstream_is_compared_with_the_same_branch(repo: Repo, remote: Path) -> None:
    repo.write("a.txt", "a").commit().git("remote", "add", "origin", str(remote))
    repo.git("push", "--quiet", "origin", "main")  # no -u: no upstream configured
    assert repo.result("remote-pushed").result is Result.PASSED
    repo.write("b.txt", "b").commit()
    assert repo.result("remote-pushed").evidence == "HEAD is 1 commit ahead of origin/main"


def test_a_repository_with_no_commit(repo: Repo) -> None:
    result = repo.result("remote-pushed")
    assert (result.result, result.evidence) == (Result.FAILED, "no commit yet")


def test_a_folder_that_is_not_a_repository_is_judged_by_its_files(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "plain"
    (folder / "tests").mkdir(parents=True)
    (folder / "tests" / "test_a.py").write_text("def test(): pass\n", encoding="utf-8")
    (folder / "Dockerfile").write_text("FROM python\n", encoding="utf-8")
    (folder / "config.py").write_text('KEY = "AKIA' + "Q" * 16 + '"\n', encoding="utf-8")
    store.add_project(name="Plain", kind="custom", path=folder, template=None, template_version=None, answers={})
    report = Repo(folder, store, "Plain").report()
    assert report.result("dockerfile").result is Result.PASSED
    assert report.result("tests-folder").evidence == "tests/ with 1 tracked file"
    assert report.result("no-secrets").evidence.startswith("config.py:1 has what looks like an AWS access key")
    assert report.result("remote-pushed").evidence == f"{folder} is not a git repository"
    assert report.result("git-iteration").evidence == f"{folder} is not a git repository"


# --- keys where a quick scan would not look ------------------------------------------------

REAL_LOOKING_KEY = "sk-proj-" + "Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7"


def test_a_key_in_a_file_with_a_nul_byte_is_found(repo: Repo) -> None:
    repo.write("data/settings.bin", b"\x00\x01header\x00API_KEY=" + REAL_LOOKING_KEY.encode() + b"\x00\n").commit()

    result = repo.result("no-secrets")

    assert (result.result, result.evidence) == (
        Result.FAILED,
        "data/settings.bin:1 has what looks like an OpenAI/Anthropic API key (sk-pro…)",
    )


def test_a_key_only_in_the_history_is_found_and_the_fix_says_rotate(repo: Repo) -> None:
    repo.write("src/config.py", 'MODEL = "gpt"\n').commit("config")
    repo.write("src/config.py", f'MODEL = "gpt"\nAPI_KEY = "{REAL_LOOKING_KEY}"\n').commit("add key")
    added = repo.git("rev-parse", "HEAD").strip()
    repo.write("src/config.py", 'MODEL = "gpt"\nAPI_KEY = os.environ["API_KEY"]\n').commit("read it from the env")

    result = repo.result("no-secrets")

    assert result.result is Result.FAILED
    assert result.evidence == (
        f"src/config.py:2 in commit {added[:7]} (no longer in the files) has what looks like"
        " an OpenAI/Anthropic API key (sk-pro…)"
    )
    assert result.fix.startswith("Rotate the key at the provider now")
    assert REAL_LOOKING_KEY not in result.evidence


def test_the_history_is_searched_only_so_far_back(repo: Repo) -> None:
    from scaffolder.core.readiness.snapshot import HISTORY_COMMITS

    repo.write("old.py", f'KEY = "{REAL_LOOKING_KEY}"\n').commit("long ago")
    repo.write("old.py", "KEY = None\n").commit("removed")
    for n in range(HISTORY_COMMITS):
        repo.git("commit", "--allow-empty", "--quiet", "--no-verify", "-m", f"work {n}")

    assert repo.result("no-secrets").result is Result.PASSED


@pytest.mark.parametrize(
    "key",
    [
        "sk-proj-Q7testZk2Lm9Np4Rs8Tv1Wx6Yb3",  # "test" inside a random run
        "ghp_" + "aB3yourC5dE7fG9hJ2kL4mN6pQ8rS1tU3vW5xY7",  # "your" inside a random run
        "AKIA" + "ZQFAKE7Q2M4N6P8R",  # "fake" between capitals and digits
    ],
)
def test_a_real_key_that_happens_to_contain_a_placeholder_word_is_still_a_key(repo: Repo, key: str) -> None:
    repo.write("settings.py", f'KEY = "{key}"\n').commit()

    assert repo.result("no-secrets").result is Result.FAILED


def test_a_key_the_first_commit_added_and_a_later_one_removed_is_found(repo: Repo) -> None:
    repo.write("src/config.py", f'API_KEY = "{REAL_LOOKING_KEY}"\n').commit("first")
    repo.write("src/config.py", 'API_KEY = os.environ["API_KEY"]\n').commit("read it from the env")
    removed = repo.git("rev-parse", "HEAD").strip()

    result = repo.result("no-secrets")

    assert result.result is Result.FAILED
    assert result.evidence.startswith(f"src/config.py:1 in commit {removed[:7]} (no longer in the files)")
