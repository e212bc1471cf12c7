"""Git on a repository the app did not write: with configuration that cannot start a program.

A repository's `.git/config` (and whatever it includes) is code its author chose: git runs
`core.fsmonitor`, hooks, filter drivers, textconv and diff commands, pagers, editors, signature
programs, credential helpers, ssh commands and remote helpers straight from it. `scaffolder
status` and the dashboard read repositories the user imported, so every git process they start
gets the overrides built here: the fixed keys below, plus an empty command for every
driver-style key (`filter.<name>.clean`, `diff.<name>.textconv`, …) the repository's effective
configuration defines, found with one `git config --list --name-only` that itself runs nothing.

The overrides travel in GIT_CONFIG_COUNT/KEY_n/VALUE_n (git 2.31+): "command" scope, read after
every config file and include, so they win over the repository's own; and being environment,
they also reach any git process git starts itself. No transport can run either
(GIT_ALLOW_PROTOCOL names no real protocol), so `ext::` URLs, ssh commands, remote helpers and
`remote.<name>.uploadpack` are unreachable even if something asked to fetch.

The sources for the list: git-config(1), gitattributes(5) ("filter", "diff", "merge" drivers),
githooks(5), git(1) ENVIRONMENT VARIABLES.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from scaffolder.core.git import git_executable

# A path that never exists, on every platform: hooks are looked up inside it and never found.
NO_HOOKS = os.path.join(os.devnull, "scaffolder-no-hooks")
NO_PROTOCOL = "scaffolder-no-transport"  # GIT_ALLOW_PROTOCOL: only this (non-existent) protocol
DEFAULT_TIMEOUT_S = 30.0

# Keys that name a program (or turn one on), with a value that runs nothing. An empty command is
# refused by git ("cannot run"), never executed; ":" is git's own "no editor", "cat" its "no pager".
FIXED_OVERRIDES: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", NO_HOOKS),
    ("core.pager", "cat"),
    ("core.editor", ":"),
    ("sequence.editor", ":"),
    ("core.askPass", ""),
    ("core.sshCommand", ""),
    ("core.gitProxy", "none"),
    ("core.alternateRefsCommand", ""),
    ("credential.helper", ""),  # an empty helper resets the list of helpers
    ("diff.external", ""),
    ("gpg.program", ""),
    ("gpg.openpgp.program", ""),
    ("gpg.x509.program", ""),
    ("gpg.ssh.program", ""),
    ("gpg.ssh.defaultKeyCommand", ""),
    ("log.showSignature", "false"),
    ("uploadpack.packObjectsHook", ""),
    ("protocol.allow", "never"),
    ("gc.auto", "0"),
    ("maintenance.auto", "false"),
    # A submodule has its own config, with drivers this process never listed: do not go in.
    ("submodule.recurse", "false"),
    ("diff.ignoreSubmodules", "all"),
    ("status.submoduleSummary", "false"),
)

# Keys whose middle part is a name the repository chooses: (pattern of the listed name, value).
DRIVER_OVERRIDES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^filter\..+\.(clean|smudge|process)$"), ""),
    (re.compile(r"^filter\..+\.required$"), "false"),  # else git refuses the file instead of reading it
    (re.compile(r"^diff\..+\.(textconv|command)$"), ""),
    (re.compile(r"^merge\..+\.driver$"), ""),
    (re.compile(r"^(difftool|mergetool)\..+\.cmd$"), ""),
    (re.compile(r"^credential\..+\.helper$"), ""),
    (re.compile(r"^protocol\..+\.allow$"), "never"),  # protocol.<name>.allow wins over protocol.allow
    (re.compile(r"^remote\..+\.uploadpack$"), "git-upload-pack"),
    (re.compile(r"^remote\..+\.receivepack$"), "git-receive-pack"),
    (re.compile(r"^pager\..+$"), "false"),
    (re.compile(r"^hook\..+\.command$"), ""),  # config-based hooks (git 2.50+)
)

# Inherited variables that would run a program or point git at another repository.
_DROPPED_ENV = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_EXTERNAL_DIFF",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_ASKPASS",
    "SSH_ASKPASS",
    "GIT_PROXY_COMMAND",
)

_FIXED_ENV = {
    "GIT_PAGER": "cat",
    "GIT_EDITOR": ":",
    "GIT_SEQUENCE_EDITOR": ":",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_ALLOW_PROTOCOL": NO_PROTOCOL,
    "GIT_NO_LAZY_FETCH": "1",  # a partial clone must not fetch missing objects (git 2.44+)
    "GIT_OPTIONAL_LOCKS": "0",  # reading never writes the index (nor runs post-index-change)
    "LC_ALL": "C",
}


def _config_env(overrides: list[tuple[str, str]]) -> dict[str, str]:
    env = {"GIT_CONFIG_COUNT": str(len(overrides))}
    for i, (key, value) in enumerate(overrides):
        env[f"GIT_CONFIG_KEY_{i}"] = key
        env[f"GIT_CONFIG_VALUE_{i}"] = value
    return env


def base_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment with the fixed overrides: enough for a git process that reads config only."""
    source = os.environ if environ is None else environ
    env = {
        k: v for k, v in source.items() if k not in _DROPPED_ENV and not re.match(r"GIT_CONFIG_(COUNT|KEY_|VALUE_)", k)
    }
    env.update(_FIXED_ENV)
    env.update(_config_env(list(FIXED_OVERRIDES)))
    return env


def driver_overrides(names: list[str]) -> list[tuple[str, str]]:
    """An override for every driver-style key among `names` (as `git config --name-only` prints them)."""
    found: dict[str, str] = {}
    for name in names:
        for pattern, value in DRIVER_OVERRIDES:
            if pattern.match(name):
                found[name] = value
                break
    return list(found.items())


def _run(command: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run to the end or to the deadline; on timeout the whole process group is killed."""
    posix = sys.platform != "win32"
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=posix,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if posix:
            with contextlib.suppress(ProcessLookupError):  # already gone
                os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        process.communicate()
        message = f"git {command[3] if len(command) > 3 else ''} did not finish in {timeout:g} s"
        return subprocess.CompletedProcess(command, -1, b"", message.encode())
    return subprocess.CompletedProcess(command, process.returncode, out, err)


@dataclass(frozen=True)
class SafeGit:
    """Git processes in one repository, all with the same command-free configuration."""

    root: Path
    env: dict[str, str]
    timeout: float = DEFAULT_TIMEOUT_S

    def run(self, *args: str, timeout: float | None = None) -> subprocess.CompletedProcess[bytes]:
        """`git -C root ARGS` in the safe environment; never raises for git's own failures
        (exit codes are the caller's to read) and never waits past the timeout."""
        command = [git_executable(), "-C", str(self.root), *args]
        return _run(command, self.env, self.timeout if timeout is None else timeout)


def safe_git(root: Path, environ: Mapping[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT_S) -> SafeGit:
    """The safe git of the repository at `root` (one `git config` process to list its drivers)."""
    env = base_env(environ)
    listing = _run([git_executable(), "-C", str(root), "config", "--list", "--name-only", "-z"], env, timeout)
    names = [name for name in listing.stdout.decode("utf-8", errors="replace").split("\0") if name]
    overrides = list(FIXED_OVERRIDES) + driver_overrides(names)
    env.update(_config_env(overrides))
    return SafeGit(Path(root), env, timeout)
