"""A repository the user imports is someone else's code: its git config names programs (fsmonitor,
hooks, filters, diff drivers, pagers, editors, signature programs, credential helpers, ssh
commands, transports…). `scaffolder status` and the dashboard's summaries run git in it, and
must never start one of them.

Each case builds a real repository whose config points one key at a script that writes a
marker file. First the case proves itself: plain git, asked to do what triggers the key (on a
copy), writes the marker. Then `scaffolder status`, the dashboard summary and the same trigger
under the app's safe git configuration all run, and no marker appears.
"""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scaffolder.core import git as core_git
from scaffolder.core.portfolio import import_project
from scaffolder.core.safe_git import safe_git
from scaffolder.core.store import Store
from scaffolder.gui.portfolio_state import summarize_projects
from tests.helpers.cli import run_scaffolder
from tests.unit.core.readiness.conftest import COMPLETE_PROJECT, git

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the hostile scripts are POSIX shell scripts")

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Hostile:
    """One hostile repository: where it is, and the marker its script writes."""

    path: Path
    marker: Path
    script: Path
    extra: dict[str, Path] = field(default_factory=dict)

    def config(self, key: str, value: str) -> None:
        git(self.path, "config", key, value)

    def attributes(self, line: str) -> None:
        with (self.path / ".gitattributes").open("a", encoding="utf-8") as attributes:
            attributes.write(line + "\n")


def _script(folder: Path, marker: Path) -> Path:
    script = folder / "hostile.sh"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> "{marker}"\n', encoding="utf-8")
    script.chmod(0o755)
    return script


