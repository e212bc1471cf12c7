"""Everything the checks read from one project, read once: tracked files, README and write-up
text (parsed), CI workflows, commit dates, the remote-tracking state and key-like strings.

Four `git` processes per project (config, ls-files, log, grep), whatever the number of checks;
refs and remotes are read from `.git` directly (see gitdir.py), so a portfolio of 100 projects is
checked in about a second. Every git call goes through `safe_git`: the project may be one the
user imported, and its config must not start programs (fsmonitor, hooks, filters…); it also
sets GIT_OPTIONAL_LOCKS=0: reading must never write to `.git`, or the GUI's file watcher would
see its own re-check as a change. Files are read through `files.read_text_bounded`: a FIFO,
device, outward symlink or huge file is skipped with the reason, never opened blocking.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from scaffolder.core.readiness.files import Skipped, read_text_bounded
from scaffolder.core.readiness.gitdir import read_git_refs
from scaffolder.core.readiness.leaks import KeyHit, find_keys, grep_expression
from scaffolder.core.readiness.markdown import MarkdownDoc, parse_markdown
from scaffolder.core.safe_git import SafeGit, safe_git

README_NAMES = ("README.md", "readme.md", "Readme.md", "README.markdown", "README")
WRITEUP_NAMES = (
    "WRITEUP.md",
    "writeup.md",
    "Writeup.md",
    "WRITE-UP.md",
    "write-up.md",
    "docs/WRITEUP.md",
    "docs/writeup.md",
    "docs/write-up.md",
    "docs/Writeup.md",
    "BLOG.md",
    "docs/blog.md",
    "docs/BLOG.md",
)
WORKFLOW_DIR = ".github/workflows/"
_MAX_KEY_HITS = 20
_SKIPPED_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".mypy_cache", ".pytest_cache", ".tox"}


@dataclass(frozen=True)
class RemoteState:
    """Where HEAD stands against its remote, from the local remote-tracking refs (no network)."""

    remotes: tuple[str, ...] = ()
    branch: str | None = None
    head: str | None = None
    compared_with: str | None = None  # e.g. "origin/main"
    remote_sha: str | None = None
    ahead: int | None = None  # None: unknown (the remote ref is not in HEAD's history)
    behind: int | None = None
    gone: bool = False  # the upstream is configured but its remote ref was deleted

    @property
    def pushed(self) -> bool:
        return self.head is not None and self.compared_with is not None and self.ahead == 0 and not self.gone


@dataclass(frozen=True)
class TextFile:
    path: str
    text: str
    doc: MarkdownDoc


@dataclass(frozen=True)
class RepoSnapshot:
    root: Path
    exists: bool
    is_repo: bool
    tracked: frozenset[str]  # POSIX paths relative to root (all files when not a repository)
    commits: tuple[tuple[str, int], ...] = ()  # (sha, author time) newest first, from HEAD
    remote: RemoteState = field(default_factory=RemoteState)
    key_hits: tuple[KeyHit, ...] = ()
    readme: TextFile | None = None
    writeup: TextFile | None = None
    workflows: dict[str, str] = field(default_factory=dict)  # path → text
    key_scan_error: str | None = None  # the scan for keys could not finish: no-secrets is then unknown
    skipped: dict[str, str] = field(default_factory=dict)  # path → why it was not read ("… is not a regular file")

    def has(self, path: str) -> bool:
        return path in self.tracked

    @cached_property
    def tracked_dirs(self) -> frozenset[str]:
        """Every folder that holds a tracked file, at any depth ("" is the root)."""
        folders: set[str] = set()
        for path in self.tracked:
            folder = path.rpartition("/")[0]
            while folder and folder not in folders:
                folders.add(folder)
                folder = folder.rpartition("/")[0]
        return frozenset(folders)

    def skipped_among(self, names: tuple[str, ...]) -> str | None:
        """Why the first of `names` that is there was not read ("README.md is not a regular file")."""
        return next((self.skipped[n] for n in names if n in self.skipped), None)

    def untracked_on_disk(self, path: str) -> bool:
        """The file is there but git does not track it: the fix is `git add`, not writing it."""
        return self.is_repo and not self.has(path) and (self.root / path).is_file()


def _present_tracked(listing: str) -> frozenset[str]:
    """Tracked files still in the working tree: deleting a file is judged before it is committed."""
    entries = [entry.partition(" ") for entry in listing.split("\0") if entry]
    deleted = {path for tag, _, path in entries if tag == "R"}
    return frozenset(path for tag, _, path in entries if tag != "R" and path not in deleted)


def _walk_files(root: Path) -> frozenset[str]:
    """Files on disk, for a folder that is not a git repository."""
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS]
        base = Path(folder).relative_to(root)
        found.extend((base / f).as_posix() for f in files)
    return frozenset(found)


def _read_text(root: Path, path: str, skipped: dict[str, str]) -> str | None:
    """The file's text, or None; a file that is not safe to read is noted in `skipped`."""
    text = read_text_bounded(root, path)
    if isinstance(text, Skipped):
        skipped[path] = text.reason
        return None
    return text


