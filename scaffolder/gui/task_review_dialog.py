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
    QDialog,
    QFormLayout,
    QLineEdit,
    QTableWidgetItem,
    QWidget,
)

from scaffolder.core.agent_project import HTTP_TOOLS_FILE
from scaffolder.core.agent_tasks import REVIEW_FILE, SQL_TOOL, TASKS_FILE, TaskDraft, TaskReview
from scaffolder.core.errors import UserError
from scaffolder.gui import messages
from scaffolder.gui.golden_dialog import AddQuestionDialog, GoldenDialog

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


class AddTaskDialog(AddQuestionDialog):
    """A task of the user's own: the golden set's add dialog (the question, what answers it), with
    the tool as what answers it and one more field: what the answer must contain."""

    def __init__(self, review: TaskReview, tools: list[str], parent: QWidget | None = None) -> None:
        super().__init__(review, tools, parent)  # type: ignore[arg-type]  # TaskReview has GoldenReview's verbs
        self.setWindowTitle("Add an eval task")
        self.task_review = review
        self.added_task: TaskDraft | None = None
        self.question.setObjectName("new-task")
        # Room for a question of a usual length (and its placeholder) at any font size.
        self.question.setMinimumWidth(self.question.fontMetrics().averageCharWidth() * 48)
        self.tool = self.source
        self.tool.setObjectName("new-task-tool")
        self.expect = QLineEdit()
        self.expect.setObjectName("new-task-expect")
        self.expect.setPlaceholderText("e.g. 42, or a name")
        self.problem.setObjectName("add-task-problem")
        form = self.findChild(QFormLayout)
        assert form is not None
        form.addRow("The answer &contains:", self.expect)

    def accept(self) -> None:
        try:
            self.added_task = self.task_review.add(self.question.text(), self.tool.currentText(), self.expect.text())
        except UserError as err:  # stays open: nothing typed is lost
            self.problem.setText(f"{err.message} {err.hint}".strip())  # the core words it for the app
            self.problem.show()
            return
        QDialog.accept(self)


class TaskReviewDialog(GoldenDialog):
    review: TaskReview | None  # type: ignore[assignment]  # the same verbs as GoldenReview
    rag_runs = False  # an agent's project has no documents to index, draft from or evaluate on here

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

    def _load_review(self) -> TaskReview:  # type: ignore[override]  # the same verbs as GoldenReview
        return TaskReview.load(self.project)

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
        if not super().save():
            return False
        self._show_counts()  # in place of the golden set's "Saved to" sentence
        self.status.setText(f"{self.status.text()} Saved to {TASKS_FILE} (the review is in {REVIEW_FILE}).")
        return True

    def reject(self) -> None:
        """Close; unsaved changes are saved or dropped only when the user says so."""
        asked = "Save your changes to the eval tasks? Cancel closes without saving them."
        if self.unsaved and messages.ask_confirm(self, "Eval tasks", asked, "Save") and not self.save():
            return  # the save failed: stay open, the sentence says why
        QDialog.reject(self)
