"""Cold start of the app to a fully painted dashboard, against a bare PySide6 QMainWindow.

Each run is a fresh Python process. The app's child starts as a user's `scaffolder` does (the
command line with no arguments) over a portfolio of three generated projects (rag, agent,
fullstack) and reports twice: when the dashboard is first painted with its cards named, and when
it is painted with every card filled (last commits from git, readiness levels from the offline
checks, which run in a child process of the app's). The baseline child shows an empty
QMainWindow and reports its first paint. The floor child (`child_floor`) shows what the dashboard
shows with none of the app's code: what PySide6 itself costs for it. The three run interleaved
(each first, second and third in turn) after one uncounted warm-up each, and each child reports
its peak RSS (ru_maxrss) and its CPU time. Time is measured by the parent, from starting the process to the child's lines.

    python benchmarks/bench_startup.py            # 10 runs each, offscreen
    python benchmarks/bench_startup.py -n 20      # steadier medians
    DISPLAY=:99 python benchmarks/bench_startup.py --platform xcb   # a real X server (Xvfb)

Targets: time ratio <= 1.5x, peak RSS ratio <= 1.4x.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIME_TARGET, RSS_TARGET = 1.5, 1.4
CHILD_TIMEOUT_MS = 30000
CARD_LINES = (
    "RAG application",
    "Answers questions over a knowledge base, with citations.",
    "Ask the Docs",
    "/home/you/portfolio/ask-the-docs",
    "Last commit 5 minutes ago: Initial commit",
    "Draft · 40 %",
)
KINDS = (("rag", "Ask the Docs"), ("agent", "Support Desk Agent"), ("fullstack", "Writing Coach"))


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB elsewhere


def _report_paint(widget, ready, stage: str, last: bool) -> None:  # type: ignore[no-untyped-def]
    """Print `stage` right after the first paint of `widget` once `ready()` is true; quit after the
    last stage. Of a widget's event filters the last installed runs first: install this one after
    the app's own, and its report comes before any work the app starts after that paint."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert app is not None

    class PaintWatch(QObject):
        def eventFilter(self, watched, event):  # type: ignore[no-untyped-def]
            if event.type() == QEvent.Type.Paint and ready():
                watched.removeEventFilter(self)
                QTimer.singleShot(0, finish)
            return False

    def finish() -> None:
        report = {"stage": stage, "rss_mb": _peak_rss_mb(), "cpu_s": time.process_time()}
        print(json.dumps(report), flush=True)
        if last:
            app.quit()

    widget.installEventFilter(PaintWatch(widget))
    if last:  # a child that never gets there says so, rather than hanging the benchmark
        QTimer.singleShot(CHILD_TIMEOUT_MS, lambda: (print(f"no {stage} paint", file=sys.stderr), app.exit(1)))


def child_bare() -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("Bare")
    window.resize(1024, 700)
    _report_paint(window, lambda: True, "painted", last=False)
    _report_paint(window, lambda: True, "filled", last=True)
    window.show()
    return int(app.exec())