def _first_present(
    root: Path, tracked: frozenset[str], names: tuple[str, ...], skipped: dict[str, str]
) -> TextFile | None:
    for name in names:
        if name in tracked:
            text = _read_text(root, name, skipped)
            if text is not None:
                return TextFile(name, text, parse_markdown(text))
    return None


def _commits(repo: SafeGit) -> tuple[tuple[str, int], ...]:
    out = repo.run("log", "--format=%H %at", "HEAD")
    if out.returncode != 0:  # a repository with no commit yet
        return ()
    commits = []
    for line in out.stdout.decode("ascii", errors="replace").splitlines():
        sha, _, when = line.partition(" ")
        if when.isdigit():
            commits.append((sha, int(when)))
    return tuple(commits)


def _parse_track(track: str) -> tuple[int | None, int | None, bool]:
    """`%(upstream:track,nobracket)`: "", "ahead 2", "behind 1", "ahead 2, behind 1" or "gone"."""
    if track.strip() == "gone":
        return None, None, True
    ahead = behind = 0
    for part in track.split(","):
        word, _, number = part.strip().partition(" ")
        if word == "ahead" and number.isdigit():
            ahead = int(number)
        elif word == "behind" and number.isdigit():
            behind = int(number)
    return ahead, behind, False


def _compare(
    repo: SafeGit,
    remotes: tuple[str, ...],
    branch: str,
    head: str,
    ref: str,
    remote_sha: str,
    commits: tuple[tuple[str, int], ...],
) -> RemoteState:
    """HEAD against a remote-tracking ref: from the history already read when the remote ref is
    in it (the usual case), else from one `git rev-list --left-right --count`."""
    history = [sha for sha, _ in commits]
    name = ref.removeprefix("refs/remotes/")
    if remote_sha in history:
        return RemoteState(remotes, branch, head, name, remote_sha, history.index(remote_sha), 0)
    counts = repo.run("rev-list", "--left-right", "--count", f"{head}...{remote_sha}").stdout.split()
    if len(counts) == 2 and all(c.isdigit() for c in counts):
        return RemoteState(remotes, branch, head, name, remote_sha, int(counts[0]), int(counts[1]))
    return RemoteState(remotes, branch, head, name, remote_sha)


def _remote_state(repo: SafeGit, commits: tuple[tuple[str, int], ...]) -> RemoteState:
    refs = read_git_refs(repo.root)
    if refs is None:
        return _remote_state_from_git(repo, commits)
    if refs.head is None:  # no commit yet: nothing to compare
        return RemoteState(refs.remotes)
    if refs.branch is None:
        return RemoteState(refs.remotes, head=refs.head)
    if refs.upstream:
        remote_sha = refs.resolve(refs.upstream)
        if remote_sha is None:
            return RemoteState(
                refs.remotes, refs.branch, refs.head, refs.upstream.removeprefix("refs/remotes/"), gone=True
            )
        return _compare(repo, refs.remotes, refs.branch, refs.head, refs.upstream, remote_sha, commits)
    # No upstream configured (pushed without -u): compare with the same branch on a remote.
    for remote in refs.remotes:
        ref = f"refs/remotes/{remote}/{refs.branch}"
        if (remote_sha := refs.resolve(ref)) is not None:
            return _compare(repo, refs.remotes, refs.branch, refs.head, ref, remote_sha, commits)
    return RemoteState(refs.remotes, refs.branch, refs.head)


