"""Screenshots of the real app for docs/: run under an X server (e.g. Xvfb), not offscreen.

    Xvfb :99 -screen 0 1280x800x24 &  DISPLAY=:99 python scripts/take_screenshots.py
    Xvfb :98 -screen 0 2560x1600x24 & DISPLAY=:98 QT_SCALE_FACTOR=2 python scripts/take_screenshots.py
    DISPLAY=:99 SCREENSHOT_SCHEME=dark python scripts/take_screenshots.py   # the dark palette

It builds a demo portfolio in a temporary SCAFFOLDER_HOME (a generated RAG project, an imported
repository), shows the first-run welcome step, opens the main window and walks the New Project
wizard (the agent, with demo data of its own: CSV files and an OpenAPI document), grabbing the whole screen with ImageMagick's `import -window root` after each step.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def demo_data(folder: Path) -> Path:
    """A help desk's own data, as a user would export it: two CSV files and a note that is skipped."""
    folder.mkdir(parents=True)
    (folder / "tickets.csv").write_text(
        "Ticket,Customer,Opened on,Priority,Minutes to reply\n"
        "T-1001,Acme Ltd,2024-05-02,high,12\nT-1002,Globex,2024-05-02,low,240\n"
        "T-1003,Acme Ltd,2024-05-03,medium,45\nT-1004,Initech,2024-05-04,high,9\n",
        encoding="utf-8",
    )
    (folder / "customers.csv").write_text(
        "customer_name;plan;seats\nAcme Ltd;business;120\nGlobex;starter;8\nInitech;business;56\n",
        encoding="utf-8",
    )
    (folder / "notes.txt").write_text("exported from the help desk\n", encoding="utf-8")
    return folder


def demo_openapi(path: Path) -> Path:
    path.write_text(
        "openapi: 3.0.3\ninfo: {title: Help desk status, version: '1'}\n"
        "servers: [{url: 'https://status.example.com/v1'}]\npaths:\n"
        "  /queues:\n    get: {operationId: listQueues, summary: List the support queues and their waiting times}\n"
        "  /tickets:\n    post: {summary: Open a ticket}\n",
        encoding="utf-8",
    )
    return path


def main() -> int:
    if not os.environ.get("DISPLAY"):
        print("Run under an X server: Xvfb :99 & DISPLAY=:99 python scripts/take_screenshots.py", file=sys.stderr)
        return 2
    scale = os.environ.get("QT_SCALE_FACTOR", "1")
    dark = os.environ.get("SCREENSHOT_SCHEME") == "dark"
    suffix = ("" if scale == "1" else f"-{scale}x") + ("-dark" if dark else "")
    home = Path(tempfile.mkdtemp(prefix="scaffolder-shots-"))
    os.environ["SCAFFOLDER_HOME"] = str(home / "data")
    os.environ["HOME"] = str(home)  # no real home folder in the pictures
    os.environ.setdefault("GIT_AUTHOR_NAME", "Demo User")

    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from scaffolder.core.catalogue import resolve_template
    from scaffolder.core.generate import generate
    from scaffolder.core.git import Identity
    from scaffolder.core.portfolio import import_project
    from scaffolder.core.settings import Settings, save_settings, suggested_settings
    from scaffolder.core.store import Store
    from scaffolder.gui import theme
    from scaffolder.gui.main_window import MainWindow
    from scaffolder.gui.welcome_dialog import WelcomeDialog

    app = QApplication(sys.argv)
    app.setWindowIcon(theme.app_icon())
    theme.follow_color_scheme(app)
    if dark:
        theme.apply_color_scheme(app, Qt.ColorScheme.Dark)
    store = Store()
    projects = home / "portfolio"
    save_settings(
        store,
        Settings(
            projects_dir=str(projects),
            author_name="Ada Lovelace",
            author_email="ada@example.com",
            github_username="ada",
        ),
    )
    identity = Identity("Ada Lovelace", "ada@example.com")
    generate(
        resolve_template("rag"), {"project_name": "Ask the Docs"}, projects, store=store, fallback_identity=identity
    )
    side = projects / "kaggle-notebooks"
    side.mkdir(parents=True)
    (side / "README.md").write_text("# Kaggle notebooks\n", encoding="utf-8")
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["-c", "user.name=Ada", "-c", "user.email=a@e.x", "commit", "-qm", "notes"],
    ):
        subprocess.run(["git", "-C", str(side), *args], check=True)
    import_project(store, side)

    def settle(ms: int = 800) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    # The README shows every step at 100 %; at 200 % and in dark mode, the screens that show it best.
    variants = {"": None, "-2x": {"dashboard", "project-page", "wizard-2-questions", "welcome"}}
    variants["-dark"] = {"dashboard", "project-page"}
    wanted = variants.get(suffix)

    def shot(name: str) -> None:
        if wanted is not None and name not in wanted:
            return
        settle()
        target = DOCS / f"{name}{suffix}.png"
        subprocess.run(["import", "-window", "root", str(target)], check=True)
        print("wrote", target)

    if not dark:
        welcome = WelcomeDialog(suggested_settings(Settings(projects_dir=str(projects))))
        welcome.author_name.setText("Ada Lovelace")
        welcome.author_email.setText("ada@example")  # half typed: the inline sentence shows
        welcome.move(40, 40)
        welcome.show()
        shot("welcome")
        welcome.close()

    window = MainWindow(store)
    window.resize(1024, 700)
    window.move(0, 0)
    window.show()
    window.start()
    settle(3000)
    shot("dashboard")
    if not dark:
        window.resize(760, 700)  # narrower than three cards: they reflow
        settle(1500)
        shot("dashboard-narrow")
        window.resize(1024, 700)
    window.open_project(window.state.slot_project("rag").id)  # type: ignore[union-attr]
    settle(3000)
    shot("project-page")
    window.show_dashboard()
    wizard = window.new_project("agent")
    wizard.move(120, 60)
    shot("wizard-1-template")
    wizard.next()
    editor = wizard.questions_page.editors["project_name"].widget
    editor.setText("Support Desk Agent")
    editor.textEdited.emit("Support Desk Agent")
    package = wizard.questions_page.editors["package_name"].widget
    package.setText("2desk")  # a package name Python cannot import: the sentence is beside it
    package.textEdited.emit("2desk")
    shot("wizard-2-questions")
    package.setText("support_desk")
    package.textEdited.emit("support_desk")
    wizard.next()
    # "Your data": the user's own CSV files for the SQL tool, and their API's OpenAPI document.
    data = wizard.location_page.data
    data.use(demo_data(home / "desk data"))
    data.openapi.setText(str(demo_openapi(home / "helpdesk-api.yaml")))
    settle(1500)
    wizard.location_page.summary.scrollToAnchor("your-data")  # the data report, under the answers
    shot("wizard-3-review")
    wizard.next()
    loop = QEventLoop()
    wizard.project_created.connect(lambda _r: loop.quit())
    if wizard.generate_page.result is None:
        loop.exec()
    settle(1500)  # the data's commit, after the template's
    shot("wizard-4-done")
    wizard.generate_page.open_task_review()
    review = wizard.generate_page.task_dialog
    if review is not None:
        review.move(80, 40)
        shot("wizard-5-task-review")
        review.close()
    wizard.accept()
    if not dark:
        from scaffolder.gui.about import show_about

        box = show_about(window)
        shot("about")
        box.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
