"""Publishing to a fake GitHub on 127.0.0.1: real HTTP to the REST API (through PyGithub), a
real `git push` over smart HTTP to `git http-backend`, a real repository and portfolio."""

from __future__ import annotations

import logging
import re
import socket
from pathlib import Path

import pytest

from scaffolder.core.errors import UserError
from scaffolder.core.github import credentials
from scaffolder.core.github.api import GitHubError, MissingScope, NameTaken, Unreachable
from scaffolder.core.github.placeholders import PLACEHOLDER
from scaffolder.core.github.publish import (
    TOPICS_BY_KIND,
    PublishIncomplete,
    PublishRequest,
    fix_readme_and_push,
    publish,
)
from scaffolder.core.github.push import PushRejected
from scaffolder.core.store import Store
from tests.helpers.fake_github import FakeGitHub, commits_in, fake_github
from tests.helpers.publishing import TOKEN, MemoryKeyring, files_containing, git, make_project


@pytest.fixture
def store(isolated_user: Path) -> Store:
    return Store()


@pytest.fixture
def signed_in(store: Store, github: FakeGitHub, memory_keyring: MemoryKeyring) -> str:
    """Signed in with a token kept in the (memory) credential store, for the fake's API URL."""
    url = credentials.remember_api_url(store, github.api_url)
    credentials.store_token(url, TOKEN)
    return url


@pytest.fixture
def careless_git_config(isolated_user: Path) -> Path:
    """A user whose git stores every credential it is given in ~/.git-credentials."""
    config = isolated_user / ".gitconfig"
    config.write_text(config.read_text(encoding="utf-8") + "[credential]\n\thelper = store\n", encoding="utf-8")
    return config


def posted(github: FakeGitHub, method: str, path: str) -> list[object]:
    return [body for m, p, body in github.requests if m == method and p == path]


