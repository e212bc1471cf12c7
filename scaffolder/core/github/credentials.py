"""The GitHub token: from GITHUB_TOKEN or GH_TOKEN when set, else the one the user entered once,
kept in the operating system's credential store through `keyring`.

The token never goes to the portfolio database, the settings, a repository's config or a log:
only the API URL is a setting (it is not a secret). `Token.value` is left out of its repr so a
logged or printed Token shows where it came from, never what it is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from scaffolder.core.errors import UserError
from scaffolder.core.readiness.urls import validate_url
from scaffolder.core.store import Store

DEFAULT_API_URL = "https://api.github.com"
TOKEN_ENV_VARS = ("GITHUB_TOKEN", "GH_TOKEN")
KEYRING_SERVICE = "ai-portfolio-scaffolder/github"
API_URL_SETTING = "github_api_url"
TOKEN_SCOPES = (
    "A fine-grained token needs Repository access: All repositories, with Administration and Contents set to"
    " Read and write (Metadata: read-only comes with them); a classic token needs the repo scope"
    " (public_repo is enough for public repositories). Create one on GitHub under Settings > Developer settings >"
    " Personal access tokens."
)


class NotSignedIn(UserError):
    """No token in the environment or the credential store for this API URL."""


class CredentialStoreError(UserError):
    """The operating system's credential store cannot be used."""


@dataclass(frozen=True)
class Token:
    value: str = field(repr=False)
    source: str  # "GITHUB_TOKEN", "GH_TOKEN" or "credential store"


def normalize_api_url(url: str) -> str:
    """An http(s) API URL without its trailing slash (InvalidUrl when it is not one)."""
    return validate_url(url).rstrip("/")


def api_url(store: Store, override: str | None = None) -> str:
    """The API URL to use: `override` (e.g. --api-url), else the remembered one, else github.com's."""
    if override:
        return normalize_api_url(override)
    return normalize_api_url(store.setting(API_URL_SETTING) or DEFAULT_API_URL)


def remember_api_url(store: Store, url: str) -> str:
    url = normalize_api_url(url)
    store.set_settings({API_URL_SETTING: url})
    return url


def _keyring() -> Any:
    import keyring
    import keyring.errors

    return keyring


def _account(url: str) -> str:
    """The credential store keeps one token per API URL (github.com and an Enterprise server apart)."""
    return url


def stored_token(url: str) -> str | None:
    """The token kept for `url` in the credential store; None when there is none or no store works."""
    keyring = _keyring()
    try:
        value = keyring.get_password(KEYRING_SERVICE, _account(url))
    except keyring.errors.KeyringError:
        return None
    return value or None


def find_token(url: str) -> Token | None:
    for var in TOKEN_ENV_VARS:
        value = os.environ.get(var, "").strip()
        if value:
            return Token(value, var)
    kept = stored_token(url)
    return Token(kept, "credential store") if kept else None


def require_token(url: str) -> Token:
    token = find_token(url)
    if token is None:
        raise NotSignedIn(
            f"You are not signed in to GitHub at {url}.",
            f"Sign in with a personal access token: {{sign_in}}, or set GITHUB_TOKEN. {TOKEN_SCOPES}",
        )
    return token


def store_token(url: str, token: str) -> None:
    """Keep `token` for `url` in the credential store (call after checking it works)."""
    token = token.strip()
    if not token or any(c.isspace() for c in token):
        raise UserError("That is not a GitHub token: it is empty or has spaces in it.", TOKEN_SCOPES)
    keyring = _keyring()
    try:
        keyring.set_password(KEYRING_SERVICE, _account(url), token)
    except keyring.errors.KeyringError as err:
        raise CredentialStoreError(
            f"The token could not be kept in this system's credential store: {err}.",
            "Set GITHUB_TOKEN in the environment instead (the app never writes the token to a file).",
        ) from err


def forget_token(url: str) -> bool:
    """Remove the token kept for `url`; False when none was kept."""
    keyring = _keyring()
    try:
        keyring.delete_password(KEYRING_SERVICE, _account(url))
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.KeyringError as err:
        raise CredentialStoreError(f"The credential store could not be changed: {err}.") from err
    return True
