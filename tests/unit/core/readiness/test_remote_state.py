"""Where HEAD stands against its remote, read from `.git` without git processes, must agree with
what git itself says (`for-each-ref`), in every layout a user's repository can be in."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.core.readiness import Result
from scaffolder.core.readiness.gitdir import _parse_config, read_git_refs
from scaffolder.core.readiness.snapshot import RemoteState, _commits, _remote_state, _remote_state_from_git
from scaffolder.core.safe_git import safe_git
from scaffolder.core.store import Store
from tests.unit.core.readiness.conftest import Repo, git, make_repo


def both_ways(path: Path) -> RemoteState:
    repo = safe_git(path)
    commits = _commits(repo)
    fast, from_git = _remote_state(repo, commits), _remote_state_from_git(repo, commits)
    assert fast == from_git
    return fast


@pytest.fixture
def pushed(repo: Repo, tmp_path: Path) -> Repo:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    repo.write("a.txt", "a").commit().git("remote", "add", "origin", str(remote))
    repo.git("push", "--quiet", "-u", "origin", "main")
    return repo


def _push_from_elsewhere(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", "--branch", "main", str(tmp_path / "remote.git"), str(clone))
    (clone / "b.txt").write_text("from a laptop\n", encoding="utf-8")
    git(clone, "add", "b.txt")
    git(clone, "commit", "--quiet", "-m", "Elsewhere")
    git(clone, "push", "--quiet")


def test_in_sync_ahead_and_packed_refs(pushed: Repo) -> None:
    assert both_ways(pushed.path).pushed
    pushed.write("c.txt", "c").commit()
    state = both_ways(pushed.path)
    assert (state.ahead, state.behind, state.compared_with) == (1, 0, "origin/main")
    pushed.git("push", "--quiet")
    pushed.git("pack-refs", "--all")
    assert not (pushed.path / ".git/refs/remotes/origin/main").exists()
    assert both_ways(pushed.path).pushed


def test_behind_is_still_pushed_and_diverged_is_not(pushed: Repo, tmp_path: Path) -> None:
    _push_from_elsewhere(tmp_path)
    pushed.git("fetch", "--quiet")
    behind = both_ways(pushed.path)
    assert (behind.ahead, behind.behind, behind.pushed) == (0, 1, True)
    assert pushed.result("remote-pushed").evidence.endswith("is on origin/main; 1 behind (pull)")

    pushed.write("local.txt", "mine").commit()
    diverged = both_ways(pushed.path)
    assert (diverged.ahead, diverged.behind, diverged.pushed) == (1, 1, False)
    assert pushed.result("remote-pushed").evidence == "HEAD is 1 commit ahead of origin/main"


def test_an_upstream_whose_remote_branch_is_gone(pushed: Repo) -> None:
    pushed.git("update-ref", "-d", "refs/remotes/origin/main")
    state = both_ways(pushed.path)
    assert state.gone
    result = pushed.result("remote-pushed")
    assert (result.result, result.evidence) == (Result.FAILED, "origin/main no longer exists on the remote")


def test_a_detached_head(pushed: Repo) -> None:
    pushed.git("checkout", "--quiet", "--detach")
    state = both_ways(pushed.path)
    assert state.branch is None
    assert pushed.result("remote-pushed").evidence.startswith("HEAD is detached at ")


def test_a_worktree_is_read_through_git(pushed: Repo, tmp_path: Path, store: Store) -> None:
    """A worktree's `.git` is a file: the fast reader declines and git answers instead."""
    worktree = tmp_path / "feature-tree"
    pushed.git("worktree", "add", "--quiet", "-b", "feature", str(worktree))
    assert read_git_refs(worktree) is None
    store.add_project(name="Feature", kind="custom", path=worktree, template=None, template_version=None, answers={})
    feature = Repo(worktree, store, "Feature")
    assert feature.result("remote-pushed").evidence == "remote origin is set but feature was never pushed to it"
    feature.git("push", "--quiet", "-u", "origin", "feature")
    assert feature.result("remote-pushed").result is Result.PASSED


def test_a_config_with_includes_is_left_to_git(repo: Repo, tmp_path: Path) -> None:
    extra = tmp_path / "extra.gitconfig"
    extra.write_text('[remote "backup"]\n\turl = /nowhere\n', encoding="utf-8")
    repo.write("a.txt", "a").commit().git("config", "include.path", str(extra))
    assert read_git_refs(repo.path) is None
    assert both_ways(repo.path).remotes == ("backup",)


def test_the_config_reader_knows_quoted_and_old_style_sections() -> None:
    config = _parse_config(
        '[core]\n\tbare = false\n[remote "my \\"fork\\""]\n\turl = git@example.org:a/b.git\n'
        '; a comment\n[remote.old]\n  url = /x\n[branch "main"]\n\tremote = origin\n\tmerge = refs/heads/main\n'
    )
    assert config is not None
    assert config[("remote", 'my "fork"')] == {"url": "git@example.org:a/b.git"}
    assert config[("remote", "old")] == {"url": "/x"}
    assert config[("branch", "main")] == {"remote": "origin", "merge": "refs/heads/main"}


def test_a_repository_before_its_first_commit(tmp_path: Path, store: Store) -> None:
    fresh = make_repo(tmp_path, store, "Fresh")
    state = both_ways(fresh.path)
    assert (state.head, state.compared_with) == (None, None)
    assert fresh.result("remote-pushed").evidence == "no commit yet"
