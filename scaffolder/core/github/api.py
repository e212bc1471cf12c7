"""The GitHub REST calls publishing needs, through PyGithub, with every failure turned into a
sentence that says what to do.

PyGithub rather than githubkit: it is synchronous (the callers already run on a worker thread),
its objects read whatever fields a server returns (GitHub Enterprise Server versions differ),
and it has been maintained since 2012. Its retries and write pacing are turned off: a failure
is shown to the user at once, and a publish makes three or four calls, far below any limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scaffolder.core.errors import UserError
from scaffolder.core.github.credentials import TOKEN_SCOPES, Token

TIMEOUT_S = 20


class GitHubError(UserError):
    """GitHub refused a request or could not be reached."""


class NameTaken(GitHubError):
    """A repository of that name already exists under the owner."""


class MissingScope(GitHubError):
    """The token is valid but may not create or change repositories."""


class Unreachable(GitHubError):
    """The API URL does not answer (no network, wrong --api-url)."""


@dataclass(frozen=True)
class Account:
    login: str
    scopes: tuple[str, ...] | None  # a classic token's scopes; None for a fine-grained token


@dataclass(frozen=True)
class RemoteRepo:
    full_name: str
    owner: str
    name: str
    html_url: str
    clone_url: str
    ssh_url: str | None
    private: bool
    homepage: str | None
    topics: tuple[str, ...]


class GitHubClient:
    """One API URL and token. Every method raises GitHubError (or a subclass) with a sentence."""

    def __init__(self, api_url: str, token: Token) -> None:
        from github import Auth, Github

        self.api_url = api_url
        self._github = Github(
            auth=Auth.Token(token.value),
            base_url=api_url,
            timeout=TIMEOUT_S,
            retry=None,
            seconds_between_requests=None,
            seconds_between_writes=None,
            lazy=True,  # a request only when a field is read: set_topics needs no GET of the repository first
        )
        self._user: Any = None

    def close(self) -> None:
        self._github.close()

    def account(self) -> Account:
        """Who the token belongs to (GET /user); also proves the token works."""
        user = self._call("read your GitHub account", lambda: self._authenticated_user())
        scopes = self._github.oauth_scopes
        return Account(str(user.login), tuple(s.strip() for s in scopes if s.strip()) if scopes is not None else None)

    def _authenticated_user(self) -> Any:
        if self._user is None:
            user = self._github.get_user()
            user.raw_data  # noqa: B018  (lazy: this is the GET /user)
            self._user = user
        return self._user

    def create_repo(
        self, name: str, description: str, homepage: str | None, private: bool, org: str | None
    ) -> RemoteRepo:
        def create() -> Any:
            owner = self._github.get_organization(org) if org else self._authenticated_user()
            fields: dict[str, Any] = {"description": description, "private": private}
            if homepage:
                fields["homepage"] = homepage
            return _remote(owner.create_repo(name, **fields))

        where = f"the organisation {org}" if org else "your account"
        return self._call(f"create the repository {name} under {where}", create, name=name, org=org)  # type: ignore[no-any-return]

    def get_repo(self, full_name: str) -> RemoteRepo | None:
        """The repository, or None when it does not exist or the token cannot see it."""
        from github import UnknownObjectException

        try:
            return self._call(f"read {full_name}", lambda: _remote(self._github.get_repo(full_name)))  # type: ignore[no-any-return]
        except GitHubError as err:
            if isinstance(err.__cause__, UnknownObjectException):
                return None
            raise

    def set_homepage(self, repo: RemoteRepo, homepage: str) -> RemoteRepo:
        def edit() -> Any:
            remote = self._github.get_repo(repo.full_name)
            remote.edit(homepage=homepage)
            return remote

        self._call(f"set the homepage of {repo.full_name}", edit)
        return RemoteRepo(**{**repo.__dict__, "homepage": homepage})

    def set_topics(self, repo: RemoteRepo, topics: tuple[str, ...]) -> RemoteRepo:
        self._call(
            f"set the topics of {repo.full_name}",
            lambda: self._github.get_repo(repo.full_name).replace_topics(list(topics)),
        )
        return RemoteRepo(**{**repo.__dict__, "topics": topics})

    def _call(self, doing: str, request: Any, name: str | None = None, org: str | None = None) -> Any:
        import requests
        from github import BadCredentialsException, GithubException, UnknownObjectException

        try:
            return request()
        except BadCredentialsException as err:
            raise GitHubError(
                f"GitHub at {self.api_url} refused the token (bad credentials): it may have expired or been revoked.",
                f"Sign in again with a new token ({{sign_in_again}}). {TOKEN_SCOPES}",
            ) from err
        except UnknownObjectException as err:
            if org:
                raise GitHubError(
                    f"Could not {doing}: there is no organisation {org!r}, or the token may not see it.",
                    "Check the name, and that the token was granted access to the organisation (an owner may have to approve it).",
                ) from err
            if name:  # creating: GitHub answers Not Found to a token that may not create repositories
                raise MissingScope(
                    f"Could not {doing}: GitHub answered Not Found, as it does for a token without the permission.",
                    TOKEN_SCOPES,
                ) from err
            raise GitHubError(
                f"Could not {doing}: GitHub says it does not exist (or the token may not see it)."
            ) from err
        except GithubException as err:
            raise _translate(err, doing, name, org) from err
        except requests.exceptions.RequestException as err:
            raise Unreachable(
                f"Could not {doing}: {self.api_url} did not answer ({type(err).__name__}).",
                "Check your network connection; for GitHub Enterprise Server check {api_url}, e.g. https://github.example.com/api/v3.",
            ) from err


def _message(err: Any) -> str:
    data = err.data if isinstance(err.data, dict) else {}
    parts = [str(data.get("message", "")).strip()]
    for item in data.get("errors", []) or []:
        if isinstance(item, dict) and item.get("message"):
            parts.append(str(item["message"]).strip())
    return "; ".join(p for p in parts if p) or f"HTTP {err.status}"


def _translate(err: Any, doing: str, name: str | None, org: str | None) -> GitHubError:
    said = _message(err)
    if err.status == 422 and "already exists" in said.lower():
        owner = org or "your account"
        return NameTaken(
            f"There is already a repository named {name!r} under {owner} ({said}).",
            "If it is this project's, add it as the remote (git remote add origin <its URL>) and publish again;"
            " otherwise {publish_elsewhere}.",
        )
    if err.status in (403, 404) and ("not accessible" in said.lower() or "permission" in said.lower()):
        return MissingScope(f"Could not {doing}: the token lacks the permission ({said}).", TOKEN_SCOPES)
    if err.status == 403 and "rate limit" in said.lower():
        return GitHubError(
            f"Could not {doing}: GitHub's rate limit was reached ({said}).", "Wait a few minutes and try again."
        )
    if err.status == 403:
        return MissingScope(f"Could not {doing}: GitHub refused ({said}).", TOKEN_SCOPES)
    return GitHubError(
        f"Could not {doing}: GitHub answered {err.status} ({said}).",
        "Try again; if it persists, check https://www.githubstatus.com.",
    )


def _remote(repo: Any) -> RemoteRepo:
    raw = repo.raw_data
    return RemoteRepo(
        full_name=str(raw["full_name"]),
        owner=str(raw["owner"]["login"]),
        name=str(raw["name"]),
        html_url=str(raw["html_url"]),
        clone_url=str(raw["clone_url"]),
        ssh_url=raw.get("ssh_url") or None,
        private=bool(raw.get("private", False)),
        homepage=raw.get("homepage") or None,
        topics=tuple(raw.get("topics") or ()),
    )
