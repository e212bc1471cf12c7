"""Running the real command line, as a user does: `python -m scaffolder …` in a child process,
with this checkout importable and nothing to read on standard input unless a test says so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_scaffolder(
    *args: str,
    cwd: Path = REPO_ROOT,
    env: dict[str, str] | None = None,
    stdin: str = "",
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scaffolder", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def qt_modules_imported_by(commands: Sequence[Sequence[str]], cwd: Path) -> list[str]:
    """The Qt (and GUI) modules a fresh Python has imported after running `commands` through
    `scaffolder.cli.main`, their output swallowed: the command line must never pay for Qt."""
    calls = "".join(f"    main({list(command)!r})\n" for command in commands)
    code = (
        "import sys, contextlib, io\n"
        "from scaffolder.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"{calls}"
        "import json\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'scaffolder.gui')))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    imported: list[str] = json.loads(result.stdout)
    return imported


def run_scaffolder_on_a_terminal(*args: str, typed: bytes, cwd: Path, timeout: float = 60) -> tuple[int, str, str]:
    """`python -m scaffolder …` with a pseudo-terminal as its standard input, `typed` already
    waiting there: (exit code, stdout, stderr). Skips where there is no /dev/ptmx; fails the test
    if the command is still waiting for input after `timeout`."""
    import pty

    import pytest

    try:
        controller, terminal = pty.openpty()
    except OSError as err:  # a container without /dev/ptmx
        pytest.skip(f"no pseudo-terminal here: {err}")
    os.write(controller, typed)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "scaffolder", *args],
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:  # it is waiting for input it should not need
            process.kill()
            stdout, stderr = process.communicate()
            pytest.fail(f"scaffolder {' '.join(args)} kept asking:\n{stdout}\n{stderr}")
    finally:
        os.close(terminal)
        os.close(controller)
    return process.returncode, stdout, stderr