def _touch_tracked(repo: Hostile) -> None:
    """Same content, new mtime: git must read the file again (and run its clean filter)."""
    readme = repo.path / "README.md"
    stat = readme.stat()
    os.utime(readme, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def _signed_head(repo: Hostile, armor: str) -> None:
    """Make HEAD a commit carrying a signature header, so `log` with showSignature verifies it."""
    body = git(repo.path, "cat-file", "commit", "HEAD")
    header, _, message = body.partition("\n\n")
    signature = "\n ".join([f"-----BEGIN {armor}-----", "", "AAAA", f"-----END {armor}-----"])
    signed = f"{header}\ngpgsig {signature}\n\n{message}"
    sha = subprocess.run(
        ["git", "-C", str(repo.path), "hash-object", "-t", "commit", "-w", "--stdin"],
        input=signed,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    git(repo.path, "update-ref", "HEAD", sha)


def _conflicting_branch(repo: Hostile) -> None:
    git(repo.path, "checkout", "--quiet", "-b", "other")
    (repo.path / "README.md").write_text("# other side\n", encoding="utf-8")
    git(repo.path, "commit", "--quiet", "--no-verify", "-am", "other")
    git(repo.path, "checkout", "--quiet", "main")
    (repo.path / "README.md").write_text("# main side\n", encoding="utf-8")
    git(repo.path, "commit", "--quiet", "--no-verify", "-am", "main")


def _local_remote(repo: Hostile) -> None:
    remote = repo.path.parent / "remote.git"
    git(repo.path.parent, "clone", "--quiet", "--bare", str(repo.path), str(remote))
    git(repo.path, "remote", "add", "origin", str(remote))


@dataclass(frozen=True)
class Case:
    id: str
    arrange: Callable[[Hostile], object]
    trigger: tuple[str, ...]  # the git command that runs the key when nothing stops it
    stdin: str | None = None
    on_a_terminal: bool = False  # pagers start only when stdout is a terminal


CREDENTIAL_REQUEST = "protocol=https\nhost=example.invalid\n\n"


def _edit_readme(repo: Hostile) -> None:
    (repo.path / "README.md").write_text("changed\n", encoding="utf-8")


def _hooks_folder(repo: Hostile) -> None:
    repo.extra["hooks"].mkdir()
    shutil.copy(repo.script, repo.extra["hooks"] / "pre-commit")
    repo.config("core.hooksPath", str(repo.extra["hooks"]))


def _default_hooks(repo: Hostile) -> None:
    for hook in ("pre-commit", "post-index-change"):
        shutil.copy(repo.script, repo.path / ".git" / "hooks" / hook)


def _included_fsmonitor(repo: Hostile, key: str) -> None:
    repo.extra["included"].write_text(f"[core]\n\tfsmonitor = {repo.script}\n", encoding="utf-8")
    repo.config(key, str(repo.extra["included"]))


def _ssh_signers(repo: Hostile) -> None:
    (repo.path / "allowed").write_text("a@b ssh-ed25519 AAAA\n", encoding="utf-8")
    repo.config("gpg.ssh.allowedSignersFile", str(repo.path / "allowed"))


# Each arrange is a tuple of steps, run in order.
CASES = (
    Case("core.fsmonitor", lambda r: r.config("core.fsmonitor", str(r.script)), ("status",)),
    Case("core.hooksPath", _hooks_folder, ("commit", "--allow-empty", "--quiet", "-m", "x")),
    Case(".git/hooks", _default_hooks, ("commit", "--allow-empty", "--quiet", "-m", "x")),
    Case("core.pager", lambda r: r.config("core.pager", str(r.script)), ("log",), on_a_terminal=True),
    Case("pager.<command>", lambda r: r.config("pager.log", str(r.script)), ("log",), on_a_terminal=True),
    Case("core.editor", lambda r: r.config("core.editor", str(r.script)), ("commit", "--allow-empty")),
    Case("sequence.editor", lambda r: r.config("sequence.editor", str(r.script)), ("rebase", "-i", "HEAD")),
    Case(
        "core.askPass",
        lambda r: r.config("core.askPass", str(r.script)),
        ("credential", "fill"),
        stdin=CREDENTIAL_REQUEST,
    ),
    Case(
        "credential.helper",
        lambda r: r.config("credential.helper", f"!{r.script}"),
        ("credential", "fill"),
        stdin=CREDENTIAL_REQUEST,
    ),
    Case(
        "credential.<url>.helper",
        lambda r: r.config("credential.https://example.invalid.helper", f"!{r.script}"),
        ("credential", "fill"),
        stdin=CREDENTIAL_REQUEST,
    ),
    Case(
        "core.sshCommand",
        lambda r: r.config("core.sshCommand", str(r.script)),
        ("ls-remote", "ssh://example.invalid/x"),
    ),
    Case("core.gitProxy", lambda r: r.config("core.gitProxy", str(r.script)), ("ls-remote", "git://example.invalid/x")),
    Case(
        "protocol ext::",
        lambda r: (r.config("protocol.ext.allow", "always"), r.config("remote.origin.url", f"ext::{r.script} %S")),
        ("ls-remote", "origin"),
    ),
    Case(
        "remote.<name>.uploadpack",
        lambda r: (_local_remote(r), r.config("remote.origin.uploadpack", str(r.script))),
        ("fetch", "origin"),
    ),
    Case("diff.external", lambda r: (r.config("diff.external", str(r.script)), _edit_readme(r)), ("diff",)),
    Case(
        "diff.<driver>.textconv",
        lambda r: (r.attributes("*.md diff=hostile"), r.config("diff.hostile.textconv", str(r.script))),
        ("log", "-p"),
    ),
    Case(
        "diff.<driver>.command",
        lambda r: (r.attributes("*.md diff=hostile"), r.config("diff.hostile.command", str(r.script)), _edit_readme(r)),
        ("diff",),
    ),
    Case(
        "filter.<driver>.clean",
        lambda r: (
            r.attributes("*.md filter=hostile"),
            r.config("filter.hostile.clean", str(r.script)),
            _touch_tracked(r),
        ),
        ("status",),
    ),
    Case(
        "filter.<driver>.process",
        lambda r: (
            r.attributes("*.md filter=hostile"),
            r.config("filter.hostile.process", str(r.script)),
            _touch_tracked(r),
        ),
        ("status",),
    ),
    Case(
        "filter.<driver>.smudge",
        lambda r: (
            r.attributes("*.md filter=hostile"),
            r.config("filter.hostile.smudge", str(r.script)),
            (r.path / "CHANGELOG.md").unlink(),
        ),
        ("checkout", "--", "CHANGELOG.md"),
    ),
    Case(
        "merge.<driver>.driver",
        lambda r: (
            _conflicting_branch(r),
            r.attributes("*.md merge=hostile"),
            r.config("merge.hostile.driver", f"{r.script} %O %A %B"),
        ),
        ("merge", "--no-edit", "other"),
    ),
    Case(
        "gpg.program",
        lambda r: (
            _signed_head(r, "PGP SIGNATURE"),
            r.config("log.showSignature", "true"),
            r.config("gpg.program", str(r.script)),
        ),
        ("log", "-1"),
    ),
    Case(
        "gpg.ssh.program",
        lambda r: (
            _signed_head(r, "SSH SIGNATURE"),
            r.config("log.showSignature", "true"),
            _ssh_signers(r),
            r.config("gpg.ssh.program", str(r.script)),
        ),
        ("log", "-1"),
    ),
    Case(
        "gpg.x509.program",
        lambda r: (
            _signed_head(r, "SIGNED MESSAGE"),
            r.config("log.showSignature", "true"),
            r.config("gpg.x509.program", str(r.script)),
        ),
        ("log", "-1"),
    ),
    Case("include.path", lambda r: _included_fsmonitor(r, "include.path"), ("status",)),
    Case("includeIf.gitdir", lambda r: _included_fsmonitor(r, f"includeIf.gitdir:{r.path}/.git.path"), ("status",)),
)


def _hostile_repo(tmp_path: Path, store: Store) -> Hostile:
    path = tmp_path / "imported"
    path.mkdir()
    git(path, "init", "--quiet", "-b", "main")
    for relative, content in COMPLETE_PROJECT.items():
        (path / relative).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            (path / relative).write_bytes(content)
        else:
            (path / relative).write_text(content, encoding="utf-8")
    git(path, "add", "--all")
    git(path, "commit", "--quiet", "-m", "first")
    (path / "CHANGELOG.md").write_text("- more\n", encoding="utf-8")
    git(path, "add", "--all")
    git(path, "commit", "--quiet", "-m", "second")
    import_project(store, path, "Imported")  # as `scaffolder import` does
    marker = tmp_path / "MARKER"
    extra = {"hooks": tmp_path / "hostile-hooks", "included": tmp_path / "included.gitconfig"}
    return Hostile(path, marker, _script(tmp_path, marker), extra)


def _trigger(case: Case, repo: Path, env: dict[str, str]) -> None:
    if case.on_a_terminal:
        leader, follower = pty.openpty()
        try:
            subprocess.run(
                ["git", "-C", str(repo), *case.trigger], stdout=follower, stderr=follower, env=env, timeout=30
            )
        finally:
            os.close(leader)
            os.close(follower)
        return
    subprocess.run(
        ["git", "-C", str(repo), *case.trigger],
        input=case.stdin or "",
        capture_output=True,
        text=True,
        env={**env, "GIT_TERMINAL_PROMPT": env.get("GIT_TERMINAL_PROMPT", "1")},
        timeout=30,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_status_and_the_dashboard_never_run_what_an_imported_repository_configures(
    case: Case, tmp_path: Path, isolated_user: Path
) -> None:
    store = Store()
    repo = _hostile_repo(tmp_path, store)
    case.arrange(repo)

    # The case is real: plain git, doing what triggers the key, runs the script.
    proof = tmp_path / "proof" / "imported"
    shutil.copytree(repo.path, proof, symlinks=True)
    if case.id == "includeIf.gitdir":  # the condition names the folder: point it at the copy
        git(proof, "config", f"includeIf.gitdir:{proof}/.git.path", str(repo.extra["included"]))
    _trigger(case, proof, dict(os.environ))
    assert repo.marker.exists(), f"the {case.id} case did not run its script even without protection"
    repo.marker.unlink()

    status = run_scaffolder("status", "--offline")
    summaries = summarize_projects(store.projects())  # what the dashboard's worker runs
    summary = next(iter(summaries.values()))
    shutil.rmtree(proof)
    shutil.copytree(repo.path, proof, symlinks=True)
    _trigger(case, proof, safe_git(proof).env)

    assert not repo.marker.exists(), repo.marker.read_text()
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith("Portfolio:") and "Imported" in status.stdout
    assert summary is not None and summary.commit_count >= 2
    assert [p.name for p in store.projects()] == ["Imported"]


def test_the_dashboard_summary_of_an_imported_repository_is_still_right(tmp_path: Path, isolated_user: Path) -> None:
    """Safe does not mean blind: a clean-filter repository touched on disk is still clean, and an
    edited one is dirty, branch and count as git says."""
    store = Store()
    repo = _hostile_repo(tmp_path, store)
    repo.attributes("*.md filter=hostile")
    repo.config("filter.hostile.clean", str(repo.script))
    repo.config("filter.hostile.required", "true")
    git(repo.path, "add", ".gitattributes")
    git(repo.path, "commit", "--quiet", "--no-verify", "-m", "attributes")
    repo.marker.unlink(missing_ok=True)  # the commit above ran it, on purpose
    _touch_tracked(repo)

    touched = core_git.summarize(repo.path)
    (repo.path / "CHANGELOG.md").write_text("- edited\n", encoding="utf-8")
    edited = core_git.summarize(repo.path)

    assert touched is not None and edited is not None
    assert (touched.branch, touched.commit_count, touched.dirty) == ("main", 3, False)
    assert edited.dirty is True
    assert not repo.marker.exists()


def test_a_working_tree_pointed_outside_the_repository_is_not_scanned(tmp_path: Path, isolated_user: Path) -> None:
    """`core.worktree` aimed at another folder (the home folder, say) would have `git grep` read
    the files there under the repository's tracked names; the scan reads the project only."""
    store = Store()
    repo = _hostile_repo(tmp_path, store)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "README.md").write_text('key = "AKIA' + "Q7Z2M4N6P8R3T5V9" + '"\n', encoding="utf-8")
    repo.config("core.worktree", str(elsewhere))

    report = run_scaffolder("status", "Imported", "--offline", "--json")

    assert report.returncode == 0, report.stderr
    assert "AKIA" not in report.stdout
    assert '"no-secrets"' in report.stdout


def test_a_submodule_update_command_and_a_trailer_command_are_neutralised(tmp_path: Path, isolated_user: Path) -> None:
    """Keys the app never triggers still get no command: `git submodule update` and
    `git interpret-trailers`, run by hand under the app's safe config, start nothing."""
    store = Store()
    repo = _hostile_repo(tmp_path, store)
    repo.config("trailer.sign.key", "Signed-off-by")
    repo.config("trailer.sign.cmd", str(repo.script))
    repo.config("submodule.lib.update", f"!{repo.script}")

    plain = subprocess.run(
        ["git", "-C", str(repo.path), "interpret-trailers", "--trailer", "sign=x"],
        input="subject\n",
        capture_output=True,
        text=True,
    )
    assert plain.returncode == 0 and repo.marker.exists()  # the case is real
    repo.marker.unlink()

    env = safe_git(repo.path).env
    subprocess.run(
        ["git", "-C", str(repo.path), "interpret-trailers", "--trailer", "sign=x"],
        input="subject\n",
        capture_output=True,
        text=True,
        env=env,
    )
    effective = subprocess.run(
        ["git", "-C", str(repo.path), "config", "--get", "submodule.lib.update"],
        capture_output=True,
        text=True,
        env=env,
    )

    assert not repo.marker.exists()
    assert effective.stdout.strip() == "none"
