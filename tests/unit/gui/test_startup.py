"""The cold start's promises, each in a fresh interpreter (what is imported at start is what the
user waits for): see benchmarks/bench_startup.py for the timings."""

from __future__ import annotations

import subprocess
import sys


def run_fresh(script: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_scaffolder_without_arguments_opens_the_app_without_building_the_command_line() -> None:
    """Importing every sub-command's module cost as much as Qt's own import."""
    lines = run_fresh(
        "import sys\n"
        "import scaffolder.app\n"
        "scaffolder.app.run_gui = lambda argv=None: print('the app opens') or 0\n"
        "from scaffolder.cli import main\n"
        "status = main([])\n"
        "print(status, sorted(m for m in sys.modules if m.startswith('scaffolder.cli.cmd_')))\n"
    )
    assert lines == ["the app opens", "0 []"]
