"""The app's road from generated to shown: a user records the demo GIF, drafts the write-up and
exports the portfolio from dialogs, on a real Qt event loop, with real processes and Chromium."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from scaffolder.core.catalogue import resolve_template
from scaffolder.core.demo import find_browser
from scaffolder.core.drafts import draft_blocks
from scaffolder.core.generate import generate
from scaffolder.core.store import Store
from scaffolder.gui import workers
from scaffolder.gui.show_dialogs import DraftWriteupDialog, ExportDialog, RecordDemoDialog
from tests.helpers.demo_site import make_demo_project, server_gone

needs_recorder = pytest.mark.skipif(find_browser() is None, reason="no Chromium or Chrome is installed to record with")


@pytest.fixture
def demo_project(tmp_path: Path, store: Store) -> object:
    root = make_demo_project(tmp_path / "ask")
    (root / ".venv" / "bin").mkdir(parents=True)
    import sys

    (root / ".venv" / "bin" / "python").symlink_to(sys.executable)  # the server needs only the stdlib
    return store.add_project(name="Ask", kind="custom", path=root, template=None, template_version=None, answers={})


@needs_recorder
def test_recording_shows_progress_then_the_gif_and_commits_only_on_request(qtbot: QtBot, demo_project) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("playwright")
    dialog = RecordDemoDialog(demo_project)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.commit_button.isEnabled() and not dialog.cancel_button.isEnabled()
    assert dialog.status.text().startswith("Recording runs  .venv/bin/python server.py '{port}'  in ")
    assert dialog.record_button.text() == "Agree and &Record"  # an imported project: its own code runs
    qtbot.mouseClick(dialog.record_button, qtbot_button())
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=120_000)
    assert "Step 3/4: click #ask" in dialog.log.toPlainText()
    assert dialog.status.text().startswith("Recorded demo.gif:")
    assert dialog.preview.isVisible()
    assert server_gone(demo_project.path)

    def head() -> str:
        return subprocess.run(
            ["git", "-C", str(demo_project.path), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout

    before = head()
    assert dialog.commit_button.isEnabled()
    qtbot.mouseClick(dialog.commit_button, qtbot_button())
    assert head() != before and dialog.status.text().startswith("Committed as")
    workers.wait_for_all()


@needs_recorder
def test_cancel_stops_the_browser_and_the_server_and_says_so(qtbot: QtBot, demo_project) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("playwright")
    dialog = RecordDemoDialog(demo_project)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.record_button, qtbot_button())
    qtbot.waitUntil(lambda: "Step 2/" in dialog.log.toPlainText(), timeout=60_000)
    qtbot.mouseClick(dialog.cancel_button, qtbot_button())
    qtbot.waitUntil(lambda: dialog.record_button.isEnabled(), timeout=20_000)
    assert dialog.status.text() == "Cancelled: nothing was changed."
    assert server_gone(demo_project.path)
    assert not (demo_project.path / "docs" / "demo.gif").exists()
    workers.wait_for_all()


def qtbot_button():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


@pytest.fixture
def rag_project(tmp_path: Path, store: Store):  # type: ignore[no-untyped-def]
    return generate(resolve_template("rag"), {"project_name": "Docs QA"}, tmp_path / "out", store=store).project


def test_drafting_the_writeup_reports_each_section(qtbot: QtBot, rag_project) -> None:  # type: ignore[no-untyped-def]
    dialog = DraftWriteupDialog(rag_project)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.provider.currentText() == "offline"
    qtbot.mouseClick(dialog.draft_button, qtbot_button())
    qtbot.waitUntil(lambda: "section(s) drafted" in dialog.outcome.text(), timeout=20_000)
    assert "4 section(s) drafted (offline" in dialog.outcome.text()
    assert (
        "• What I learned: no facts — no commits of yours after the generated first commit yet" in dialog.outcome.text()
    )
    text = (rag_project.path / "WRITEUP.md").read_text(encoding="utf-8")
    assert len(draft_blocks(text)) == 4
    workers.wait_for_all()


def test_export_previews_each_format_and_copies_it(qtbot: QtBot, rag_project, store: Store) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QGuiApplication

    dialog = ExportDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.copy_button.isEnabled(), timeout=20_000)
    assert dialog.text.toPlainText().startswith("## Projects\n\n### Docs QA")
    dialog.format.setCurrentText("resume")
    qtbot.waitUntil(lambda: dialog.text.toPlainText().startswith("- Built a RAG service, Docs QA"), timeout=20_000)
    qtbot.mouseClick(dialog.copy_button, qtbot_button())
    assert QGuiApplication.clipboard().text() == dialog.text.toPlainText()
    workers.wait_for_all()


def test_the_file_menu_opens_the_export(qtbot: QtBot, window, rag_project) -> None:  # type: ignore[no-untyped-def]
    assert "&Export Portfolio…" in [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    window.export_action.trigger()
    dialog = window.findChild(ExportDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.copy_button.isEnabled(), timeout=20_000)
    assert "Docs QA" in dialog.text.toPlainText()
    workers.wait_for_all()


def test_the_project_page_offers_the_demo_and_the_writeup(qtbot: QtBot, window, rag_project) -> None:  # type: ignore[no-untyped-def]
    window.state.reload()
    qtbot.waitUntil(lambda: window.state.project(rag_project.id) is not None, timeout=10_000)
    window.open_project(rag_project.id)
    page = window.project_page
    assert page.record_demo.isVisible() and page.draft_writeup.isVisible()
    page.draft_writeup.click()
    assert isinstance(page.dialog, DraftWriteupDialog) and page.dialog.isVisible()
    page.dialog.reject()
    workers.wait_for_all()
