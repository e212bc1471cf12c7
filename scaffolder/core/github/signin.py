"""Signing in (a token checked against the API, then kept in the credential store) and out."""

from __future__ import annotations

from dataclasses import dataclass

from scaffolder.core.github.api import Account, GitHubClient, MissingScope
from scaffolder.core.github.credentials import (
    TOKEN_SCOPES,
    Token,
    api_url,
    find_token,
    forget_token,
    remember_api_url,
    store_token,
)
from scaffolder.core.store import Store

REPO_SCOPES = ("repo", "public_repo")


@dataclass(frozen=True)
class SignedIn:
    api_url: str
    login: str
    source: str  # GITHUB_TOKEN, GH_TOKEN or credential store


def check_scopes(account: Account, private: bool = False) -> None:
    """A classic token says its scopes; one that cannot create the repository is refused up front.
    A fine-grained token says nothing: GitHub's answer to the create call decides."""
    if account.scopes is None:
        return
    needed = ("repo",) if private else REPO_SCOPES
    if not any(scope in account.scopes for scope in needed):
        have = ", ".join(account.scopes) or "none"
        raise MissingScope(
            f"The token of {account.login} cannot create {'private ' if private else ''}repositories (its scopes: {have}).",
            TOKEN_SCOPES,
        )


def sign_in(store: Store, token: str, url: str | None = None) -> SignedIn:
    """Check `token` against the API (it must name an account and be able to create repositories),
    then keep it in the credential store and remember the API URL."""
    url = api_url(store, url)
    entered = Token(token.strip(), "credential store")
    client = GitHubClient(url, entered)
    try:
        account = client.account()
    finally:
        client.close()
    check_scopes(account)
    store_token(url, entered.value)
    remember_api_url(store, url)
    return SignedIn(url, account.login, entered.source)


def sign_out(store: Store, url: str | None = None) -> bool:
    """Remove the kept token; False when none was kept. A token in the environment stays (it is the user's)."""
    return forget_token(api_url(store, url))


def who_is_signed_in(store: Store, url: str | None = None) -> SignedIn | None:
    """The account the token (environment first, then the store) belongs to; None without a token.
    Asks the API, so it raises GitHubError when the token is refused or the API does not answer."""
    url = api_url(store, url)
    token = find_token(url)
    if token is None:
        return None
    client = GitHubClient(url, token)
    try:
        return SignedIn(url, client.account().login, token.source)
    finally:
        client.close()
