"""Builds the QApplication, installs the exception hook and the log file, shows the window."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType

from scaffolder.core.paths import log_dir

LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3


def rotate_log(path: Path, max_bytes: int = LOG_MAX_BYTES, backups: int = LOG_BACKUPS) -> None:
    """A log past `max_bytes` becomes `.1` (`.1` becomes `.2`…, the oldest is dropped). Once per
    start, rather than by RotatingFileHandler: logging.handlers imports socket and pickle, 1.8 MB
    that the app would carry for as long as it runs (benchmarks/bench_startup.py)."""
    try:
        if path.stat().st_size < max_bytes:
            return
    except FileNotFoundError:
        return
    for number in range(backups - 1, 0, -1):
        older = path.with_name(f"{path.name}.{number}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{number + 1}"))
    os.replace(path, path.with_name(f"{path.name}.1"))


def setup_logging() -> logging.Handler | None:
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        rotate_log(folder / "scaffolder.log")
        handler: logging.Handler = logging.FileHandler(folder / "scaffolder.log", encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("scaffolder")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return handler


def install_excepthook() -> None:
    """An unexpected exception on the UI thread is logged and shown; it never kills the app silently."""

    def hook(kind: type[BaseException], err: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, err, tb)
            return
        from scaffolder.gui import messages

        details = "".join(traceback.format_exception(kind, err, tb))
        from PySide6.QtWidgets import QApplication

        messages.report_error(QApplication.activeWindow(), err, details)

    sys.excepthook = hook


def run_gui(argv: list[str] | None = None) -> int:
    # The core first: once PySide6 is imported it inspects the source of every module imported
    # after it (for its __feature__ switches), which costs start-up time for nothing here.
    import scaffolder.core.catalogue
    import scaffolder.core.settings
    import scaffolder.core.store  # noqa: F401

    # isort: split
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv or sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("AI Portfolio Scaffolder")
    app.setApplicationDisplayName("AI Portfolio Scaffolder")
    app.setOrganizationName("ai-portfolio-scaffolder")
    app.setDesktopFileName("ai-portfolio-scaffolder")  # Wayland/X11 match the window to its icon
    install_excepthook()
    from scaffolder.gui import theme
    from scaffolder.gui.ui_thread_gc import UiThreadGarbageCollector

    UiThreadGarbageCollector(app).start()  # Qt objects must never be freed on a worker thread

    app.setWindowIcon(theme.app_icon())
    theme.follow_color_scheme(app)
    from scaffolder.core.errors import UserError
    from scaffolder.core.store import Store
    from scaffolder.core.surface import Surface, speak_on
    from scaffolder.gui import messages
    from scaffolder.gui.main_window import MainWindow

    speak_on(Surface.APP)  # every error from here on names buttons and fields, never a command
    try:
        store = Store()
    except UserError as err:
        messages.report_error(None, err)
        return 1
    window = MainWindow(store)
    window.first_painted.connect(setup_logging)  # until then, log records go to stderr
    window.show()
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, window.start)
    return int(app.exec())
