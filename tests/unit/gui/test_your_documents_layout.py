"""The documents' parts of the app keep the layout promise (no text cut off at 800 px, at 100 % and
200 %): the wizard's review with a corpus report, the Done page, and the project page's extra action."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from scaffolder.core.store import Store
from scaffolder.gui import messages, workers
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.wizard.documents_choice import DocumentsMode
from tests.helpers.documents import two_topic_corpus
from tests.unit.gui.test_golden_dialog import project_with_documents
from tests.unit.gui.test_layout import SCALES, assert_readable, scaled_font, settle

__all__ = ["scaled_font"]  # the fixture, used by name


@pytest.mark.parametrize(("scaled_font", "width"), SCALES, indirect=["scaled_font"])
def test_the_review_with_a_corpus_report_and_the_done_page_fit(
    qtbot: QtBot, scaled_font: int, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    corpus = two_topic_corpus(tmp_path / "a folder with a rather long name for my documents")
    monkeypatch.setattr(messages, "ask_directory", lambda *_args, **_kwargs: corpus)
    wizard = window.new_project("rag")
    wizard_width = 760 * scaled_font
    settle(qtbot, wizard, wizard_width, 600 * scaled_font)
    wizard.next()
    wizard.next()
    documents = wizard.location_page.documents
    with qtbot.waitSignal(documents.scanned, timeout=20000):
        documents.radios[DocumentsMode.PRIVATE].click()
    qtbot.wait(50)
    assert_readable(wizard, wizard_width)
    with qtbot.waitSignal(wizard.project_created, timeout=90000):
        wizard.next()
    qtbot.wait(50)
    assert wizard.generate_page.review_golden.isVisible()
    assert_readable(wizard, wizard_width)
    workers.wait_for_all()


@pytest.mark.parametrize(("scaled_font", "width"), SCALES, indirect=["scaled_font"])
def test_the_project_page_with_golden_questions_fits(
    qtbot: QtBot, scaled_font: int, store: Store, projects_dir: Path, tmp_path: Path, width: int
) -> None:
    path = project_with_documents(projects_dir / "docs-qa", two_topic_corpus(tmp_path / "corpus"))
    project = store.add_project(name="Docs QA", kind="rag", path=path, template="rag", template_version="1", answers={})
    window = MainWindow(store)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.state.summaries_changed, timeout=10000):
        window.start()
    settle(qtbot, window, width, 600 * scaled_font)
    window.open_project(project.id)
    readiness = window.project_page.readiness
    assert readiness is not None
    qtbot.waitUntil(lambda: readiness.report is not None, timeout=10000)
    qtbot.wait(50)
    assert window.project_page.golden.isVisible()
    assert_readable(window, width)
    workers.wait_for_all()