def child_floor() -> int:
    """What PySide6 itself costs for what the dashboard shows, with none of the app's code: the
    Fusion style, the system's colour scheme read and its palette set, three menus, a toolbar of
    four standard icons with their text, a status bar message, and three framed cards of
    word-wrapped labels, each with a button. No store, no core, no worker. The app cannot start
    faster than this; the gap between the two is the app's own (its store, its modules)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import (
        QApplication,
        QFrame,
        QGridLayout,
        QHBoxLayout,
        QLabel,
        QMainWindow,
        QPushButton,
        QStyle,
        QToolBar,
        QVBoxLayout,
        QWidget,
    )

    app = QApplication(sys.argv)
    style = app.setStyle("Fusion")
    scheme = QApplication.styleHints().colorScheme()  # as theme.follow_color_scheme does
    app.setPalette(style.standardPalette())  # the app's dark palette when dark: as costly
    window = QMainWindow()
    window.setWindowTitle(f"Floor ({scheme.name})")
    px = QStyle.StandardPixmap
    toolbar = QToolBar("Main")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for pixmap, text in (
        (px.SP_FileDialogNewFolder, "New Project…"),
        (px.SP_DialogOpenButton, "Import…"),
        (px.SP_FileDialogDetailedView, "Settings…"),
        (px.SP_BrowserReload, "Refresh"),
    ):
        toolbar.addAction(QAction(style.standardIcon(pixmap), text, window))
    window.addToolBar(toolbar)
    for menu in ("&File", "&View", "&Help"):
        window.menuBar().addMenu(menu).addAction(QAction("&Quit", window))
    window.statusBar().showMessage("Loading the portfolio…", 3000)
    page = QWidget()
    column = QVBoxLayout(page)
    for text in ("Your AI portfolio", "Hiring managers look for three projects. " * 3, "Portfolio readiness: Draft"):
        column.addWidget(QLabel(text, wordWrap=True))
    cards = QGridLayout()
    for index in range(3):
        card = QFrame(frameShape=QFrame.Shape.StyledPanel)
        lines = QVBoxLayout(card)
        for text in CARD_LINES:
            lines.addWidget(QLabel(text, wordWrap=True))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(QPushButton(style.standardIcon(px.SP_DirOpenIcon), "Open"))
        lines.addLayout(buttons)
        cards.addWidget(card, 0, index)
    column.addLayout(cards)
    column.addStretch(1)
    window.setCentralWidget(page)
    window.resize(1024, 700)
    _report_paint(page, lambda: True, "painted", last=False)
    _report_paint(page, lambda: True, "filled", last=True)
    window.show()
    return int(app.exec())


def after_import(module_name: str, then) -> None:  # type: ignore[no-untyped-def]
    """Call `then(module)` right after `module_name` is first imported, wherever that happens: the
    app child starts exactly as a user's `scaffolder` does, and is instrumented on the way."""
    import importlib.util

    class Finder:
        def find_spec(self, fullname, path, target=None):  # type: ignore[no-untyped-def]
            if fullname != module_name:
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(fullname)
            assert spec is not None and spec.loader is not None
            run_module = spec.loader.exec_module

            def exec_module(module):  # type: ignore[no-untyped-def]
                run_module(module)
                then(module)

            spec.loader.exec_module = exec_module  # type: ignore[method-assign]
            return spec

    sys.meta_path.insert(0, Finder())  # type: ignore[arg-type]


def child_app() -> int:
    """As a user's `scaffolder` does (the command line with no arguments), watching the dashboard's
    paints: the first one with the three cards named ("painted"), and the first one with every card
    filled ("filled": last commit from git, readiness level from the offline checks)."""

    def instrument(window) -> None:  # type: ignore[no-untyped-def]
        from PySide6.QtCore import QTimer

        state = window.state

        def named() -> bool:
            return all(s.project is not None for s in window.dashboard.slots.values())

        def filled() -> bool:
            slots = window.dashboard.slots.values()
            known = all(s.project is not None and s.project.id in state.summaries for s in slots)
            return named() and known and state.portfolio_report is not None

        def on_data() -> None:
            if filled():
                QTimer.singleShot(0, window.dashboard.update)  # the paint that shows the data

        def say_what_is_missing() -> None:  # shown by the parent if this child never fills its cards
            print(
                f"summaries {sorted(state.summaries)}, readiness {state.portfolio_report is not None}", file=sys.stderr
            )

        state.summaries_changed.connect(on_data)
        state.reports_changed.connect(on_data)
        QTimer.singleShot(CHILD_TIMEOUT_MS - 1000, say_what_is_missing)
        _report_paint(window.dashboard, named, "painted", last=False)
        _report_paint(window.dashboard, filled, "filled", last=True)

    def patch_start(main_window) -> None:  # type: ignore[no-untyped-def]
        original_start = main_window.MainWindow.start

        def start(self):  # type: ignore[no-untyped-def]
            original_start(self)  # names the cards, and watches for the first paint to start work
            instrument(self)

        main_window.MainWindow.start = start

    after_import("scaffolder.gui.main_window", patch_start)
    from scaffolder.cli import main

    sys.argv = [sys.argv[0]]  # no arguments: the app
    return main()


