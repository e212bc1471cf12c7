"""Screenshots of the real app for docs/: run under an X server (e.g. Xvfb), not offscreen.

    Xvfb :99 -screen 0 1280x800x24 &  DISPLAY=:99 python scripts/take_screenshots.py

It builds a demo portfolio in a temporary SCAFFOLDER_HOME (a generated RAG project, an imported
repository), opens the main window and walks the New Project wizard, grabbing the whole screen
with ImageMagick's `import -window root` after each step.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> int:
    if not os.environ.get("DISPLAY"):
        print("Run under an X server: Xvfb :99 & DISPLAY=:99 python scripts/take_screenshots.py", file=sys.stderr)
        return 2
    scale = os.environ.get("QT_SCALE_FACTOR", "1")
    suffix = "" if scale == "1" else f"-{scale}x"
    home = Path(tempfile.mkdtemp(prefix="scaffolder-shots-"))
    os.environ["SCAFFOLDER_HOME"] = str(home / "data")
    os.environ.setdefault("GIT_AUTHOR_NAME", "Demo User")

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from scaffolder.core.catalogue import resolve_template
    from scaffolder.core.generate import generate
    from scaffolder.core.git import Identity
    from scaffolder.core.portfolio import import_project
    from scaffolder.core.settings import Settings, save_settings
    from scaffolder.core.store import Store
    from scaffolder.gui.main_window import MainWindow

    app = QApplication(sys.argv)
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

    def shot(name: str) -> None:
        settle()
        target = DOCS / f"{name}{suffix}.png"
        subprocess.run(["import", "-window", "root", str(target)], check=True)
        print("wrote", target)

    window = MainWindow(store)
    window.resize(1024, 700)
    window.move(0, 0)
    window.show()
    window.start()
    settle(3000)
    shot("dashboard")
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
    shot("wizard-2-questions")
    wizard.next()
    shot("wizard-3-review")
    wizard.next()
    loop = QEventLoop()
    wizard.project_created.connect(lambda _r: loop.quit())
    if wizard.generate_page.result is None:
        loop.exec()
    shot("wizard-4-done")
    wizard.accept()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
