"""A user makes the agent theirs in the wizard: picks a folder of their own CSV files (and their API's
OpenAPI document), sees the tables, column types, skipped files and GET operations before
generating, and gets a project whose SQL tool reads their data, with eval tasks drafted from it to
review."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from scaffolder.core.agent_data import DataReport
from scaffolder.gui import messages, workers
from scaffolder.gui.main_window import MainWindow
from scaffolder.gui.task_review_dialog import TaskReviewDialog
from scaffolder.gui.wizard import NewProjectWizard, data_choice
from scaffolder.gui.wizard.data_choice import usable_data
from tests.helpers.agent_data import garden_csv_folder, garden_openapi
from tests.unit.gui.test_your_documents import generate_button
from tests.unit.gui.test_your_documents import wizard_at_review as documents_wizard_at_review


@pytest.fixture
def chosen_paths(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folder and file choosers answer with the first path on this list (None: cancelled)."""
    answers: list[Path] = []

    def ask(*_args: object, **_kwargs: object) -> Path | None:
        return answers.pop(0) if answers else None

    monkeypatch.setattr(messages, "ask_directory", ask)
    monkeypatch.setattr(data_choice, "ask_file", ask)
    return answers


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True, check=True).stdout


def shop_database(path: Path) -> Path:
    """A SQLite file of the user's own: one table of orders."""
    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, total REAL)")
        db.executemany("INSERT INTO orders (customer, total) VALUES (?, ?)", [("Ada", 12.5), ("Alan", 40.0)])
    db.close()
    return path


def wizard_at_review(qtbot: QtBot, window: MainWindow, name: str) -> NewProjectWizard:
    return documents_wizard_at_review(qtbot, window, name, kind="agent")


def click_radio(qtbot: QtBot, radio) -> None:
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))


def choose_my_data(qtbot: QtBot, wizard: NewProjectWizard) -> None:
    """Click "My data"; the folder chooser opens and the scan runs on a worker."""
    data = wizard.location_page.data
    with qtbot.waitSignal(data.scanned, timeout=20000):
        click_radio(qtbot, data.mine)
        assert data.scanning  # on a worker: the UI is still turning
        assert not generate_button(wizard).isEnabled()
        assert wizard.location_page.problem.text() == "Reading your data…"