def build_portfolio(home: Path) -> None:
    """Three generated projects in a store at `home` (made once; generation is not measured)."""
    sys.path.insert(0, str(ROOT))
    os.environ["SCAFFOLDER_HOME"] = str(home / "data")
    from scaffolder.core.catalogue import resolve_template
    from scaffolder.core.generate import generate
    from scaffolder.core.git import Identity
    from scaffolder.core.store import Store

    store = Store()
    identity = Identity("Bench Author", "bench@example.com")
    for kind, name in KINDS:
        generate(
            resolve_template(kind), {"project_name": name}, home / "portfolio", store=store, fallback_identity=identity
        )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_child(kind: str, env: dict[str, str]) -> dict[str, float]:
    """{"painted": s, "filled": s, "rss_mb": MB, "cpu_s": s} of one fresh process."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", kind],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    figures: dict[str, float] = {}
    for line in process.stdout:
        if line.startswith("{"):
            report = json.loads(line)
            figures[report["stage"]] = time.perf_counter() - started
            figures[f"{report['stage']}_cpu_s"] = float(report["cpu_s"])  # the process's own CPU time so far
            figures[f"{report['stage']}_rss_mb"] = figures["rss_mb"] = float(report["rss_mb"])
    process.wait(timeout=30)
    figures["cpu_s"] = _children_cpu() - cpu_before  # user + system, to the end of the process
    if "filled" not in figures:
        raise SystemExit(f"the {kind} child never painted:\n{process.stderr.read() if process.stderr else ''}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--runs", type=int, default=10)
    parser.add_argument("--platform", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    parser.add_argument("--child", choices=["app", "bare", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print every run's figures")
    args = parser.parse_args()
    if args.child == "bare":
        return child_bare()
    if args.child == "floor":
        return child_floor()
    if args.child == "app":
        return child_app()

    home = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        (home / "gitconfig").write_text("[user]\n\tname = Bench\n\temail = bench@example.com\n", encoding="utf-8")
        env = {
            **os.environ,
            "HOME": str(home),
            "SCAFFOLDER_HOME": str(home / "data"),
            "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "QT_QPA_PLATFORM": args.platform,
            "PYTHONPATH": str(ROOT),
        }
        # A user's install has compiled .pyc files: let the warm-up run write them, as pip does at install.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ.update({k: env[k] for k in ("HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")})
        build_portfolio(home)
        kinds = ("app", "bare", "floor")
        results: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
        for kind in kinds:  # warm-up: the file cache, .pyc files
            run_child(kind, env)
        for i in range(args.runs):
            order = kinds[i % 3 :] + kinds[: i % 3]  # each goes first, second and third in turn
            for kind in order:
                results[kind].append(run_child(kind, env))
    finally:
        shutil.rmtree(home, ignore_errors=True)

    def median(kind: str, figure: str) -> float:
        return statistics.median(run[figure] for run in results[kind])

    if args.json:
        print(json.dumps(results, indent=2))
    bare_s, bare_mb = median("bare", "painted"), median("bare", "rss_mb")
    painted, filled, app_mb = median("app", "painted"), median("app", "filled"), median("app", "rss_mb")
    print(f"platform {args.platform}, {args.runs} interleaved runs each (medians)")
    print(f"  bare PySide6 QMainWindow, first paint      : {bare_s:.3f} s   peak RSS {bare_mb:.0f} MB")
    print(
        f"  app, dashboard painted with its 3 projects : {painted:.3f} s   ({painted / bare_s:.2f}x, target <= {TIME_TARGET}x)"
    )
    floor = median("floor", "painted")
    print(
        f"  floor: what PySide6 itself costs for the\n"
        f"    dashboard's features (child_floor)       : {floor:.3f} s   ({floor / bare_s:.2f}x; the app is {painted / floor:.2f}x the floor)"
    )
    print(f"  app, every card filled (git, readiness)    : {filled:.3f} s   ({filled / bare_s:.2f}x)")
    print(
        f"  app peak RSS                               : {app_mb:.0f} MB   ({app_mb / bare_mb:.2f}x, target <= {RSS_TARGET}x)"
    )
    print(f"  app peak RSS when the dashboard is painted : {median('app', 'painted_rss_mb'):.0f} MB")
    app_paint_cpu, bare_paint_cpu = median("app", "painted_cpu_s"), median("bare", "painted_cpu_s")
    floor_cpu = median("floor", "painted_cpu_s")
    print(
        f"  CPU time to the painted dashboard          : app {app_paint_cpu:.3f} s, bare {bare_paint_cpu:.3f} s"
        f" ({app_paint_cpu / bare_paint_cpu:.2f}x; steadier than wall time on a busy machine),"
        f" floor {floor_cpu:.3f} s ({floor_cpu / bare_paint_cpu:.2f}x)"
    )
    app_cpu, bare_cpu = median("app", "cpu_s"), median("bare", "cpu_s")
    print(
        f"  CPU time, whole process (user + system)    : app {app_cpu:.3f} s, bare {bare_cpu:.3f} s ({app_cpu / bare_cpu:.2f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
