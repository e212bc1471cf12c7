"""The user brings their own data and API for the agent: what the scan reports before anything is
generated, the read-only database it builds, the GET tools from an OpenAPI document, and the eval
tasks drafted from both, reviewed like the RAG golden set."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from scaffolder.core import agent_data
from scaffolder.core.agent_data import scan_data
from scaffolder.core.agent_project import DATABASE_FILE, add_agent_data
from scaffolder.core.agent_tasks import TASKS_FILE, TaskReview, draft_tasks
from scaffolder.core.errors import UserError
from scaffolder.core.openapi_tools import scan_openapi
from tests.helpers.agent_data import garden_csv_folder, garden_openapi


@pytest.fixture
def garden(tmp_path: Path) -> Path:
    return garden_csv_folder(tmp_path / "garden")


def test_csv_folder_becomes_tables_with_inferred_types_and_skipped_files_say_why(garden: Path) -> None:
    report = scan_data(garden)
    try:
        assert [(t.name, t.rows, t.source) for t in report.tables] == [
            ("harvests", 5, "harvests.csv"),
            ("plants", 4, "plants.csv"),
        ]
        plants = next(t for t in report.tables if t.name == "plants")
        assert plants.describe() == "plants(plant_name TEXT, bed TEXT, height_cm REAL, planted_on TEXT (ISO date))"
        harvests = next(t for t in report.tables if t.name == "harvests")
        assert [c.type for c in harvests.columns] == ["INTEGER", "TEXT", "INTEGER", "TEXT"]  # ';' sniffed
        assert {s.path: s.reason for s in report.skipped} == {
            "README.txt": ".txt is not a CSV or SQLite file",
            "empty.csv": "empty",
        }
        assert report.lines()[0] == "Found 2 tables, 9 rows (csv): harvests (5 rows), plants (4 rows)."
        assert report.database is not None
        with sqlite3.connect(report.database) as connection:
            row = connection.execute("SELECT height_cm, planted_on FROM plants WHERE bed = 'A1'").fetchone()
            empty_note = connection.execute("SELECT notes FROM harvests WHERE weight_g = 1200").fetchone()
        assert row == (142.5, "2024-04-02") and isinstance(row[0], float)
        assert empty_note == (None,)  # an empty cell is NULL, not ''
    finally:
        report.discard()
    assert not report.database.exists()


def test_one_csv_file_and_a_sqlite_file_are_read_too(garden: Path, tmp_path: Path) -> None:
    single = scan_data(garden / "plants.csv")
    assert [t.name for t in single.tables] == ["plants"]
    assert single.database is not None
    sqlite_file = tmp_path / "copy.sqlite"
    with sqlite3.connect(single.database) as source, sqlite3.connect(sqlite_file) as target:
        source.backup(target)
    single.discard()
    report = scan_data(sqlite_file)
    assert report.kind == "sqlite" and report.database == sqlite_file
    assert report.tables[0].describe() == "plants(plant_name TEXT, bed TEXT, height_cm REAL, planted_on TEXT)"
    assert report.tables[0].rows == 4


def test_nothing_usable_means_no_tables_and_big_files_are_skipped_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "junk"
    folder.mkdir()
    (folder / "notes.md").write_text("# not data\n")
    (folder / "header-only.csv").write_text("a,b\n")
    monkeypatch.setattr(agent_data, "MAX_CSV_BYTES", 10)
    (folder / "big.csv").write_text("a,b\n1,2\n3,4\n")
    report = scan_data(folder)
    assert report.tables == [] and report.database is None
    reasons = {s.path: s.reason for s in report.skipped}
    assert reasons["header-only.csv"] == "no rows under the header"
    assert "over the 0 MB limit" in reasons["big.csv"]
    with pytest.raises(UserError, match="does not exist"):
        scan_data(tmp_path / "missing")


def test_rows_past_the_limit_are_cut_and_the_report_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(agent_data, "MAX_ROWS", 3)
    path = tmp_path / "many.csv"
    path.write_text("n\n" + "".join(f"{i}\n" for i in range(10)))
    report = scan_data(path)
    assert report.tables[0].rows == 3 and report.tables[0].cut
    assert "    only the first 3 rows were loaded" in report.lines()
    report.discard()


def test_openapi_get_operations_become_tools_and_the_rest_is_reported(tmp_path: Path) -> None:
    report = scan_openapi(str(garden_openapi(tmp_path / "api.yaml", port=9001)))
    assert report.origin == "http://127.0.0.1:9001" and report.base_url == "http://127.0.0.1:9001/v1"
    tools = {t.name: t for t in report.tools}
    assert list(tools) == ["api_list_beds", "api_get_frost_risk"]
    assert tools["api_list_beds"].description.startswith(
        "List the beds of the allotment. Every bed with its soil type and what grows in it."
    )
    frost = tools["api_get_frost_risk"]
    assert [(p.name, p.location, p.type, p.required) for p in frost.parameters] == [
        ("bedId", "path", "string", True),
        ("hours", "query", "integer", False),  # from a $ref to components
    ]
    assert report.ignored == [
        "POST /beds: only GET operations become tools",
        "DELETE /beds/{bedId}/frost: only GET operations become tools",
    ]
    url = scan_openapi("https://api.example.com/openapi.json")
    assert not url.fetched and url.tools == [] and "recorded for later, not fetched" in url.lines()[0]


def test_an_openapi_document_that_cannot_work_is_refused_with_a_sentence(tmp_path: Path) -> None:
    swagger = tmp_path / "swagger.json"
    swagger.write_text(json.dumps({"swagger": "2.0", "paths": {}}))
    with pytest.raises(UserError, match="not an OpenAPI 3 document"):
        scan_openapi(str(swagger))
    relative = tmp_path / "relative.json"
    relative.write_text(json.dumps({"openapi": "3.1.0", "servers": [{"url": "/v1"}], "paths": {}}))
    with pytest.raises(UserError, match=r"servers\[0\]\.url \(/v1\) is not an absolute"):
        scan_openapi(str(relative))


def test_drafted_tasks_cite_the_right_tables_with_answers_computed_from_the_data(garden: Path, tmp_path: Path) -> None:
    data = scan_data(garden)
    openapi = scan_openapi(str(garden_openapi(tmp_path / "api.yaml")))
    drafts = {d.question: d for d in draft_tasks(data, openapi)}
    data.discard()
    count = drafts["How many rows are in the plants table?"]
    assert count.sources == ("plants",) and count.expected_tools == ("sql_query",)
    assert count.check == {"type": "number", "value": 4, "tolerance": 0}
    highest = drafts["In the plants table, which row has the highest height_cm?"]
    assert highest.check == {"type": "contains", "value": ["Runner bean"]}  # named by its name column
    assert drafts["What is the total weight_g in the harvests table?"].check["value"] == 6740.0
    assert drafts["What is the total weight_g in the harvests table?"].sources == ("harvests",)
    frost = drafts["Frost risk for one bed tonight (bedId A1)"]  # the path parameter's example
    assert frost.expected_tools == ("api_get_frost_risk",) and frost.sources == ("GET /beds/{bedId}/frost",)
    assert all(d.status == "pending" for d in drafts.values())
    assert not any("plant_id" in q for q in drafts)  # an id column is not a quantity


def test_the_task_review_accepts_edits_adds_and_writes_the_accepted_tasks(garden: Path, tmp_path: Path) -> None:
    data = scan_data(garden)
    project = tmp_path / "project"
    TaskReview(project, "data", draft_tasks(data, None)).save()
    data.discard()
    review = TaskReview.load(project)
    ids = {q.question: q.id for q in review.questions}
    review.set_status([ids["How many rows are in the plants table?"]], "accepted")
    review.edit(
        ids["What is the total weight_g in the harvests table?"],
        "What is the total weight_g in the harvests table, in grams?",
    )
    with pytest.raises(UserError, match="needs the answer it must contain"):
        review.add("Which bed has the sweet peas?", "sql_query")
    review.add("Which bed has the sweet peas?", "sql_query", "B2")
    review.save()
    tasks = [json.loads(line) for line in (project / TASKS_FILE).read_text().splitlines()]
    assert [t["question"] for t in tasks] == [
        "What is the total weight_g in the harvests table, in grams?",
        "How many rows are in the plants table?",
        "Which bed has the sweet peas?",
    ]
    assert tasks[2] == {
        "id": tasks[2]["id"],
        "question": "Which bed has the sweet peas?",
        "expected_tools": ["sql_query"],
        "check": {"type": "contains", "value": ["B2"]},
    }
    assert TaskReview.load(project).accepted[0].sources == ("harvests",)
    with pytest.raises(UserError, match="no drafted task"):
        review.set_status(["zzzz"], "rejected")


def _repository(path: Path) -> Path:
    path.mkdir()
    (path / "README.md").write_text("# garden-agent\n")
    for args in (["init", "-q"], ["add", "README.md"], ["commit", "-q", "-m", "pristine"]):
        subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True)
    return path


def test_a_sqlite_file_in_wal_mode_is_copied_with_its_latest_writes(tmp_path: Path) -> None:
    source = tmp_path / "live.db"
    writer = sqlite3.connect(source)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("CREATE TABLE readings (sensor TEXT, celsius REAL)")
    writer.execute("INSERT INTO readings VALUES ('greenhouse', 21.5)")
    writer.commit()  # in the -wal file until a checkpoint: a byte copy of live.db would miss it
    try:
        report = scan_data(source)
        assert [(t.name, t.rows) for t in report.tables] == [("readings", 1)]
        project = _repository(tmp_path / "project")
        added = add_agent_data(project, report, scan_openapi("https://api.example.com/openapi.json"), slug="garden")
    finally:
        writer.close()
    copy = project / DATABASE_FILE
    with sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True) as connection:
        assert connection.execute("SELECT sensor, celsius FROM readings").fetchall() == [("greenhouse", 21.5)]
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert added.tables == 1 and added.http_tools == 0 and added.drafted_tasks == 3
    record = json.loads((project / ".scaffolder/agent-data.json").read_text())
    assert (
        record["openapi"]["fetched"] is False and record["openapi"]["source"] == "https://api.example.com/openapi.json"
    )
    assert "recorded, not fetched" in (project / "README.md").read_text()
    status = subprocess.run(["git", "-C", str(project), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == ""  # everything brought is in the one commit


def test_a_sqlite_file_beside_csv_files_is_skipped_with_how_to_use_it(garden: Path) -> None:
    with sqlite3.connect(garden / "old.sqlite") as connection:
        connection.execute("CREATE TABLE t (x)")
    connection.close()
    report = scan_data(garden)
    assert [t.name for t in report.tables] == ["harvests", "plants"]
    assert {s.path: s.reason for s in report.skipped}["old.sqlite"] == (
        "a SQLite file beside CSV files: give it on its own (--data FILE)"
    )
    report.discard()


def test_codes_with_leading_zeros_stay_text_and_mixed_columns_are_text(tmp_path: Path) -> None:
    path = tmp_path / "suppliers.csv"
    path.write_text("name,postcode,rating,phone\nSeeds Ltd,01234,4.5,0123 456\nCompost Co,98765,n/a,\n")
    report = scan_data(path)
    assert report.tables[0].describe() == "suppliers(name TEXT, postcode TEXT, rating TEXT, phone TEXT)"
    assert report.database is not None
    with sqlite3.connect(report.database) as connection:
        assert connection.execute("SELECT postcode FROM suppliers").fetchall() == [("01234",), ("98765",)]
    connection.close()
    report.discard()


def test_a_csv_file_that_cannot_be_read_is_skipped_with_the_reason(garden: Path) -> None:
    locked = garden / "locked.csv"
    locked.write_text("a\n1\n")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as a user who can read any file (root)")
        report = scan_data(garden)
        assert {s.path: s.reason for s in report.skipped}["locked.csv"] == "cannot be read (Permission denied)"
        report.discard()
    finally:
        locked.chmod(0o644)


def test_an_operation_whose_path_parameter_cannot_be_an_argument_is_ignored_with_the_reason(tmp_path: Path) -> None:
    spec = tmp_path / "api.json"
    spec.write_text(
        json.dumps(
            {
                "openapi": "3.0.0",
                "servers": [{"url": "https://api.example.com"}],
                "paths": {
                    "/pets/{pet-id}": {"get": {"summary": "One pet", "parameters": [{"name": "pet-id", "in": "path"}]}},
                    "/pets": {"get": {"operationId": "listPets", "summary": "All pets"}},
                },
            }
        )
    )
    report = scan_openapi(str(spec))
    assert [t.name for t in report.tools] == ["api_list_pets"]
    assert report.ignored == ["GET /pets/{pet-id}: its parameter 'pet-id' is not a name a tool argument can have"]