def test_a_user_brings_csv_files_and_an_api_and_reviews_the_drafted_tasks(
    qtbot: QtBot, window: MainWindow, projects_dir: Path, tmp_path: Path, chosen_paths: list[Path]
) -> None:
    chosen_paths.append(garden_csv_folder(tmp_path / "garden"))
    wizard = wizard_at_review(qtbot, window, "Allotment Agent")
    data = wizard.location_page.data
    assert data.isVisible() and not wizard.location_page.documents.isVisible()
    assert data.sample.isChecked()  # the sample shop unless told

    choose_my_data(qtbot, wizard)
    assert data.status.text() == "Found 2 tables, 9 rows (csv): harvests (5 rows), plants (4 rows)."
    review = wizard.location_page.summary.toPlainText()
    assert "CSV files, loaded into a read-only SQLite database" in review
    assert "plant_name TEXT, bed TEXT, height_cm REAL, planted_on TEXT (ISO date)" in review
    assert "plant_id INTEGER, harvest_date TEXT (ISO date), weight_g INTEGER, notes TEXT" in review
    assert "2 skipped:" in review
    assert "README.txt: .txt is not a CSV or SQLite file" in review and "empty.csv: empty" in review
    assert generate_button(wizard).isEnabled()

    spec = garden_openapi(tmp_path / "allotment.yaml")
    with qtbot.waitSignal(data.scanned, timeout=20000):
        qtbot.keyClicks(data.openapi, str(spec))
        assert not generate_button(wizard).isEnabled()  # not read yet: Generate waits for it
    assert data.openapi_status.text() == (
        "Allotment weather: 2 HTTP tools from its GET operations, on http://127.0.0.1:8765 only."
    )
    review = wizard.location_page.summary.toPlainText()
    assert "2 HTTP tools from its GET operations, allowed to reach http://127.0.0.1:8765 only" in review
    assert "api_get_frost_risk: Frost risk for one bed tonight" in review
    assert "POST /beds: only GET operations become tools" in review
    built_from_csv = data.chosen_data().database  # the temporary database the scan built
    assert built_from_csv is not None and built_from_csv.is_file()

    with qtbot.waitSignal(wizard.project_created, timeout=90000) as created:
        qtbot.mouseClick(generate_button(wizard), Qt.MouseButton.LeftButton)
    project = created.args[0].project.path
    assert project == projects_dir / "allotment-agent"
    tracked = set(git(project, "ls-files").split())
    assert {"data/mine/data.db", "data/mine/http-tools.json", ".scaffolder/agent-data.json"} <= tracked
    assert {"evals/my-tasks.review.json", "evals/my-tasks.jsonl"} <= tracked
    assert git(project, "status", "--porcelain") == ""
    assert git(project, "rev-parse", "HEAD~1") == git(project, "rev-parse", "refs/scaffolder/template")
    # The SQL tool's data is the user's, opened read-only as the project opens it: reads work, writes do not.
    with sqlite3.connect(f"{(project / 'data/mine/data.db').as_uri()}?mode=ro", uri=True) as db:
        assert db.execute("SELECT plant_name FROM plants ORDER BY height_cm DESC").fetchone() == ("Runner bean",)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            db.execute("DELETE FROM plants")
    tools = json.loads((project / "data/mine/http-tools.json").read_text(encoding="utf-8"))
    assert [t["name"] for t in tools["tools"]] == ["api_list_beds", "api_get_frost_risk"]
    drafted = json.loads((project / "evals/my-tasks.review.json").read_text(encoding="utf-8"))["questions"]
    assert "How many rows are in the plants table?" in {t["question"] for t in drafted}

    page = wizard.generate_page
    assert page.success.isVisible() and not page.review_golden.isVisible()
    done = page.documents_message.text()
    assert done.startswith(
        "Added in a commit of its own: your data (2 tables, in data/mine/data.db) and 2 HTTP tools from your"
        f" OpenAPI document. {len(drafted)} eval tasks drafted from it for you to review;"
    )
    assert "Push the repository only if you may publish the database." in done
    assert page.review_tasks.isVisible()
    qtbot.mouseClick(page.review_tasks, Qt.MouseButton.LeftButton)
    dialog = page.task_dialog
    assert isinstance(dialog, TaskReviewDialog)
    qtbot.waitExposed(dialog)
    assert dialog.table.rowCount() == len(drafted)
    assert [dialog.table.item(row, 0).text() for row in range(len(drafted))] == [t["question"] for t in drafted]
    dialog.close()

    wizard.accept()
    assert not built_from_csv.exists()  # the wizard closed: its temporary database went with it


def test_a_folder_with_no_csv_or_sqlite_file_blocks_generate_with_the_cores_sentence(
    qtbot: QtBot, window: MainWindow, projects_dir: Path, tmp_path: Path, chosen_paths: list[Path]
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "notes.md").write_text("# just notes\n", encoding="utf-8")
    (folder / "empty.csv").write_text("", encoding="utf-8")
    chosen_paths.append(folder)
    wizard = wizard_at_review(qtbot, window, "Nothing Usable")
    choose_my_data(qtbot, wizard)

    assert not generate_button(wizard).isEnabled()
    problem = wizard.location_page.problem.text()
    assert problem == (
        f"Nothing in {folder} can be used (empty.csv: empty; notes.md: .md is not a CSV or SQLite file)."
        " Give a SQLite file, or CSV files (UTF-8, a header row of column names)."
    )
    assert wizard.location_page.data.status.text() == problem
    assert "Traceback" not in problem and "--data" not in problem
    wizard.next()  # not even a Next that does not go through the disabled button
    assert wizard.currentPage() is wizard.location_page
    assert not (projects_dir / "nothing-usable").exists()

    click_radio(qtbot, wizard.location_page.data.sample)
    assert generate_button(wizard).isEnabled()  # back to the sample shop: nothing blocks
    assert wizard.location_page.problem.text() == ""


def test_a_sqlite_file_is_used_as_it_is(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, chosen_paths: list[Path]
) -> None:
    chosen_paths.append(shop_database(tmp_path / "shop.sqlite"))
    wizard = wizard_at_review(qtbot, window, "Shop Agent")
    data = wizard.location_page.data
    with qtbot.waitSignal(data.scanned, timeout=20000):
        qtbot.mouseClick(data.choose_file_button, Qt.MouseButton.LeftButton)
    assert data.mine.isChecked()  # choosing a file means using it
    assert data.status.text() == "Found 1 table, 2 rows (sqlite): orders (2 rows)."
    assert "orders" in wizard.location_page.summary.toPlainText()
    assert "id INTEGER, customer TEXT, total REAL" in wizard.location_page.summary.toPlainText()
    assert generate_button(wizard).isEnabled()


