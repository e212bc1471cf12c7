"""The wizard's pages share one draft: each writes what it asks for, the next reads it from there
(issue 20: "the wizard shares one draft object instead of pages reaching into each other")."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

import scaffolder.gui.wizard as wizard_package
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.wizard.draft import WizardDraft

PAGES = ("template_page", "questions_page", "location_page", "generate_page")


def test_each_page_writes_what_it_asks_for_into_the_one_draft(
    qtbot: QtBot, window: MainWindow, projects_dir: Path, tmp_path: Path
) -> None:
    wizard = window.new_project("fullstack")
    qtbot.waitExposed(wizard)
    draft = wizard.draft
    assert isinstance(draft, WizardDraft)
    assert all(getattr(wizard, page).draft is draft for page in PAGES)  # one draft, the same for every page
    assert draft.template is not None and draft.template.kind == "fullstack"
    assert draft.output_dir == projects_dir

    wizard.next()
    preset = wizard.questions_page.editors["product_preset"].widget
    assert isinstance(preset, QComboBox)
    preset.setCurrentIndex(preset.findData("study-buddy"))  # as the user picks it from the list
    assert draft.preset == "study-buddy"
    assert draft.answers["product_preset"] == "study-buddy"
    assert str(draft.full_answers["product_description"]).startswith("Helps students")  # the default follows

    wizard.next()
    elsewhere = tmp_path / "elsewhere"
    wizard.location_page.folder.setText(str(elsewhere))
    assert draft.output_dir == elsewhere
    assert str(elsewhere / draft.full_answers["project_slug"]) in wizard.location_page.summary.toPlainText()

    wizard.back()
    wizard.back()
    wizard.template_page.radios["agent"].setChecked(True)
    assert draft.template.kind == "agent"
    wizard.next()  # the form is the agent's now, and so are the draft's answers
    assert list(wizard.questions_page.editors) == [q.name for q in draft.template.asked_questions]
    assert "product_preset" not in draft.full_answers and draft.preset is None
    wizard.next()
    assert wizard.location_page.data.isVisible() and draft.agent_data_to_add() is None  # the samples unless told


def test_no_page_reaches_into_another_page() -> None:
    """Pages read the draft: none names another page, or reads the wizard for what a page holds."""
    folder = Path(wizard_package.__file__).parent
    for module in folder.glob("*_page.py"):
        text = module.read_text(encoding="utf-8")
        others = [page for page in PAGES if re.search(rf"\.{page}\b", text)]
        assert not others, f"{module.name} reaches into {others}"
        assert not re.search(r"wizard\(\)\.(output_dir|identity_known|taken_names|store|settings)", text), module.name
