"""Every answer that would fail later blocks Next in the wizard, with the core's own sentence
beside the field it is about, and the same answer given to `scaffolder new --set` fails with it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from scaffolder.core.answer_rules import answer_problem, name_taken_problem
from scaffolder.core.store import Store
from scaffolder.gui.main_window import MainWindow
from tests.unit.gui.test_dashboard import add_project


def type_into(qtbot: QtBot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    qtbot.keyClicks(widget, text)


@pytest.mark.parametrize(
    ("question", "answer"),
    [("package_name", "2docs"), ("package_name", "class"), ("author_email", "grace@localhost"), ("author_email", "x")],
)
def test_an_answer_that_would_fail_blocks_next_with_its_sentence_beside_the_field(
    qtbot: QtBot, window: MainWindow, question: str, answer: str
) -> None:
    wizard = window.new_project("rag")
    qtbot.waitExposed(wizard)
    wizard.next()
    page = wizard.questions_page
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert next_button.isEnabled()
    type_into(qtbot, page.editors[question].widget, answer)
    expected = answer_problem(question, answer)
    assert expected is not None
    assert not next_button.isEnabled()
    error = page.errors[question]
    assert error.isVisible() and error.text().startswith(expected.message)
    assert not page.problem.isVisible()  # said once, beside the field, not again below the form
    # the label is beside the field: the error sits right under its editor, in the same row
    editor_box = page.editors[question].widget.geometry()
    assert error.geometry().top() >= editor_box.bottom()
    assert error.geometry().top() - editor_box.bottom() < 20


def test_the_cli_refuses_the_same_package_name_with_the_same_sentence(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scaffolder",
            "new",
            "rag",
            "-o",
            str(tmp_path),
            "--set",
            "package_name=2docs",
            "--no-input",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    expected = answer_problem("package_name", "2docs")
    assert result.returncode != 0 and expected is not None
    assert expected.message in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_a_name_already_in_the_portfolio_blocks_next(
    qtbot: QtBot, window: MainWindow, store: Store, projects_dir: Path, tmp_path: Path
) -> None:
    add_project(store, tmp_path / "elsewhere" / "docs-qa", "custom", "Docs QA")
    window.state.reload()
    wizard = window.new_project("rag")
    qtbot.waitExposed(wizard)
    wizard.next()
    page = wizard.questions_page
    type_into(qtbot, page.editors["project_name"].widget, "Docs QA")
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert page.shown_problem() == (
        "project_name",
        f"{name_taken_problem('Docs QA').message} {name_taken_problem('Docs QA').hint}",
    )
    type_into(qtbot, page.editors["project_name"].widget, "Docs QA 2")
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_a_dict_questions_label_sits_beside_its_json_editor(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    from tests.helpers.template_tree import minimal_template

    template = minimal_template(tmp_path / "custom", settings={"region": "eu", "replicas": 2})
    wizard = window.new_project("")
    qtbot.waitExposed(wizard)
    wizard.template_page.custom_path.setText(str(template))
    wizard.next()
    qtbot.wait(50)
    page = wizard.questions_page
    editor = page.editors["settings"].widget
    label = page.form.labelForField(editor.parentWidget())
    assert label is not None and label.text() == "Settings:"
    assert abs(label.geometry().top() - editor.mapTo(page.form_host, editor.rect().topLeft()).y()) <= 8