def test_an_api_given_by_url_is_recorded_for_later_and_a_wrong_document_is_refused(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, chosen_paths: list[Path]
) -> None:
    wizard = wizard_at_review(qtbot, window, "Api Agent")
    data = wizard.location_page.data
    with qtbot.waitSignal(data.scanned, timeout=20000):
        data.openapi.setText("https://api.example.com/openapi.json")
    assert generate_button(wizard).isEnabled()
    assert "recorded for later, not fetched" in wizard.location_page.summary.toPlainText()

    swagger = tmp_path / "swagger.yaml"
    swagger.write_text("swagger: '2.0'\ninfo: {title: Old}\npaths: {}\n", encoding="utf-8")
    chosen_paths.append(swagger)
    with qtbot.waitSignal(data.scanned, timeout=20000):
        qtbot.mouseClick(data.choose_openapi, Qt.MouseButton.LeftButton)
    assert data.openapi.text() == str(swagger)
    assert not generate_button(wizard).isEnabled()
    problem = wizard.location_page.problem.text()
    assert problem.startswith(f"{swagger} is not an OpenAPI 3 document")
    assert data.openapi_status.text() == problem

    data.openapi.clear()  # the API is optional
    assert generate_button(wizard).isEnabled()


def test_choosing_other_data_while_one_is_read_keeps_only_the_newer_and_leaves_no_temporary_database(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, chosen_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = garden_csv_folder(tmp_path / "first")
    second = tmp_path / "second"
    second.mkdir()
    (second / "books.csv").write_text("title,pages\nDune,412\nEmma,474\n", encoding="utf-8")
    chosen_paths.extend([first, second])
    built: dict[Path, Path] = {}  # the database each scan built, by the folder it read

    def scan_and_note(path: Path) -> DataReport:
        report = usable_data(path)
        assert report.database is not None
        built[path] = report.database
        return report

    monkeypatch.setattr(data_choice, "usable_data", scan_and_note)
    wizard = wizard_at_review(qtbot, window, "Second Thoughts")
    data = wizard.location_page.data
    data.choose_folder()
    with qtbot.waitSignal(data.scanned, timeout=20000):
        data.choose_folder()  # before the first scan is back
    assert workers.wait_for_all()
    qtbot.waitUntil(lambda: len(built) == 2 and not built[first].exists(), timeout=5000)  # superseded: removed
    report = data.chosen_data()
    assert report is not None and [t.name for t in report.tables] == ["books"]
    assert report.database == built[second] and built[second].exists()
    assert data.status.text() == "Found 1 table, 2 rows (csv): books (2 rows)."

    wizard.reject()
    assert not built[second].exists()  # the wizard closed without generating: nothing is left in the temp folder


def test_a_database_gone_since_the_scan_is_explained_and_the_project_is_kept(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, chosen_paths: list[Path]
) -> None:
    database = shop_database(tmp_path / "shop.sqlite")
    chosen_paths.append(database)
    wizard = wizard_at_review(qtbot, window, "Moving Target")
    with qtbot.waitSignal(wizard.location_page.data.scanned, timeout=20000):
        qtbot.mouseClick(wizard.location_page.data.choose_file_button, Qt.MouseButton.LeftButton)
    database.unlink()  # the user tidies their folder before clicking Generate

    with qtbot.waitSignal(wizard.project_created, timeout=90000) as created:
        qtbot.mouseClick(generate_button(wizard), Qt.MouseButton.LeftButton)
    page = wizard.generate_page
    message = page.documents_message.text()
    assert message.startswith(
        "The project was created, but your data was not added: Your database shop.sqlite could not be copied"
    )
    assert "The project itself is committed without it." in message and "bug" not in message
    assert not page.review_tasks.isVisible()
    project = created.args[0].project.path
    assert git(project, "status", "--porcelain") == ""  # no half-copied database left behind
    assert sorted(p.name for p in (project / "data/mine").iterdir()) == ["README.md"]  # the template's own note
