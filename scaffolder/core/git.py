"""Git through GitPython: one `Repo` per operation, closed after.

GitPython is imported lazily (it is slow to import and raises at import time when git is
missing), so the check for the `git` program can come first and say what to do.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from scaffolder.core.errors import GitIdentityMissing, GitMissing, UserError

TEMPLATE_REF = "refs/scaffolder/template"
_GIT_INSTALL_HINT = (
    "Install git (https://git-scm.com/downloads; on Debian/Ubuntu: sudo apt install git) "
    "and make sure it is on PATH, then try again."
)


@dataclass(frozen=True)
class Identity:
    name: str
    email: str


@dataclass(frozen=True)
class RepoSummary:
    branch: str | None
    head: str | None
    last_commit_at: datetime | None
    commit_count: int
    dirty: bool


def git_executable() -> str:
    """The git program's path; GitMissing if there is none."""
    configured = os.environ.get("GIT_PYTHON_GIT_EXECUTABLE", "git")
    found = shutil.which(configured)
    if not found:
        raise GitMissing("The git program was not found, and projects are kept in git repositories.", _GIT_INSTALL_HINT)
    return found


def _git_module() -> Any:
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
    import git

    return git


def import_in_background() -> None:
    """Start importing GitPython on another thread; the next `_git_module()` waits for it.

    Only worth it while the calling thread waits for something outside Python (a process):
    GitPython's import is Python code, and would compete with other Python work for the GIL.
    A failure is left for the real import to raise, with git's own message."""

    def import_quietly() -> None:
        with contextlib.suppress(Exception):  # reported by the import that needs it
            import git  # noqa: F401

    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")  # here: not while another thread starts a process
    threading.Thread(target=import_quietly, name="import-gitpython").start()


def global_config(*query: str) -> str:
    """What `git config QUERY` prints outside any repository (global and system config, with
    their includes): the repository the app happens to run from does not count, its local
    identity is not a new repository's. Empty when nothing is set."""
    no_repository = os.path.join(os.devnull, "no-repository")  # never exists: no local config is read
    result = subprocess.run(
        [git_executable(), "config", *query],
        env={**os.environ, "GIT_DIR": no_repository},
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )
    return result.stdout


def configured_identity() -> Identity | None:
    """user.name and user.email as git sees them outside any repository (`global_config`).
    One `git config` process, no GitPython."""
    values: dict[str, str] = {}
    for line in global_config(
        "--get-regexp", r"^user\.(name|email)$"
    ).splitlines():  # exit 1 and no output when neither is set
        key, _, value = line.partition(" ")
        values[key.lower()] = value.strip()  # the last one wins, as in git
    name, email = values.get("user.name", ""), values.get("user.email", "")
    return Identity(name, email) if name and email else None


def resolve_identity(fallback: Identity | None) -> Identity | None:
    """None when git's own config has an identity (it will be used); else the app's fallback.

    Raises GitIdentityMissing, saying exactly what to set, when neither is known."""
    if configured_identity() is not None:
        return None
    if fallback is not None and fallback.name.strip() and "@" in fallback.email:
        return fallback
    raise GitIdentityMissing(
        "Git does not know who you are, and the first commit needs an author name and e-mail.",
        "{git_identity}",
    )


def init_and_commit(
    path: Path,
    message: str,
    identity: Identity | None,
    on_step: Callable[[str], None] = lambda _step: None,
) -> str:
    """`git init -b main`, add everything, first commit, point TEMPLATE_REF at it. Returns the sha.

    `identity`, when given, is written to this repository's own config only. The commit skips
    the user's commit hooks and signing: it records generated files, and a pinentry prompt or a
    global pre-commit hook must not hang or fail generation."""
    git = _git_module()
    on_step("git init")
    # Files, not reftable, whatever the user's git makes by default (init.defaultRefFormat;
    # Git 3.0): GitPython and the readiness scan read refs as files. Older git ignores this.
    repo = git.Repo.init(path, initial_branch="main", env={"GIT_DEFAULT_REF_FORMAT": "files"})
    try:
        if identity is not None:
            with repo.config_writer("repository") as config:
                config.set_value("user", "name", identity.name)
                config.set_value("user", "email", identity.email)
        on_step("git add")
        # The user's global excludes (core.excludesFile: .vscode/, .env, *.log...) must not drop
        # files the template ships; the project's own .gitignore still applies.
        repo.git(c=f"core.excludesFile={os.devnull}").add("--all")
        on_step("git commit")
        repo.git.commit("--no-verify", "--no-gpg-sign", "--quiet", "-m", message)
        # Read and write the ref files directly: repo.head.commit would start a `git cat-file`
        # helper process, and `git update-ref` one more git process.
        sha = str(git.SymbolicReference.dereference_recursive(repo, "HEAD"))
        git.SymbolicReference(repo, TEMPLATE_REF).set_reference(git.Commit(repo, bytes.fromhex(sha)))
        return sha
    except git.GitCommandError as err:
        raise UserError(f"git failed while creating the first commit: {err.stderr.strip() or err}.") from err
    finally:
        repo.close()


def is_repository(path: Path) -> bool:
    git = _git_module()
    try:
        git.Repo(path).close()
        return True
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return False


def head_commit_of(path: Path) -> str | None:
    """The commit checked out in the repository that holds `path`, if any (template versions)."""
    git = _git_module()
    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    try:
        # From the ref files: repo.head.commit would start a `git cat-file` helper process.
        return str(git.SymbolicReference.dereference_recursive(repo, "HEAD"))
    except ValueError:  # no commit yet
        return None
    finally:
        repo.close()


def summarize(path: Path) -> RepoSummary | None:
    """Branch, head, last commit time, commit count and dirtiness; None if not a repository
    (or git did not answer in it in time).

    Asked of git, not read from the ref files, so that a repository with git's newer reftable
    ref storage (which the user may import) is summarized like any other. The repository may be
    one the user imported: every git process runs through `safe_git`, whose configuration
    cannot start a program (fsmonitor, hooks, filters…), with a time limit."""
    # Imported here: safe_git needs git_executable() from this module.
    from scaffolder.core.safe_git import safe_git

    path = Path(path)
    if not path.is_dir():
        return None
    repo = safe_git(path)
    # Asked of git rather than GitPython, which the dashboard then never imports at start-up.
    top = repo.run("rev-parse", "--show-toplevel")
    if top.returncode != 0 or Path(top.stdout.decode("utf-8", errors="replace").strip()).resolve() != path.resolve():
        return None  # not a repository, or a folder inside one
    status = repo.run(
        "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=normal", "--ignore-submodules=all"
    )
    entries = [entry for entry in status.stdout.decode("utf-8", errors="replace").split("\0") if entry]
    headers = {k: v for k, _, v in (e.partition(" ")[2].partition(" ") for e in entries if e.startswith("# "))}
    branch = headers.get("branch.head")
    branch = None if branch in (None, "(detached)") else branch
    dirty = any(not entry.startswith("# ") for entry in entries)
    last = repo.run("log", "-1", "--format=%H %cI")
    if repo.stalled:  # git did not answer in time: unknown, not "no commits"
        return None
    fields = last.stdout.decode("ascii", errors="replace").split()
    if last.returncode != 0 or len(fields) != 2:  # no commit yet
        return RepoSummary(branch, None, None, 0, dirty)
    head, committed_at = fields
    count = repo.run("rev-list", "--count", "HEAD").stdout.strip()
    return RepoSummary(branch, head, datetime.fromisoformat(committed_at), int(count or 0), dirty)
