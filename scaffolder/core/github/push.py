"""`git push` over HTTPS with the token handed to that one git process.

The token travels in the child's environment only. Git asks for credentials through
GIT_ASKPASS: a small helper script, written to a private temporary folder for the push and
deleted after, that prints the token from the environment (the script holds no secret). The
user's credential helpers are switched off for this process (`-c credential.helper=`), so a
`store` or `cache` helper cannot keep the token on disk, and git never prompts.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from scaffolder.core.errors import UserError
from scaffolder.core.git import git_executable
from scaffolder.core.process_group import run_streaming

TOKEN_ENV = "SCAFFOLDER_GIT_TOKEN"
TOKEN_USERNAME = "x-access-token"  # GitHub accepts any user name with a token; this is the usual one

_POSIX_HELPER = f"""#!/bin/sh
case "$1" in
  [Uu]sername*) printf '%s\\n' '{TOKEN_USERNAME}' ;;
  *) printf '%s\\n' "${TOKEN_ENV}" ;;
esac
"""
_WINDOWS_HELPER = f"""@echo off
set "prompt=%~1"
if /i "%prompt:~0,8%"=="Username" (echo {TOKEN_USERNAME}) else (echo %{TOKEN_ENV}%)
"""


class PushFailed(UserError):
    """git push did not update the remote."""


class PushRejected(PushFailed):
    """The remote has commits this project lacks (non-fast-forward)."""


@contextmanager
def askpass_helper() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="scaffolder-askpass-") as folder:
        if sys.platform == "win32":
            helper = Path(folder) / "askpass.cmd"
            helper.write_text(_WINDOWS_HELPER, encoding="utf-8")
        else:
            helper = Path(folder) / "askpass.sh"
            helper.write_text(_POSIX_HELPER, encoding="utf-8")
            helper.chmod(0o700)
        yield helper


def push_command(remote: str, branch: str) -> list[str]:
    return [
        git_executable(),
        "-c",
        "credential.helper=",  # an empty value clears the list: no helper reads or stores the token
        "push",
        "--set-upstream",
        remote,
        f"refs/heads/{branch}:refs/heads/{branch}",
    ]


def push_branch(
    path: Path,
    remote: str,
    branch: str,
    token: str | None,
    *,
    cancel: threading.Event | None = None,
    on_line: Callable[[str], None] = lambda _line: None,
) -> None:
    """Push `branch` to `remote` and set it as the upstream. `token` None: the user's own git
    credentials are used (a remote that is not on the signed-in GitHub must never get the token)."""
    env = _push_env(path, remote)
    env.pop(TOKEN_ENV, None)
    with askpass_helper() as helper:
        if token is not None:
            env.update({"GIT_ASKPASS": str(helper), TOKEN_ENV: token})
        finished = run_streaming(
            push_command(remote, branch), path, env=env, on_line=on_line, cancel=cancel, what="git push"
        )
    if finished.returncode != 0:
        raise push_error(finished.lines, remote, branch)


def _push_env(path: Path, remote: str) -> dict[str, str]:
    """safe_git's environment (the project may be an imported one: its pre-push hook, fsmonitor
    and credential helpers must not run), with the one transport this push needs let through:
    https, ssh (with plain `ssh`, not a command the repository names), a folder, or http to this
    machine."""
    from urllib.parse import urlsplit

    from scaffolder.core.github.remote import remote_url
    from scaffolder.core.safe_git import safe_git

    env = safe_git(path).env
    url = remote_url(path, remote) or ""
    local_path = "://" not in url and (":" not in url or Path(url).is_absolute())  # a folder (Windows: C:\\…)
    scheme = "file" if local_path else urlsplit(url).scheme if "://" in url else "ssh"  # scp-like user@host:path
    host = urlsplit(url).hostname or ""
    allowed = {"https": "https", "ssh": "ssh", "git+ssh": "ssh", "file": "file"}.get(scheme, "")
    if scheme == "http" and (host in {"localhost", "::1"} or host.startswith("127.")):
        allowed = "http"
    env["GIT_ALLOW_PROTOCOL"] = allowed or "scaffolder-no-transport"
    if allowed == "ssh":
        env["GIT_SSH_COMMAND"] = "ssh"
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


def push_error(lines: tuple[str, ...], remote: str, branch: str) -> PushFailed:
    said = "\n".join(lines)
    lowered = said.lower()
    tail = "; ".join(line.strip() for line in lines[-3:])
    if "[rejected]" in lowered or "non-fast-forward" in lowered or "fetch first" in lowered:
        return PushRejected(
            f"The push was refused: {remote}'s {branch} has commits this project does not have.",
            f"Bring them in first (git pull --rebase {remote} {branch}), then publish again; the app never force-pushes.",
        )
    if any(s in lowered for s in ("could not resolve host", "failed to connect", "connection refused", "timed out")):
        return PushFailed(
            f"git could not reach {remote} ({tail}).", "Check your network connection, then publish again."
        )
    if any(s in lowered for s in ("authentication failed", "403", "401", "permission", "could not read username")):
        return PushFailed(
            f"The git server refused the credentials for {remote} ({tail}).",
            "Check that the token may write to the repository (Contents: read and write, or the repo scope), then publish again.",
        )
    return PushFailed(f"git push to {remote} failed: {tail or 'no output'}.", "Fix what git says, then publish again.")