def test_publishing_creates_the_repository_with_the_projects_fields_and_pushes_main(
    store: Store,
    github: FakeGitHub,
    signed_in: str,
    isolated_user: Path,
    tmp_path: Path,
    careless_git_config: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    project = make_project(store, tmp_path / "docs-qa")

    with caplog.at_level(logging.DEBUG):  # every logger, PyGithub's and urllib3's included
        result = publish(store, PublishRequest(project.name))

    assert posted(github, "POST", "/user/repos") == [
        {"name": "docs-qa", "description": "Answers questions over your documents.", "private": False}
    ]
    assert github.repos["ada-lovelace/docs-qa"]["topics"] == list(TOPICS_BY_KIND["rag"])
    assert result.created and result.full_name == "ada-lovelace/docs-qa" and result.branch == "main"
    assert not result.uncommitted
    assert commits_in(github.bare_repo("ada-lovelace/docs-qa")) == git(project.path, "rev-list", "main").split()
    assert git(project.path, "remote", "get-url", "origin") == f"{github.git_url}/ada-lovelace/docs-qa.git"
    assert git(project.path, "rev-parse", "--abbrev-ref", "main@{upstream}") == "origin/main"
    # Nothing on disk holds the token: not the project (.git/config), the portfolio, nor HOME
    # (whose git config would have stored it in ~/.git-credentials, had the app let it).
    assert files_containing(TOKEN, project.path, isolated_user, tmp_path / "docs-qa") == []
    assert not (isolated_user / ".git-credentials").exists()
    assert "POST" in caplog.text and TOKEN not in caplog.text
    assert github.processes_showing_token == []  # nor the process list, while git pushed


def test_private_under_an_organisation_with_the_live_url_as_homepage(
    store: Store, github: FakeGitHub, signed_in: str, tmp_path: Path
) -> None:
    project = make_project(store, tmp_path / "docs-qa", kind="agent")
    store.set_live_url(project.name, "https://docs-qa.onrender.com")

    result = publish(store, PublishRequest(project.name, private=True, org="analytical-engines"))

    assert posted(github, "POST", "/orgs/analytical-engines/repos") == [
        {
            "name": "docs-qa",
            "description": "Answers questions over your documents.",
            "private": True,
            "homepage": "https://docs-qa.onrender.com",
        }
    ]
    assert result.full_name == "analytical-engines/docs-qa" and result.private
    assert result.topics == TOPICS_BY_KIND["agent"]
    assert commits_in(github.bare_repo("analytical-engines/docs-qa"))


def test_publishing_again_pushes_new_commits_and_sets_a_homepage_recorded_since(
    store: Store, github: FakeGitHub, signed_in: str, tmp_path: Path
) -> None:
    project = make_project(store, tmp_path / "docs-qa")
    publish(store, PublishRequest(project.name))
    (project.path / "more.py").write_text("x = 1\n", encoding="utf-8")
    git(project.path, "add", "more.py")
    git(project.path, "commit", "--quiet", "-m", "more")
    store.set_live_url(project.name, "https://docs-qa.fly.dev")
    (project.path / "notes.txt").write_text("not committed yet\n", encoding="utf-8")

    again = publish(store, PublishRequest(project.name))

    assert not again.created and again.uncommitted
    assert len(posted(github, "POST", "/user/repos")) == 1
    assert [body["homepage"] for body in posted(github, "PATCH", "/repos/ada-lovelace/docs-qa")] == [
        "https://docs-qa.fly.dev"
    ]  # type: ignore[index]
    assert commits_in(github.bare_repo("ada-lovelace/docs-qa"))[0] == git(project.path, "rev-parse", "HEAD")


def test_a_taken_name_says_what_to_do_and_adds_no_remote(
    store: Store, github: FakeGitHub, signed_in: str, tmp_path: Path
) -> None:
    github.create("ada-lovelace", {"name": "docs-qa"})
    project = make_project(store, tmp_path / "docs-qa")

    with pytest.raises(NameTaken) as caught:
        publish(store, PublishRequest(project.name))

    assert "already a repository named 'docs-qa'" in caught.value.message
    assert "--repo NAME" in caught.value.hint
    assert git(project.path, "remote") == ""
    renamed = publish(store, PublishRequest(project.name, repo_name="docs-qa-2"))
    assert renamed.full_name == "ada-lovelace/docs-qa-2"


def test_a_token_without_the_scope_is_told_which_permissions_it_needs(
    store: Store, github: FakeGitHub, signed_in: str, tmp_path: Path
) -> None:
    github.refuse_create = "Resource not accessible by personal access token"
    project = make_project(store, tmp_path / "docs-qa")

    with pytest.raises(MissingScope) as caught:
        publish(store, PublishRequest(project.name))

    assert "lacks the permission" in caught.value.message
    assert "Administration" in caught.value.hint and "repo scope" in caught.value.hint
    assert git(project.path, "remote") == "" and github.repos == {}


def test_a_rejected_token_and_no_token_at_all(
    store: Store, github: FakeGitHub, memory_keyring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(store, tmp_path / "docs-qa")
    with pytest.raises(credentials.NotSignedIn, match="not signed in"):
        publish(store, PublishRequest(project.name, api_url=github.api_url))
    monkeypatch.setenv("GH_TOKEN", "ghp_revoked")
    with pytest.raises(GitHubError, match="refused the token"):
        publish(store, PublishRequest(project.name, api_url=github.api_url))


def test_no_network_is_a_sentence(store: Store, memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    credentials.store_token(f"http://127.0.0.1:{port}", TOKEN)
    project = make_project(store, tmp_path / "docs-qa")

    with pytest.raises(Unreachable) as caught:
        publish(store, PublishRequest(project.name, api_url=f"http://127.0.0.1:{port}"))

    assert "did not answer" in caught.value.message and "network" in caught.value.hint


def test_a_rejected_push_is_explained_and_never_forced(
    store: Store, github: FakeGitHub, signed_in: str, tmp_path: Path
) -> None:
    project = make_project(store, tmp_path / "docs-qa")
    publish(store, PublishRequest(project.name))
    bare = github.bare_repo("ada-lovelace/docs-qa")
    other = tmp_path / "other-clone"
    git(tmp_path, "clone", "--quiet", str(bare), str(other))
    (other / "theirs.txt").write_text("from GitHub's web editor\n", encoding="utf-8")
    git(other, "add", "theirs.txt")
    git(other, "commit", "--quiet", "-m", "edited on GitHub")
    git(other, "push", "--quiet", "origin", "main")
    (project.path / "mine.txt").write_text("local\n", encoding="utf-8")
    git(project.path, "add", "mine.txt")
    git(project.path, "commit", "--quiet", "-m", "local change")
    theirs = commits_in(bare)[0]

    with pytest.raises(PushRejected) as caught:
        publish(store, PublishRequest(project.name))

    assert "has commits this project does not have" in caught.value.message
    assert "git pull --rebase origin main" in caught.value.hint
    assert commits_in(bare)[0] == theirs


def test_a_repository_created_but_not_pushed_is_reported_and_the_next_publish_finishes_it(
    store: Store, github: FakeGitHub, signed_in: str, tmp_path: Path
) -> None:
    github.reject_pushes = True
    project = make_project(store, tmp_path / "docs-qa")

    with pytest.raises(PublishIncomplete) as caught:
        publish(store, PublishRequest(project.name))

    assert caught.value.message.startswith(
        f"{github.git_url}/ada-lovelace/docs-qa was created, but main was not pushed"
    )
    assert "Publishing again pushes to that repository" in caught.value.hint
    assert commits_in(github.bare_repo("ada-lovelace/docs-qa")) == []

    github.allow_pushes("ada-lovelace/docs-qa")
    finished = publish(store, PublishRequest(project.name))

    assert not finished.created and len(posted(github, "POST", "/user/repos")) == 1
    assert commits_in(github.bare_repo("ada-lovelace/docs-qa")) == git(project.path, "rev-list", "main").split()


def test_an_origin_elsewhere_is_never_given_the_token(
    store: Store, github: FakeGitHub, signed_in: str, tmp_path: Path
) -> None:
    project = make_project(store, tmp_path / "docs-qa")
    git(project.path, "remote", "add", "origin", "https://gitlab.example.com/ada/docs-qa.git")

    with pytest.raises(
        UserError, match=re.escape("origin remote points at https://gitlab.example.com/ada/docs-qa.git")
    ):
        publish(store, PublishRequest(project.name))
    assert github.git_pushes == 0


def test_readme_placeholders_are_fixed_in_a_commit_that_is_pushed(
    store: Store, github: FakeGitHub, signed_in: str, tmp_path: Path, isolated_user: Path
) -> None:
    project = make_project(store, tmp_path / "docs-qa")
    result = publish(store, PublishRequest(project.name, repo_name="docs-qa-app"))
    assert result.readme_fix is not None and result.readme_fix.lines == 3
    assert result.readme_fix.summary == (
        "3 lines of README.md and pyproject.toml link to your-github-username;"
        " the fix points them at ada-lovelace/docs-qa-app."
    )

    sha = fix_readme_and_push(store, result)

    readme = (project.path / "README.md").read_text(encoding="utf-8")
    assert PLACEHOLDER not in readme
    assert "https://github.com/ada-lovelace/docs-qa-app/actions/workflows/ci.yml/badge.svg" in readme
    pyproject = (project.path / "pyproject.toml").read_text(encoding="utf-8")
    assert 'Repository = "https://github.com/ada-lovelace/docs-qa-app"' in pyproject
    assert (
        git(project.path, "log", "-1", "--format=%s")
        == "Point the README's badges and links at ada-lovelace/docs-qa-app"
    )
    assert git(project.path, "status", "--porcelain") == ""
    assert commits_in(github.bare_repo("ada-lovelace/docs-qa-app"))[0] == sha
    assert files_containing(TOKEN, project.path, isolated_user) == []


def test_a_git_server_that_does_not_answer_leaves_a_repository_the_next_publish_finishes(
    store: Store, github: FakeGitHub, signed_in: str, tmp_path: Path
) -> None:
    working_git_url = github.git_url
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        github.git_url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    project = make_project(store, tmp_path / "docs-qa")

    with pytest.raises(PublishIncomplete) as caught:
        publish(store, PublishRequest(project.name))

    assert "main was not pushed: git could not reach origin" in caught.value.message
    assert caught.value.hint.startswith("Check your network connection, then publish again.")
    github.git_url = working_git_url
    repo = github.repos["ada-lovelace/docs-qa"]
    repo["clone_url"] = f"{working_git_url}/ada-lovelace/docs-qa.git"
    git(project.path, "remote", "set-url", "origin", repo["clone_url"])  # as if the network came back
    assert not publish(store, PublishRequest(project.name)).created
    assert commits_in(github.bare_repo("ada-lovelace/docs-qa"))


def test_an_ssh_origin_on_the_signed_in_github_is_pushed_with_the_users_own_credentials(
    store: Store, github: FakeGitHub, signed_in: str, tmp_path: Path
) -> None:
    project = make_project(store, tmp_path / "docs-qa")
    publish(store, PublishRequest(project.name))
    git(project.path, "remote", "set-url", "origin", github.repos["ada-lovelace/docs-qa"]["ssh_url"])
    (project.path / "more.py").write_text("x = 1\n", encoding="utf-8")
    git(project.path, "add", "more.py")
    git(project.path, "commit", "--quiet", "-m", "more")
    pushes_over_https = github.git_pushes

    again = publish(store, PublishRequest(project.name))

    assert not again.created and not again.with_token
    assert github.git_pushes == pushes_over_https  # not through the HTTPS server, which demands the token
    assert commits_in(github.bare_repo("ada-lovelace/docs-qa"))[0] == git(project.path, "rev-parse", "HEAD")


def test_github_enterprise_server_through_its_api_url(
    store: Store, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    with fake_github(TOKEN, tmp_path / "enterprise", api_prefix="/api/v3") as enterprise:
        assert enterprise.api_url.endswith("/api/v3")
        credentials.store_token(enterprise.api_url, TOKEN)
        project = make_project(store, tmp_path / "docs-qa")

        result = publish(store, PublishRequest(project.name, api_url=enterprise.api_url + "/"))

        assert result.api_url == enterprise.api_url
        assert [path for method, path, _ in enterprise.requests if method == "POST"] == ["/user/repos"]
        assert commits_in(enterprise.bare_repo("ada-lovelace/docs-qa"))
        assert store.setting(credentials.API_URL_SETTING) == enterprise.api_url  # remembered for the next time


def test_an_unknown_organisation_is_named(store: Store, github: FakeGitHub, signed_in: str, tmp_path: Path) -> None:
    project = make_project(store, tmp_path / "docs-qa")
    with pytest.raises(GitHubError, match="there is no organisation 'no-such-org', or the token may not see it"):
        publish(store, PublishRequest(project.name, org="no-such-org"))
    assert git(project.path, "remote") == ""


def test_a_step_failing_after_the_repository_was_created_is_reported_and_finished_next_time(
    store: Store, github: FakeGitHub, signed_in: str, tmp_path: Path
) -> None:
    github.topics_failures = 1
    project = make_project(store, tmp_path / "docs-qa")

    with pytest.raises(PublishIncomplete) as caught:
        publish(store, PublishRequest(project.name))

    assert "was created, but main was not pushed: Could not set the topics" in caught.value.message
    assert caught.value.hint.endswith("Publishing again pushes to that repository.")
    finished = publish(store, PublishRequest(project.name))
    assert finished.topics == TOPICS_BY_KIND["rag"] and not finished.created
    assert commits_in(github.bare_repo("ada-lovelace/docs-qa")) == git(project.path, "rev-list", "main").split()


def test_a_project_git_cannot_publish_says_why_before_anything_is_created(
    store: Store, github: FakeGitHub, signed_in: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "--quiet", "-b", "main")
    store.add_project(name="Empty", kind="agent", path=empty, template=None, template_version=None, answers={})
    detached = make_project(store, tmp_path / "detached", name="Detached")
    git(detached.path, "checkout", "--quiet", "--detach", "HEAD")

    with pytest.raises(UserError, match="Empty has no commit yet"):
        publish(store, PublishRequest("Empty"))
    with pytest.raises(UserError, match="HEAD is detached"):
        publish(store, PublishRequest("Detached"))
    assert github.requests == []


def test_publishing_an_imported_repository_runs_none_of_its_hooks_or_helpers(
    store: Store, github: FakeGitHub, signed_in: str, tmp_path: Path
) -> None:
    """The push goes through safe git: the repository's pre-push hook, fsmonitor and the
    credential helper its config names stay dead, and the token still gets through."""
    project = make_project(store, tmp_path / "docs-qa")
    marker = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> {marker}\n')
    script.chmod(0o755)
    git(project.path, "config", "core.fsmonitor", str(script))
    git(project.path, "config", "credential.helper", f"!{script}")
    hook = project.path / ".git" / "hooks" / "pre-push"
    hook.write_text(f"#!/bin/sh\necho pre-push >> {marker}\n")
    hook.chmod(0o755)

    result = publish(store, PublishRequest(project.name))

    assert result.with_token and commits_in(github.bare_repo("ada-lovelace/docs-qa"))
    assert not marker.exists(), marker.read_text()
