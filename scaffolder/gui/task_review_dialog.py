"""Review the eval tasks drafted from the user's own data and API: accept, reject, reword, add.

The same review as the RAG golden set (`GoldenDialog`: its table, buttons, counts, selection and
unsaved-changes question are reused as they are); what differs is the record (`TaskReview`, the
core validates), the columns' meaning (the tool a task must call, the answer it must contain) and
adding a task, which needs its tool and its expected answer.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scaffolder.core.agent_project import HTTP_TOOLS_FILE
from scaffolder.core.agent_tasks import REVIEW_FILE, SQL_TOOL, TASKS_FILE, TaskDraft, TaskReview
from scaffolder.core.errors import UserError
from scaffolder.gui import messages, theme
from scaffolder.gui.golden_dialog import GoldenDialog

TASK_COLUMNS = ("Task", "Tool and expected answer", "Drafted from", "Status")
TASK, TOOL, ORIGIN, STATUS = range(len(TASK_COLUMNS))


def task_summary(project: Path) -> str | None:
    """One line on the project's drafted eval tasks for its page, or None when it has none."""
    if not TaskReview.exists(project):
        return None
    try:
        review = TaskReview.load(project)
    except UserError as err:
        return err.message
    pending = sum(q.status == "pending" for q in review.questions)
    return f"Eval tasks from {review.corpus or 'your data'}: {len(review.questions)} tasks, {len(review.accepted)}" + (
        f" accepted, {pending} still to review." if pending else " accepted."
    )


def project_tools(project: Path, review: TaskReview) -> list[str]:
    """The tools a task may expect: the SQL tool, the project's HTTP tools, and any a task names."""
    found = {SQL_TOOL} | {tool for task in review.questions for tool in task.expected_tools}
    try:
        record = json.loads((Path(project) / HTTP_TOOLS_FILE).read_text(encoding="utf-8"))
        found |= {str(tool["name"]) for tool in record.get("tools", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # no API brought (or the file was edited by hand): the other tools are still offered
    return sorted(found, key=lambda name: (name != SQL_TOOL, name))


def expected_answer(task: TaskDraft) -> str:
    """The check a person reads: "= 4", "≈ 1234.5", "contains Runner bean"."""
    check = task.check
    value = check.get("value")
    if check.get("type") == "number":
        return f"= {value}" if not check.get("tolerance") else f"≈ {value}"
    if isinstance(value, list):
        return "contains " + ", ".join(str(v) for v in value)
    return str(value if value is not None else "")


class AddTaskDialog(QDialog):
    """A task of the user's own: the question, the tool that answers it, what the answer must contain."""

    def __init__(self, review: TaskReview, tools: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add an eval task")
        self.review = review
        self.added: TaskDraft | None = None
        self.question = QLineEdit()
        self.question.setObjectName("new-task")
        self.question.setPlaceholderText("As a user would ask it")
        # Room for a question of a usual length (and its placeholder) at any font size.
        self.question.setMinimumWidth(self.question.fontMetrics().averageCharWidth() * 48)
        self.tool = QComboBox()
        self.tool.setObjectName("new-task-tool")
        self.tool.addItems(tools)
        self.expect = QLineEdit()
        self.expect.setObjectName("new-task-expect")
        self.expect.setPlaceholderText("e.g. 42, or a name")
        self.problem = QLabel()
        self.problem.setObjectName("add-task-problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(theme.error_style())
        self.problem.hide()
        form = QFormLayout()
        form.addRow("&Task:", self.question)
        form.addRow("Answered &by:", self.tool)
        form.addRow("The answer &contains:", self.expect)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        try:
            self.added = self.review.add(self.question.text(), self.tool.currentText(), self.expect.text())
        except UserError as err:  # stays open: nothing typed is lost
            sentence = f"{err.message} {err.hint}"
            # The core words its hints for the terminal; here the fields are the way to say it.
            sentence = sentence.replace(" Give both: --add TEXT --source TOOL.", "").replace(
                " Add --expect TEXT (e.g. --expect 42).", " Fill in what the answer contains."
            )
            self.problem.setText(sentence.strip())
            self.problem.show()
            return
        super().accept()


class TaskReviewDialog(GoldenDialog):
    review: TaskReview | None  # type: ignore[assignment]  # the same verbs as GoldenReview

    def __init__(self, project: Path, parent: QWidget | None = None) -> None:
        self.add_task_dialog: AddTaskDialog | None = None
        super().__init__(project, parent)
        self.setWindowTitle("Eval tasks")
        self.setObjectName("task-review-dialog")
        self.table.setObjectName("task-table")
        self.save_button.setObjectName("save-tasks")
        self.status.setObjectName("task-status")
        self.intro.setText(
            "Eval tasks drafted from your data's schema and your API's operations, each with the tool it must"
            f" call and the answer it must contain. The project's eval runs on the ones you accept ({TASKS_FILE})."
            " Double-click a task to reword it."
        )

    def load(self) -> None:
        try:
            self.review = TaskReview.load(self.project)
        except UserError as err:
            self.review = None
            self._show_problem(err)
            for button in (self.accept_button, self.reject_button, self.edit_button, self.add_button):
                button.setEnabled(False)
            self.save_button.setEnabled(False)
            return
        self._fill()
        self._show_counts()

    def _fill(self) -> None:
        assert self.review is not None
        self._filling = True
        self.table.setColumnCount(len(TASK_COLUMNS))
        self.table.setHorizontalHeaderLabels(TASK_COLUMNS)
        self.table.setRowCount(len(self.review.questions))
        for row, task in enumerate(self.review.questions):
            tool = f"{', '.join(task.expected_tools)}: {expected_answer(task)}"
            for column, text in enumerate((task.question, tool, task.origin, task.status)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, task.id)
                if column == ORIGIN and task.evidence:
                    item.setToolTip(task.evidence)
                if column != TASK:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
        self._filling = False

    def add_question(self) -> None:
        if self.review is None:
            return
        dialog = AddTaskDialog(self.review, project_tools(self.project, self.review), self)
        dialog.accepted.connect(self._changed)
        self.add_task_dialog = dialog
        dialog.open()

    def save(self) -> bool:
        if self.review is None:
            return False
        try:
            self.review.save()
        except OSError as err:
            self._show_problem(UserError(f"The review could not be saved: {err}.", "Check the project folder."))
            return False
        self.unsaved = False
        self._show_counts()
        self.status.setText(f"{self.status.text()} Saved to {TASKS_FILE} (the review is in {REVIEW_FILE}).")
        return True

    def reject(self) -> None:
        """Close; unsaved changes are saved or dropped only when the user says so."""
        asked = "Save your changes to the eval tasks? Cancel closes without saving them."
        if self.unsaved and messages.ask_confirm(self, "Eval tasks", asked, "Save") and not self.save():
            return  # the save failed: stay open, the sentence says why
        QDialog.reject(self)
