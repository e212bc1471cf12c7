"""The wizard's pages share one draft: each writes what it asks for, the next reads it from there
(issue 20: "the wizard shares one draft object instead of pages reaching into each other")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

import scaffolder.gui.wizard as wizard_package
from scaffolder.core.catalogue import resolve_template
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.wizard import draft as draft_module
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
    assert draft.slug == "writing-assistant"
    assert str(elsewhere / draft.slug) in wizard.location_page.summary.toPlainText()

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


def test_the_draft_is_plain_data_and_its_verdict_is_the_cores(tmp_path: Path) -> None:
    """No Qt in the draft: it is built and checked without a window, and the sentence that blocks
    Next is the core's own (the same `scaffolder new --set` prints)."""
    tree = ast.parse(Path(draft_module.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m.startswith(("PySide6", "scaffolder.gui"))}

    draft = WizardDraft(output_dir=tmp_path, taken_names=frozenset({"Support Desk Agent"}))
    assert draft.preview() is None  # no template chosen yet
    draft.template = resolve_template("agent")
    draft.answers = {"project_name": "Support Desk Agent"}
    verdict = draft.preview()
    assert verdict is not None and not verdict.ok and verdict.problem is not None
    assert "Support Desk Agent" in verdict.problem.message
    draft.answers = {"project_name": "Garden Agent", "package_name": "2garden"}
    verdict = draft.preview()
    assert verdict is not None and verdict.problem_question == "package_name"
    draft.answers = {"project_name": "Garden Agent"}
    assert draft.preview().ok  # type: ignore[union-attr]
    assert draft.agent_data_to_add() is None and draft.documents_to_add() is None
