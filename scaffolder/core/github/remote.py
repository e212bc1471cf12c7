"""The project's `origin` remote: the source of truth for "this project is published there"."""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from scaffolder.core.errors import UserError

REMOTE = "origin"


def git_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """git in the project through safe_git (it may be an imported repository: no hook or helper runs)."""
    from scaffolder.core.safe_git import safe_git

    done = safe_git(folder).run(*args)
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8", errors="replace"),
        done.stderr.decode("utf-8", errors="replace"),
    )


def remote_url(path: Path, remote: str = REMOTE) -> str | None:
    result = git_in(path, "remote", "get-url", remote)
    return result.stdout.strip() or None if result.returncode == 0 else None


def add_remote(path: Path, url: str, remote: str = REMOTE) -> None:
    result = git_in(path, "remote", "add", remote, url)
    if result.returncode != 0:
        raise UserError(f"Could not add the git remote {remote}: {result.stderr.strip()}.")


def owner_and_name(url: str) -> tuple[str, str] | None:
    """('owner', 'repo') from an HTTPS or SSH remote URL (…/owner/repo(.git)); None otherwise."""
    if "://" not in url and ":" in url:  # scp-like: git@github.com:owner/repo.git
        path = url.split(":", 1)[1]
    else:
        try:
            path = urlsplit(url).path
        except ValueError:
            return None
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2:
        return None
    return parts[-2], parts[-1].removesuffix(".git")


def web_url(url: str) -> str | None:
    """The browser address of a GitHub remote (https://host/owner/repo), for links."""
    found = owner_and_name(url)
    if found is None:
        return None
    if "://" in url:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        scheme = "https" if parts.scheme in ("https", "ssh", "git") else parts.scheme
    else:
        host = url.split(":", 1)[0].rpartition("@")[2]
        scheme = "https"
    return f"{scheme}://{host}/{found[0]}/{found[1]}"


def same_remote(a: str, b: str) -> bool:
    return (
        a.strip().removesuffix("/").removesuffix(".git").lower()
        == b.strip().removesuffix("/").removesuffix(".git").lower()
    )
