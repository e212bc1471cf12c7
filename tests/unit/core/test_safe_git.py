"""The safe git environment: what it overrides, and its reader of config names, which must see
every name git sees (or step aside for git itself)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scaffolder.core.safe_git import FIXED_OVERRIDES, driver_overrides, parse_config_names, safe_git

CONFIGS = [
    "[core]\n\tbare = false\n\tfsmonitor = /tmp/x\n",
    '[filter "lfs"]\n\tclean = git-lfs clean -- %f\n\tsmudge = git-lfs smudge -- %f\n\tprocess = x\n\trequired\n',
    '[diff "Odd Name"]\n\ttextconv = cat\n[merge "m"] driver = x %O %A %B\n',
    "[Remote.Origin]\n\tURL = x\n[CORE]\nPager = less ; comment\n# a comment\n\n",
    '[credential "https://example.com"]\n\thelper = !x\n[protocol "ext"]\n\tallow = always\n',
    '[diff "a\\"b"]\n\tcommand = y\n',
]


@pytest.mark.parametrize("text", CONFIGS)
def test_the_reader_sees_the_names_git_sees(tmp_path: Path, text: str) -> None:
    config = tmp_path / "config"
    config.write_text(text, encoding="utf-8")
    listed = subprocess.run(
        ["git", "config", "--file", str(config), "--list", "--name-only", "-z"], capture_output=True, check=True
    ).stdout.decode()

    assert parse_config_names(text) == [name for name in listed.split("\0") if name]


@pytest.mark.parametrize(
    "text",
    ["[include]\n\tpath = other\n", '[includeIf "gitdir:/x/"]\n\tpath = other\n', "[core]\n\tpager = a \\\n b\n"],
)
def test_the_reader_steps_aside_for_what_only_git_follows(text: str) -> None:
    assert parse_config_names(text) is None


def test_every_driver_the_repository_names_gets_an_empty_command() -> None:
    names = ["filter.x.clean", "filter.x.required", "diff.y.textconv", "merge.z.driver", "user.name"]

    assert driver_overrides(names) == [
        ("filter.x.clean", ""),
        ("filter.x.required", "false"),
        ("diff.y.textconv", ""),
        ("merge.z.driver", ""),
    ]


def test_git_sees_the_safe_values_whatever_the_repository_says(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "--quiet", str(repo)], check=True)
    for key, value in [("core.fsmonitor", "/bin/evil"), ("core.pager", "evil"), ("filter.f.clean", "evil")]:
        subprocess.run(["git", "-C", str(repo), "config", key, value], check=True)

    env = safe_git(repo).env

    def effective(key: str) -> str:
        done = subprocess.run(["git", "-C", str(repo), "config", "--get", key], env=env, capture_output=True, text=True)
        return done.stdout.strip()

    assert effective("core.fsmonitor") == "false"
    assert effective("core.pager") == "cat"
    assert effective("filter.f.clean") == ""
    assert dict(FIXED_OVERRIDES)["core.hooksPath"] == effective("core.hooksPath")


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are POSIX")
@pytest.mark.timeout(30)
def test_a_config_that_includes_a_fifo_costs_one_timeout_not_one_per_command(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "--quiet", str(repo)], check=True)
    os.mkfifo(tmp_path / "trap")
    with (repo / ".git" / "config").open("a", encoding="utf-8") as config:
        config.write(f"[include]\n\tpath = {tmp_path / 'trap'}\n")

    started = time.monotonic()
    git = safe_git(repo, timeout=1.0)
    results = [git.run("status"), git.run("log"), git.run("grep", "x")]
    elapsed = time.monotonic() - started

    assert elapsed < 5
    assert [r.returncode for r in results] == [-1, -1, -1]
    assert results[-1].stderr.decode() == "git config did not finish in 1 s"
