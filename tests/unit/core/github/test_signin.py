"""Signing in and out: the token is checked against the (fake) API, kept only in the credential
store, one per API URL; the environment's token wins; sign-out removes the kept one."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.core.errors import UserError
from scaffolder.core.github import credentials
from scaffolder.core.github.api import GitHubError, MissingScope
from scaffolder.core.github.signin import sign_in, sign_out, who_is_signed_in
from scaffolder.core.store import Store
from tests.helpers.fake_github import FakeGitHub
from tests.helpers.publishing import TOKEN, MemoryKeyring, files_containing


@pytest.fixture
def store(isolated_user: Path) -> Store:
    return Store()


def test_signing_in_keeps_the_token_in_the_credential_store_only(
    store: Store, github: FakeGitHub, memory_keyring: MemoryKeyring, isolated_user: Path
) -> None:
    signed = sign_in(store, f"  {TOKEN}\n", github.api_url)

    assert (signed.login, signed.api_url, signed.source) == ("ada-lovelace", github.api_url, "credential store")
    assert memory_keyring.passwords == {(credentials.KEYRING_SERVICE, github.api_url): TOKEN}
    assert store.setting(credentials.API_URL_SETTING) == github.api_url  # the URL is a setting, the token is not
    assert files_containing(TOKEN, isolated_user) == []
    assert who_is_signed_in(store) == signed
    assert repr(credentials.find_token(github.api_url)) == "Token(source='credential store')"


def test_a_bad_token_is_not_kept(store: Store, github: FakeGitHub, memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(GitHubError, match="refused the token"):
        sign_in(store, "ghp_wrong", github.api_url)
    assert memory_keyring.passwords == {}


def test_a_classic_token_without_the_repo_scope_is_refused_with_the_scopes_it_needs(
    store: Store, github: FakeGitHub, memory_keyring: MemoryKeyring
) -> None:
    github.scopes = "read:user, gist"
    with pytest.raises(MissingScope) as caught:
        sign_in(store, TOKEN, github.api_url)
    assert "its scopes: read:user, gist" in caught.value.message and "repo scope" in caught.value.hint
    assert memory_keyring.passwords == {}


def test_the_environment_wins_and_signing_out_removes_the_kept_token(
    store: Store, github: FakeGitHub, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(store, TOKEN, github.api_url)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_from_the_environment")
    assert credentials.find_token(github.api_url) == credentials.Token("ghp_from_the_environment", "GITHUB_TOKEN")
    monkeypatch.delenv("GITHUB_TOKEN")

    assert sign_out(store) is True
    assert memory_keyring.passwords == {}
    assert sign_out(store) is False
    assert who_is_signed_in(store) is None


def test_enterprise_servers_keep_their_own_token(store: Store, memory_keyring: MemoryKeyring) -> None:
    credentials.store_token("https://api.github.com", "ghp_public")
    credentials.store_token("https://github.example.com/api/v3", "ghp_enterprise")
    assert credentials.api_url(store, "https://github.example.com/api/v3/") == "https://github.example.com/api/v3"
    assert credentials.find_token("https://github.example.com/api/v3") == credentials.Token(
        "ghp_enterprise", "credential store"
    )
    with pytest.raises(UserError, match="not an http or https URL"):
        credentials.api_url(store, "github.example.com")


def test_no_credential_store_says_to_use_the_environment(
    store: Store, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    keyring.set_keyring(NoKeyring())
    assert credentials.find_token("https://api.github.com") is None
    with pytest.raises(credentials.CredentialStoreError) as caught:
        credentials.store_token("https://api.github.com", TOKEN)
    assert "GITHUB_TOKEN" in caught.value.hint
