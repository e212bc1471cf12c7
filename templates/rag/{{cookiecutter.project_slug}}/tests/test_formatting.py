"""The code is kept `ruff format`-clean, as CI checks (`ruff format --check`)."""

from __future__ import annotations

import subprocess
import sys

from conftest import PROJECT


def test_the_code_is_ruff_formatted() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--diff", "src", "tests", "benchmarks"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
