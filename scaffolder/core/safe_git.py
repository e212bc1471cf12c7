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
from dataclasses import dataclass, field
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
    # Never run by the app, covered so that no command the repository names stays live:
    (re.compile(r"^submodule\..+\.update$"), "none"),  # "!command" runs on `git submodule update`
    (re.compile(r"^trailer\..+\.(command|cmd)$"), ""),
    (re.compile(r"^(man|browser|guitool)\..+\.(cmd|path)$"), ""),
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


_TIMED_OUT = -1


def _name(command: list[str]) -> str:
    """ "git log" for messages: the sub-command, past `-C DIR` and `-c KEY=VALUE` options."""
    words = command[1:]
    for i, word in enumerate(words):
        if not word.startswith("-") and (i == 0 or words[i - 1] not in ("-C", "-c")):
            return f"git {word}"
    return "git"


def _run(
    command: list[str], env: dict[str, str], timeout: float, input: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run to the end or to the deadline; on timeout the whole process group is killed."""
    posix = sys.platform != "win32"
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL if input is None else subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=posix,
    )
    try:
        out, err = process.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        if posix:
            with contextlib.suppress(ProcessLookupError):  # already gone
                os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        process.communicate()
        return subprocess.CompletedProcess(
            command, _TIMED_OUT, b"", f"{_name(command)} did not finish in {timeout:g} s".encode()
        )
    return subprocess.CompletedProcess(command, process.returncode, out, err)


@dataclass(frozen=True)
class SafeGit:
    """Git processes in one repository, all with the same command-free configuration.

    Once one process has run out of time (a config that includes a FIFO, a disk that hangs),
    no more are started in this repository: each would wait as long, and one project must not
    hold the portfolio's status for minutes."""

    root: Path
    env: dict[str, str]
    timeout: float = DEFAULT_TIMEOUT_S
    stalled: list[str] = field(default_factory=list)  # why git stopped answering here, if it did

    def run(
        self, *args: str, timeout: float | None = None, input: bytes | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        """`git -C root ARGS` in the safe environment; never raises for git's own failures
        (exit codes are the caller's to read) and never waits past the timeout."""
        command = [git_executable(), "-C", str(self.root), *args]
        if self.stalled:
            return subprocess.CompletedProcess(command, -1, b"", self.stalled[0].encode())
        done = _run(command, self.env, self.timeout if timeout is None else timeout, input)
        if done.returncode == _TIMED_OUT:
            self.stalled.append(done.stderr.decode())
        return done


def _listed_names(command: list[str], env: dict[str, str], timeout: float) -> list[str]:
    listing = _run([*command, "config", "--list", "--name-only", "-z"], env, timeout)
    return [name for name in listing.stdout.decode("utf-8", errors="replace").split("\0") if name]


# Names in the user's own (system and global) config, listed once per process and environment.
_outside_names_cache: dict[tuple[str | None, ...], list[str] | None] = {}
_ENV_THAT_PICKS_CONFIG = ("HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM")


def _outside_names(env: dict[str, str], timeout: float) -> list[str] | None:
    """System and global config names, or None when they hold conditional includes (whose
    outcome depends on the repository, so each repository must be asked)."""
    key = tuple(env.get(k) for k in _ENV_THAT_PICKS_CONFIG)
    if key not in _outside_names_cache:
        outside = {**env, "GIT_DIR": os.path.join(os.devnull, "no-repository")}  # no local config is read
        names = _listed_names([git_executable()], outside, timeout)
        _outside_names_cache[key] = None if any(n.startswith("includeif.") for n in names) else names
    return _outside_names_cache[key]


_SECTION = re.compile(r'^\[([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\\n]|\\.)*)")?\](.*)$')
_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)\s*(?:=.*)?$")


def parse_config_names(text: str) -> list[str] | None:
    """The names a plain config file sets, as `git config --name-only` prints them; None for
    anything this strict reader does not follow (includes, continued lines, odd syntax), when
    git itself must be asked."""
    names: list[str] = []
    section: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.endswith("\\"):
            return None
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            match = _SECTION.match(line)
            if not match:
                return None
            name, sub, rest = match.group(1).lower(), match.group(2), match.group(3).strip()
            if name.split(".")[0] in ("include", "includeif"):
                return None
            section = f"{name}.{sub.replace(chr(92) + chr(34), chr(34)).replace(chr(92) * 2, chr(92))}" if sub else name
            line = rest
            if not line or line[0] in "#;":
                continue
        key = _KEY.match(line.split("=", 1)[0].strip() if "=" in line else line)
        if key is None or section is None:
            return None
        names.append(f"{section}.{key.group(1).lower()}")
    return names


def _repository_names(root: Path) -> list[str] | None:
    """The names the repository's own config files set, read here (no process) when they are
    plain files in a `.git` folder; None when only git can say."""
    from scaffolder.core.readiness.files import read_text_bounded  # readiness imports this module

    gitdir = root / ".git"
    if not gitdir.is_dir():
        return None
    names: list[str] = []
    for name in ("config", "config.worktree"):
        if name == "config.worktree" and "extensions.worktreeconfig" not in names:
            break
        text = read_text_bounded(gitdir, name, 1_000_000)
        if not isinstance(text, str):
            return None
        parsed = parse_config_names(text)
        if parsed is None:
            return None
        names += parsed
    return names


def safe_git(root: Path, environ: Mapping[str, str] | None = None, timeout: float | None = None) -> SafeGit:
    """The safe git of the repository at `root`. Its effective config's names are read from its
    plain config files plus the user's (listed once per process); any include, odd syntax or
    unusual layout costs one `git config --list` in the repository instead, which runs nothing.

    Git looks for the repository in `root` only, never in a folder above it, and the working
    tree is `root` whatever `core.worktree` says: a repository whose config points its working
    tree at the home folder must not have the scan read files there."""
    timeout = DEFAULT_TIMEOUT_S if timeout is None else timeout
    env = base_env(environ)
    env["GIT_CEILING_DIRECTORIES"] = str(Path(root).absolute().parent)
    if (Path(root) / ".git").exists():
        env["GIT_WORK_TREE"] = str(Path(root).absolute())
    outside = _outside_names(env, timeout)
    local = _repository_names(Path(root)) if outside is not None else None
    if outside is not None and local is not None:
        names = outside + local
    else:
        listing = _run([git_executable(), "-C", str(root), "config", "--list", "--name-only", "-z"], env, timeout)
        if listing.returncode == _TIMED_OUT:
            return SafeGit(Path(root), env, timeout, [listing.stderr.decode()])
        names = [name for name in listing.stdout.decode("utf-8", errors="replace").split("\0") if name]
    overrides = list(FIXED_OVERRIDES) + driver_overrides(names)
    env.update(_config_env(overrides))
    return SafeGit(Path(root), env, timeout)
