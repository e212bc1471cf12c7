"""Make it yours: an agent generated over the user's own data (CSV files) and API (an OpenAPI
document), as a user does it in the terminal (real processes, real git). The generated project
running on that data is in tests/templates/test_agent_your_data.py (slow: it installs it)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from tests.helpers.agent_data import garden_csv_folder, garden_openapi
from tests.helpers.cli import run_scaffolder

ROOT = Path(__file__).resolve().parents[2]


def scaffolder(*args: str) -> subprocess.CompletedProcess[str]:
    return run_scaffolder(*args, timeout=180)


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True, check=True).stdout


def test_new_agent_with_data_and_openapi_reports_first_then_commits_them_as_the_users_own(
    tmp_path: Path, isolated_user: Path
) -> None:
    garden = garden_csv_folder(tmp_path / "garden")
    spec = garden_openapi(tmp_path / "allotment.yaml")
    done = scaffolder(
        "new", "agent", "-o", str(tmp_path / "out"), "--set", "project_name=Allotment Agent",
        "--data", str(garden), "--openapi", str(spec), "--no-input", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = done.stderr
    assert "Found 2 tables, 9 rows (csv): harvests (5 rows), plants (4 rows)." in report
    assert "plants.csv -> plants(plant_name TEXT, bed TEXT, height_cm REAL, planted_on TEXT (ISO date))" in report
    assert "skipped README.txt: .txt is not a CSV or SQLite file" in report
    assert "OpenAPI Allotment weather: 2 GET tools on http://127.0.0.1:8765." in report
    assert "api_get_frost_risk: Frost risk for one bed tonight" in report
    assert "ignored POST /beds: only GET operations become tools" in report
    assert report.index("Found 2 tables") < report.index("Added your data")

    data = json.loads(done.stdout)
    project = Path(data["path"])
    assert data["template_version"] == "1.3.1"
    assert data["data_and_tools"]["tables"] == ["harvests", "plants"]
    assert data["data_and_tools"]["http_tools"] == ["api_list_beds", "api_get_frost_risk"]
    # The template's pristine output first, then one commit of the user's own on top of it.
    assert git(project, "rev-parse", "HEAD~1") == git(project, "rev-parse", "refs/scaffolder/template")
    assert git(project, "log", "-1", "--format=%s").startswith("Add my data and tools (data: 2 tables from garden")
    assert git(project, "status", "--porcelain") == ""
    tracked = set(git(project, "ls-files").split())
    assert {"data/mine/data.db", "data/mine/http-tools.json", ".scaffolder/agent-data.json"} <= tracked
    with sqlite3.connect(f"{(project / 'data/mine/data.db').as_uri()}?mode=ro", uri=True) as db:
        assert db.execute("SELECT plant_name FROM plants ORDER BY height_cm DESC").fetchone() == ("Runner bean",)

    record = json.loads((project / ".scaffolder/agent-data.json").read_text())
    assert [t["name"] for t in record["data"]["tables"]] == ["harvests", "plants"]
    assert record["data"]["source"] == "garden"  # the folder's name, never this machine's path
    assert record["openapi"] == {
        "source": "allotment.yaml",
        "fetched": True,
        "origin": "http://127.0.0.1:8765",
        "tools": ["api_list_beds", "api_get_frost_risk"],
        "ignored": [
            "POST /beds: only GET operations become tools",
            "DELETE /beds/{bedId}/frost: only GET operations become tools",
        ],
    }
    assert str(tmp_path) not in git(project, "show", "HEAD")
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "## My data and tools" in readme and "`plants(plant_name TEXT" in readme
    assert "allotment-agent eval --mine" in readme and "`evals/my-tasks.jsonl`" in readme


def test_golden_reviews_the_drafted_agent_tasks_and_writes_the_accepted_ones(
    tmp_path: Path, isolated_user: Path
) -> None:
    garden = garden_csv_folder(tmp_path / "garden")
    done = scaffolder(
        "new", "agent", "-o", str(tmp_path / "out"), "--set", "project_name=Garden Agent",
        "--data", str(garden), "--no-input", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    project = Path(json.loads(done.stdout)["path"])
    listing = scaffolder("golden", "Garden Agent")
    assert "How many rows are in the plants table?  [sql_query: plants; schema:count]" in listing.stdout
    tasks = json.loads(scaffolder("golden", "Garden Agent", "--json").stdout)
    assert tasks["counts"] == {"accepted": 0, "pending": 6, "rejected": 0}
    ids = {q["question"]: q["id"] for q in tasks["questions"]}
    harvest_total = ids["What is the total weight_g in the harvests table?"]
    assert scaffolder("golden", "Garden Agent", "--accept", "all").returncode == 0
    assert scaffolder("golden", "Garden Agent", "--reject", harvest_total).returncode == 0
    refused = scaffolder("golden", "Garden Agent", "--add", "Which bed grows sweet peas?", "--source", "sql_query")
    assert refused.returncode != 0 and "needs the answer it must contain" in refused.stderr
    assert "Traceback" not in refused.stderr
    added = scaffolder(
        "golden", "Garden Agent", "--add", "Which bed grows sweet peas?", "--source", "sql_query", "--expect", "B2"
    )
    assert "6 accepted, 0 pending, 1 rejected. The eval runs on the accepted ones: evals/my-tasks.jsonl." in (
        added.stdout
    )
    accepted = [json.loads(line) for line in (project / "evals/my-tasks.jsonl").read_text().splitlines()]
    assert len(accepted) == 6 and all(t["expected_tools"] == ["sql_query"] for t in accepted)
    assert "What is the total weight_g in the harvests table?" not in {t["question"] for t in accepted}


def test_nothing_usable_is_refused_with_a_sentence_and_nothing_is_generated(
    tmp_path: Path, isolated_user: Path
) -> None:
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "notes.md").write_text("# just notes\n")
    (junk / "empty.csv").write_text("")
    done = scaffolder("new", "agent", "-o", str(tmp_path / "out"), "--data", str(junk), "--no-input")
    assert done.returncode != 0
    assert "Nothing in" in done.stderr and "notes.md: .md is not a CSV or SQLite file" in done.stderr
    assert "nothing was generated" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    wrong_kind = scaffolder("new", "rag", "-o", str(tmp_path / "out"), "--data", str(junk), "--no-input")
    assert wrong_kind.returncode != 0 and "--data and --openapi are for the agent template" in wrong_kind.stderr


def test_golden_on_a_project_generated_without_data_says_how_to_bring_some(tmp_path: Path, isolated_user: Path) -> None:
    done = scaffolder("new", "agent", "-o", str(tmp_path / "out"), "--set", "project_name=Plain Agent", "--no-input")
    assert done.returncode == 0, done.stderr
    listing = scaffolder("golden", "Plain Agent")
    assert listing.returncode != 0 and "Traceback" not in listing.stderr
    assert "nothing was drafted for this project to review" in listing.stderr
    assert "scaffolder new agent --data PATH" in listing.stderr
