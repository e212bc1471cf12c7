"""Publish a project: create its GitHub repository, add `origin`, push its branch.

Like GitHub Desktop's *Publish repository*: name = the project's slug, description = its pitch,
public unless asked, homepage = the recorded live URL, topics by kind. The `origin` remote is the
record that a project is published (nothing goes to the portfolio database). It is added as soon
as the repository exists, so a push that fails leaves a state the next publish finishes: it finds
`origin` on the signed-in GitHub and pushes, instead of trying to create the repository again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from scaffolder.core import git
from scaffolder.core.errors import FolderMissing, UserError
from scaffolder.core.github import placeholders, remote
from scaffolder.core.github.api import Account, GitHubClient, RemoteRepo
from scaffolder.core.github.credentials import Token, api_url, remember_api_url, require_token
from scaffolder.core.github.push import push_branch
from scaffolder.core.github.signin import check_scopes
from scaffolder.core.store import Project, Store

TOPICS_BY_KIND: dict[str, tuple[str, ...]] = {
    "rag": ("rag", "llm", "retrieval-augmented-generation", "fastapi", "python"),
    "agent": ("ai-agent", "llm", "tool-calling", "fastapi", "python"),
    "fullstack": ("llm", "fastapi", "full-stack", "htmx", "python"),
    "custom": (),
}


class PublishIncomplete(UserError):
    """The repository exists on GitHub but the push did not finish: publishing again finishes it."""


@dataclass(frozen=True)
class PublishRequest:
    name: str  # the project's name in the portfolio
    private: bool = False
    org: str | None = None
    repo_name: str | None = None  # default: the project's slug
    api_url: str | None = None  # default: the remembered one, else https://api.github.com


@dataclass(frozen=True)
class PublishResult:
    project: str
    api_url: str
    account: str
    full_name: str
    html_url: str
    clone_url: str
    private: bool
    created: bool  # False: it was published before, this run pushed (and finished what was left)
    branch: str
    head: str
    uncommitted: bool  # the working tree has changes that were not committed, so not published
    with_token: bool  # pushed over HTTPS with the token; False: over SSH with the user's own key
    homepage: str | None
    topics: tuple[str, ...]
    readme_fix: placeholders.PlaceholderFix | None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["topics"] = list(self.topics)
        data["readme_fix"] = self.readme_fix.summary if self.readme_fix else None
        return data


def repo_name_for(project: Project) -> str:
    slug = project.answers.get("project_slug")
    return str(slug) if slug else project.path.name


def pitch_of(project: Project) -> str:
    return str(project.answers.get("description") or "").strip()


def _repository_state(project: Project) -> git.RepoSummary:
    if not project.exists:
        raise FolderMissing(project.name, project.path, then=", then publish")
    summary = git.summarize(project.path)
    if summary is None:
        raise UserError(f"{project.path} is not a git repository.", "Run  git init  and commit, then publish.")
    if summary.head is None:
        raise UserError(f"{project.name} has no commit yet.", "Commit your work, then publish.")
    if summary.branch is None:
        raise UserError(f"{project.name}'s HEAD is detached, not on a branch.", "git switch main, then publish.")
    return summary


def _existing(client: GitHubClient, url: str) -> tuple[RemoteRepo, bool]:
    """The repository `origin` points at, if it is on the signed-in GitHub, and whether the push
    gets the token: over HTTPS (its clone_url) it does; over SSH (its ssh_url) the user's own key
    is used, and the token is not handed to git at all."""
    found = remote.owner_and_name(url)
    repo = client.get_repo(f"{found[0]}/{found[1]}") if found else None
    if repo is not None and remote.same_remote(repo.clone_url, url):
        return repo, True
    if repo is not None and repo.ssh_url and remote.same_remote(repo.ssh_url, url):
        return repo, False
    raise UserError(
        f"This project's origin remote points at {url}, which is not a repository on {client.api_url} the token can see.",
        "Push it yourself (git push), or remove that remote (git remote remove origin) to publish a new repository."
        " For GitHub Enterprise Server, {sign_in_with_api_url}.",
    )


def _incomplete(project: Project, repo: RemoteRepo, branch: str, err: UserError) -> PublishIncomplete:
    """Nothing half-done goes unsaid: the repository exists, and what finishes the job."""
    if remote.remote_url(project.path) is None:
        finish = f"Add it as the remote yourself (git remote add origin {repo.clone_url}), then publish again."
    else:
        finish = "Publishing again pushes to that repository."
    return PublishIncomplete(
        f"{repo.html_url} was created, but {branch} was not pushed: {err.message}", f"{err.hint} {finish}".strip()
    )


def publish(
    store: Store,
    request: PublishRequest,
    *,
    token: Token | None = None,
    cancel: threading.Event | None = None,
    progress: Callable[[str], None] = lambda _step: None,
) -> PublishResult:
    project = store.get(request.name)
    branch = str(_repository_state(project).branch)
    url = api_url(store, request.api_url)
    token = token or require_token(url)
    client = GitHubClient(url, token)
    created: RemoteRepo | None = None
    try:
        progress("Checking the token")
        account: Account = client.account()
        check_scopes(account, request.private)
        origin = remote.remote_url(project.path)
        if origin is not None:
            progress(f"Already published: {origin}")
            repo, with_token = _existing(client, origin)
            if project.live_url and repo.homepage != project.live_url:
                repo = client.set_homepage(repo, project.live_url)
        else:
            name = request.repo_name or repo_name_for(project)
            progress(f"Creating {request.org or account.login}/{name}")
            repo = created = client.create_repo(name, pitch_of(project), project.live_url, request.private, request.org)
            remote.add_remote(project.path, repo.clone_url)
            with_token = True
        topics = TOPICS_BY_KIND.get(project.kind, ())
        if topics and not repo.topics:
            repo = client.set_topics(repo, topics)
        progress(f"Pushing {branch} to {repo.html_url}")
        push_branch(project.path, remote.REMOTE, branch, token.value if with_token else None, cancel=cancel)
    except UserError as err:
        if created is not None:
            raise _incomplete(project, created, branch, err) from err
        raise
    finally:
        client.close()
    if request.api_url:
        remember_api_url(store, url)  # the next publish, sign-in and deploy use it too
    state = _repository_state(project)
    slug = str(project.answers.get("project_slug") or "") or None
    return PublishResult(
        project=project.name,
        api_url=url,
        account=account.login,
        full_name=repo.full_name,
        html_url=repo.html_url,
        clone_url=repo.clone_url,
        private=repo.private,
        created=created is not None,
        branch=branch,
        head=str(state.head),
        uncommitted=state.dirty,
        with_token=with_token,
        homepage=repo.homepage,
        topics=repo.topics,
        readme_fix=placeholders.find_fix(project.path, repo.owner, repo.name, slug),
    )


def fix_readme_and_push(
    store: Store, result: PublishResult, *, token: Token | None = None, cancel: threading.Event | None = None
) -> str:
    """Commit the README fix the user confirmed and push it. Returns the commit's sha."""
    if result.readme_fix is None:
        raise UserError("The README names no placeholder account: nothing to fix.")
    project = store.get(result.project)
    sha = placeholders.apply_fix(result.readme_fix)
    secret = (token or require_token(result.api_url)).value if result.with_token else None
    push_branch(project.path, remote.REMOTE, result.branch, secret, cancel=cancel)
    return sha
