"""The git plumbing an update needs, one `git` process per step (list arguments, never a shell).

Plain `git` rather than GitPython here: an update sets a private index file and, for a dry run, a
private object folder through the environment, and needs git's exit codes (a merge that stops on
conflicts exits 1) and its own sentences, which GitPython would wrap.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scaffolder.core.errors import UserError
from scaffolder.core.git import TEMPLATE_REF, Identity, git_executable


@dataclass(frozen=True)
class FileChange:
    """One file the template changed between two versions, with its unified diff."""

    path: str
    status: str  # "added" | "modified" | "deleted" | "renamed"
    diff: str
    old_path: str | None = None  # for a rename


_STATUS = {"A": "added", "M": "modified", "D": "deleted", "R": "renamed", "T": "modified", "C": "added"}


# A merge driver the repository names is replaced by git's own three-way text merge (the same
# merge, conflict markers included, that git does for a file with no driver): blanked, as for
# reads, the driver would make every merge of such a file fail.
BUILTIN_TEXT_MERGE = "git merge-file %A %O %B"


def with_builtin_merge_drivers(env: dict[str, str]) -> dict[str, str]:
    env = dict(env)
    for key, name in list(env.items()):
        if key.startswith("GIT_CONFIG_KEY_") and name.startswith("merge.") and name.endswith(".driver"):
            env["GIT_CONFIG_VALUE_" + key.removeprefix("GIT_CONFIG_KEY_")] = BUILTIN_TEXT_MERGE
    return env


class Git:
    """git run in one repository, with extra environment (a private index, objects, an identity).

    Every process starts from `safe_git`'s environment: the project may be an imported (then
    linked) repository, and a merge would otherwise run the merge drivers, hooks and fsmonitor its
    config names. Merges use git's own text merge."""

    def __init__(self, repo: Path, env: dict[str, str] | None = None, base: dict[str, str] | None = None) -> None:
        self.repo = repo
        self.env = dict(env or {})
        self._base = base

    def with_env(self, **extra: str) -> Git:
        return Git(self.repo, {**self.env, **extra}, self._base)

    def _base_env(self) -> dict[str, str]:
        if self._base is None:
            from scaffolder.core.safe_git import safe_git

            self._base = with_builtin_merge_drivers(safe_git(self.repo).env)
        return self._base

    def run(self, *args: str, check: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [git_executable(), "-C", str(self.repo), *args],
            env={**self._base_env(), **self.env},
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
        if check and result.returncode != 0:
            said = (result.stderr or result.stdout).strip().splitlines()
            raise UserError(
                f"git {_subcommand(args)} failed in {self.repo}: {said[-1] if said else f'exit code {result.returncode}'}.",
                "Nothing was changed by the update; fix what git says and try again.",
            )
        return result

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.strip()

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).returncode == 0

    def resolve(self, ref: str) -> str | None:
        result = self.run("rev-parse", "--quiet", "--verify", f"{ref}^{{commit}}", check=False)
        return result.stdout.strip() or None if result.returncode == 0 else None

    def git_dir(self) -> Path:
        return Path(self.out("rev-parse", "--absolute-git-dir"))


def _subcommand(args: tuple[str, ...]) -> str:
    """The git command in `args`, past the global options and their values (for messages)."""
    takes_value = {"--git-dir", "--work-tree", "-c", "-C"}
    at = 0
    while at < len(args) and args[at].startswith("-"):
        at += 2 if args[at] in takes_value else 1
    return args[at] if at < len(args) else "command"


def repository_state_refusal(git: Git) -> UserError | None:
    """Why an update cannot start in this repository now, or None. Checked before anything is written."""
    if not git.ok("rev-parse", "--is-inside-work-tree"):
        return UserError(
            f"{git.repo} is not a git repository.", "Update works on projects the app generated or linked."
        )
    git_dir = git.git_dir()
    in_progress = {
        "MERGE_HEAD": "a merge",
        "CHERRY_PICK_HEAD": "a cherry-pick",
        "REVERT_HEAD": "a revert",
        "rebase-merge": "a rebase",
        "rebase-apply": "a rebase or git am",
    }
    for marker, what in in_progress.items():
        if (git_dir / marker).exists():
            return UserError(
                f"{git.repo} is in the middle of {what}; an update would mix its changes with it.",
                "Finish it (git merge --continue, git rebase --continue…) or back out of it (… --abort) first.",
            )
    if git.run("symbolic-ref", "--quiet", "HEAD", check=False).returncode != 0:
        return UserError(
            f"{git.repo} has a detached HEAD: the update's merge commit would belong to no branch.",
            "Check out the branch to update first (git switch main).",
        )
    if git.resolve("HEAD") is None:
        return UserError(f"{git.repo} has no commit yet.", "Commit your files first.")
    # GIT_OPTIONAL_LOCKS=0: status must not refresh (write) the project's index; a refusal writes nothing.
    status = git.with_env(GIT_OPTIONAL_LOCKS="0").out("status", "--porcelain", "--untracked-files=normal")
    if status:
        count = len(status.splitlines())
        return UserError(
            f"{git.repo} has {count} uncommitted change{'s' if count != 1 else ''}; an update must start from a clean tree"
            " so that git can merge and you can undo it.",
            "Commit them (git add -A && git commit) or stash them (git stash -u), then update again.",
        )
    return None


