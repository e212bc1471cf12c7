"""The cold start's promises, each in a fresh interpreter (what is imported at start is what the
user waits for): see benchmarks/bench_startup.py for the timings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scaffolder.app import rotate_log
from scaffolder.core.store import Store
from tests.unit.gui.test_dashboard import add_project


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
        "print(status, sorted(m for m in sys.modules if m.startswith('scaffolder.cli.cmd_') or m == 'argparse'))\n"
    )
    assert lines == ["the app opens", "0 []"]


def test_the_dashboard_is_filled_in_without_loading_the_readiness_engine_or_openssl(
    store: Store, projects_dir: Path
) -> None:
    """The engine and its Markdown parser (~12 MB) are loaded by the check's child process only;
    hashlib (with OpenSSL, 3.5 MB) and Qt's SVG module (the icon is a PNG) by nothing it does."""
    add_project(store, projects_dir / "docs", "rag", "Docs Q&A")
    lines = run_fresh(
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from scaffolder.core.store import Store\n"
        "from scaffolder.gui.main_window import MainWindow\n"
        "app = QApplication([])\n"
        "window = MainWindow(Store())\n"
        "window.state.reports_changed.connect(app.quit)\n"
        "window.show()\n"
        "window.start()\n"
        "QTimer.singleShot(30000, app.quit)\n"
        "app.exec()\n"
        "report = window.state.portfolio_report\n"
        "print(report.reports[0].name if report else None, window.dashboard.slots['rag'].readiness.label.text())\n"
        "print(sorted(m for m in ('markdown_it', 'scaffolder.core.readiness.engine', '_hashlib') if m in sys.modules))\n"
        "import os\n"
        "maps = open('/proc/self/maps').read() if os.path.exists('/proc/self/maps') else ''\n"
        "print('Qt SVG loaded' if 'libQt6Svg' in maps else 'no SVG module')\n"
    )
    assert lines == ["Docs Q&A Draft", "[]", "no SVG module"]


def test_a_full_log_is_rotated_when_the_app_starts(tmp_path: Path) -> None:
    log = tmp_path / "scaffolder.log"
    for number, text in ((None, "newest"), (1, "older"), (2, "oldest kept"), (3, "dropped")):
        (log if number is None else tmp_path / f"scaffolder.log.{number}").write_text(text * 10, encoding="utf-8")

    rotate_log(log, max_bytes=50, backups=3)

    assert not log.exists()  # the handler starts a new one
    kept = [(tmp_path / f"scaffolder.log.{n}").read_text(encoding="utf-8") for n in (1, 2, 3)]
    assert kept == ["newest" * 10, "older" * 10, "oldest kept" * 10]
    assert not (tmp_path / "scaffolder.log.4").exists()


def test_a_log_under_its_limit_is_left_alone(tmp_path: Path) -> None:
    log = tmp_path / "scaffolder.log"
    log.write_text("a short log\n", encoding="utf-8")
    rotate_log(log, max_bytes=50, backups=3)
    rotate_log(tmp_path / "never-written.log", max_bytes=50, backups=3)
    assert log.read_text(encoding="utf-8") == "a short log\n" and sorted(p.name for p in tmp_path.iterdir()) == [
        "scaffolder.log"
    ]