def _remote_state_from_git(repo: SafeGit, commits: tuple[tuple[str, int], ...]) -> RemoteState:
    """The same, asking git: for layouts `read_git_refs` does not read (worktrees, reftable…)."""
    remotes = tuple(repo.run("remote").stdout.decode("utf-8", errors="replace").split())
    refs = repo.run(
        "for-each-ref",
        "--format=%(HEAD)%00%(refname)%00%(objectname)%00%(upstream)%00%(upstream:track,nobracket)",
        "refs/heads",
        "refs/remotes",
    )
    ref_sha: dict[str, str] = {}
    current: tuple[str, str, str, str] | None = None
    for line in refs.stdout.decode("utf-8", errors="replace").splitlines():
        fields = line.split("\0")
        if len(fields) != 5:
            continue
        is_head, name, sha, upstream, track = fields
        ref_sha[name] = sha
        if is_head == "*":
            current = (name, sha, upstream, track)
    if current is None:  # detached HEAD, or no commit yet
        return RemoteState(remotes=remotes, head=commits[0][0] if commits else None)
    name, sha, upstream, track = current
    branch = name.removeprefix("refs/heads/")
    if upstream:
        ahead, behind, gone = _parse_track(track)
        return RemoteState(
            remotes, branch, sha, upstream.removeprefix("refs/remotes/"), ref_sha.get(upstream), ahead, behind, gone
        )
    for remote in remotes:
        ref = f"refs/remotes/{remote}/{branch}"
        if ref in ref_sha:
            return _compare(repo, remotes, branch, sha, ref, ref_sha[ref], commits)
    return RemoteState(remotes, branch, sha)


def _key_hits(repo: SafeGit, is_repo: bool) -> tuple[tuple[KeyHit, ...], str | None]:
    """Key-like strings in tracked text files, and why the scan failed if it did."""
    scope = () if is_repo else ("--no-index", "--exclude-standard")
    out = repo.run("grep", *scope, "-I", "-n", "-z", "-E", "-e", grep_expression())
    if out.returncode not in (0, 1):  # 1: no match
        return (), out.stderr.decode("utf-8", errors="replace").strip() or f"git grep failed ({out.returncode})"
    hits: list[KeyHit] = []
    for raw in out.stdout.decode("utf-8", errors="replace").splitlines():
        path, _, rest = raw.partition("\0")
        number, _, line = rest.partition("\0")
        if number.isdigit():
            hits.extend(find_keys(path, int(number), line))
        if len(hits) >= _MAX_KEY_HITS:
            break
    return tuple(hits[:_MAX_KEY_HITS]), None


def read_snapshot(root: Path) -> RepoSnapshot:
    """Read what every check needs from the project at `root`, once."""
    root = Path(root)
    if not root.is_dir():
        return RepoSnapshot(root, exists=False, is_repo=False, tracked=frozenset())
    # -t tags each entry; with -d a file deleted from the working tree comes again tagged "R".
    repo = safe_git(root)
    listing = repo.run("ls-files", "-z", "-t", "-c", "-d")
    is_repo = listing.returncode == 0 and (root / ".git").exists()
    if is_repo:
        tracked = _present_tracked(listing.stdout.decode("utf-8", errors="replace"))
        commits = _commits(repo)
        remote = _remote_state(repo, commits)
    else:
        tracked, commits, remote = _walk_files(root), (), RemoteState()
    key_hits, key_scan_error = _key_hits(repo, is_repo)
    skipped: dict[str, str] = {}
    workflows = {
        path: text
        for path in sorted(tracked)
        if path.startswith(WORKFLOW_DIR) and path.endswith((".yml", ".yaml"))
        if (text := _read_text(root, path, skipped)) is not None
    }
    return RepoSnapshot(
        root=root,
        exists=True,
        is_repo=is_repo,
        tracked=tracked,
        commits=commits,
        remote=remote,
        key_hits=key_hits,
        key_scan_error=key_scan_error,
        readme=_first_present(root, tracked, README_NAMES, skipped),
        writeup=_first_present(root, tracked, WRITEUP_NAMES, skipped),
        workflows=workflows,
        skipped=skipped,
    )