def current_branch(git: Git) -> str:
    return git.out("symbolic-ref", "--quiet", "--short", "HEAD")


def pristine_commit(git: Git) -> str | None:
    return git.resolve(TEMPLATE_REF)


def identity_env(git: Git, fallback: Identity | None) -> dict[str, str]:
    """Author/committer variables when git has no identity of its own here (global or the
    repository's config) and the app knows one; empty when git can commit as it is."""
    if git.ok("var", "GIT_COMMITTER_IDENT") or fallback is None:
        return {}
    return {
        "GIT_AUTHOR_NAME": fallback.name,
        "GIT_AUTHOR_EMAIL": fallback.email,
        "GIT_COMMITTER_NAME": fallback.name,
        "GIT_COMMITTER_EMAIL": fallback.email,
    }


def repository_identity(git: Git) -> Identity | None:
    """The identity written in the repository's own config (generation puts the app's fallback there)."""
    name = git.run("config", "--local", "user.name", check=False).stdout.strip()
    email = git.run("config", "--local", "user.email", check=False).stdout.strip()
    return Identity(name, email) if name and "@" in email else None


@contextmanager
def scratch_objects(git: Git) -> Iterator[Git]:
    """A Git whose new objects go to a temporary folder (reading the repository's own as alternates):
    a dry run can build and diff trees without writing a byte into the project's .git."""
    objects = git.git_dir() / "objects"
    with tempfile.TemporaryDirectory(prefix="scaffolder-objects-") as scratch:
        yield git.with_env(GIT_OBJECT_DIRECTORY=scratch, GIT_ALTERNATE_OBJECT_DIRECTORIES=str(objects))


def tree_of_folder(git: Git, folder: Path) -> str:
    """The tree object of `folder`'s files as generation commits them: the folder's own .gitignore
    applies, the user's global excludes do not. Uses a private index; the project's is untouched."""
    with tempfile.TemporaryDirectory(prefix="scaffolder-index-") as scratch:
        private = git.with_env(GIT_INDEX_FILE=str(Path(scratch) / "index"))
        tree_git = ["--git-dir", str(git.git_dir()), "--work-tree", str(folder)]
        private.run(*tree_git, "-c", f"core.excludesFile={os.devnull}", "add", "--all")
        return private.out(*tree_git, "write-tree")


def commit_tree(git: Git, tree: str, parents: list[str], message: str) -> str:
    args = ["commit-tree", tree, "--no-gpg-sign"]
    for parent in parents:
        args += ["-p", parent]
    return git.out(*args, "-m", message)


def tree_changes(git: Git, old: str, new: str) -> tuple[FileChange, ...]:
    """What changed from tree-ish `old` to `new`: one FileChange per file, renames detected."""
    listing = git.run("diff", "--no-color", "--name-status", "-z", "-M", old, new, "--").stdout.split("\0")
    entries: list[tuple[str, str, str | None]] = []
    at = 0
    while at < len(listing) and listing[at]:
        code = listing[at][0]
        if code in "RC":
            entries.append((code, listing[at + 2], listing[at + 1]))
            at += 3
        else:
            entries.append((code, listing[at + 1], None))
            at += 2
    # One patch for all files, cut at each "diff --git" header: git writes the patch in the same
    # order as the name-status list (one diff queue, two formats). One process, not one per file.
    patch = git.run("diff", "--no-color", "--no-ext-diff", "-M", old, new, "--").stdout
    chunks = _split_patch(patch)
    if len(chunks) != len(entries):  # never seen; then ask file by file
        chunks = [
            git.out("diff", "--no-color", "--no-ext-diff", "-M", old, new, "--", *([p] if o is None else [o, p]))
            for _code, p, o in entries
        ]
    return tuple(
        FileChange(path, _STATUS.get(code, "modified"), diff, old_path if code == "R" else None)
        for (code, path, old_path), diff in zip(entries, chunks, strict=True)
    )


def _split_patch(patch: str) -> list[str]:
    chunks: list[list[str]] = []
    for line in patch.splitlines():
        if line.startswith("diff --git "):
            chunks.append([])
        if chunks:
            chunks[-1].append(line)
    return ["\n".join(chunk) for chunk in chunks]


def commit_with_tree(git: Git, tree: str) -> str | None:
    """The newest commit in HEAD's history whose files are exactly `tree`, if any."""
    for line in git.out("log", "--format=%H %T", "HEAD").splitlines():
        commit, _, commit_tree_id = line.partition(" ")
        if commit_tree_id == tree:
            return commit
    return None


def conflicted_files(git: Git) -> tuple[str, ...]:
    names = git.run("diff", "--name-only", "--diff-filter=U", "-z").stdout.split("\0")
    return tuple(sorted(name for name in names if name))
