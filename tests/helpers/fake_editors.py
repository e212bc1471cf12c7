"""Fake editor and terminal programs for tests: real executables that write down how they were
started (argv, working folder, session, where their output goes) and exit."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from scaffolder.core.editors import Host

_SCRIPT = """#!{python}
import json, os, sys
def devnull(fd):
    try:
        return os.path.samestat(os.fstat(fd), os.stat(os.devnull))
    except OSError:
        return False
record = {{
    "argv": sys.argv[1:],
    "program": sys.argv[0],
    "cwd": os.getcwd(),
    "pid": os.getpid(),
    "sid": os.getsid(0),
    "stdout_devnull": devnull(1),
    "stderr_devnull": devnull(2),
}}
tmp = {record!r} + ".tmp"
with open(tmp, "w", encoding="utf-8") as f:
    json.dump(record, f)
os.replace(tmp, {record!r})
"""


class FakePrograms:
    """Executables installed in `bin_dir` (or any folder) whose records land in `records_dir`."""

    def __init__(self, bin_dir: Path, records_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.records_dir = records_dir
        bin_dir.mkdir(parents=True, exist_ok=True)
        records_dir.mkdir(parents=True, exist_ok=True)

    def record_path(self, name: str) -> Path:
        return self.records_dir / f"{name}.json"

    def install(self, name: str, folder: Path | None = None) -> Path:
        """An executable `name` in `folder` (default: the bin dir); its record is kept under `name`."""
        target = (folder or self.bin_dir) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_SCRIPT.format(python=sys.executable, record=str(self.record_path(name))), encoding="utf-8")
        target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return target

    def host(self, root: Path, home: Path) -> Host:
        """This machine's rules with only the bin dir on PATH and `root` as the filesystem root,
        so the real /usr/bin or /Applications never leak into a test."""
        root.mkdir(parents=True, exist_ok=True)
        home.mkdir(parents=True, exist_ok=True)
        return Host(sys.platform, {"PATH": str(self.bin_dir)}, home, root)

    def ran(self, name: str) -> bool:
        return self.record_path(name).exists()

    def record(self, name: str, timeout: float = 10.0) -> dict[str, Any]:
        """What `name` recorded, waiting up to `timeout` seconds for it to run."""
        path = self.record_path(name)
        deadline = time.monotonic() + timeout
        while not path.exists():
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} did not run within {timeout} s")
            time.sleep(0.02)  # polling a file another process writes; bounded by the deadline
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data


def own_session() -> int:
    return os.getsid(0)


# Fixtures for every test that opens editors (registered in tests/conftest.py as a plugin).


@pytest.fixture
def fakes(tmp_path: Path) -> FakePrograms:
    return FakePrograms(tmp_path / "bin", tmp_path / "records")


@pytest.fixture
def host(tmp_path: Path, fakes: FakePrograms) -> Host:
    """This machine's rules, with only the fake bin folder on PATH and an empty filesystem root."""
    return fakes.host(tmp_path / "root", tmp_path / "home")
