"""Your own data and API: the SQL tool reads your database (read-only, whatever is asked), its
description lists your tables, and your API's GET operations are tools on that API's origin."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from fake_apis import JsonHandler
from {{ cookiecutter.package_name }}.agent import Agent
from {{ cookiecutter.package_name }}.config import MY_DATABASE, Settings
from {{ cookiecutter.package_name }}.providers.offline import OfflinePlanner
from {{ cookiecutter.package_name }}.tools import ToolContext, ToolError, registry_for
from {{ cookiecutter.package_name }}.tools.sql import run_query


def garden_database(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE plants (plant_name TEXT, bed TEXT, height_cm REAL)")
        connection.executemany(
            "INSERT INTO plants VALUES (?, ?, ?)",
            [("Tomato", "A1", 142.5), ("Runner bean", "A2", 210.0), ("Sweet pea", "B2", 180.25)],
        )
    return path


@pytest.fixture
def mine(tmp_path: Path) -> Settings:
    database = garden_database(tmp_path / "garden.db")
    return Settings(_env_file=None, sql_database=str(database))


def test_the_sql_tool_describes_and_answers_over_your_database(mine: Settings) -> None:
    tools = registry_for(mine)
    description = tools.get("sql_query").description
    assert "plants(plant_name TEXT, bed TEXT, height_cm REAL)" in description
    assert "Trailhead" not in description
    result = Agent(OfflinePlanner(), mine, tools=tools).run(
        "In the plants table, which row has the highest height_cm?"
    )
    assert [c["name"] for c in result.tool_calls] == ["sql_query"]
    assert "Runner bean" in result.answer
    count = Agent(OfflinePlanner(), mine, tools=tools).run("How many rows are in the plants table?")
    assert "Rows in plants: 3" in count.answer


def test_the_system_prompt_is_about_your_data_not_the_sample_shop(
    mine: Settings, settings: Settings
) -> None:
    assert "Trailhead Outfitters" in Agent(OfflinePlanner(), settings).system_prompt
    prompt = Agent(OfflinePlanner(), mine).system_prompt
    assert prompt.startswith("You are a careful research assistant over the user's own data")
    assert "Trailhead" not in prompt and "<untrusted-data>" in prompt


def test_a_question_in_the_sample_shops_terms_gets_your_tables_not_an_error(
    mine: Settings,
) -> None:
    result = Agent(OfflinePlanner(), mine, tools=registry_for(mine)).run(
        "What is our most expensive product?"
    )
    assert [c["name"] for c in result.tool_calls] == ["sql_query"]
    assert "no query pattern for that question. The database has: plants" in result.answer


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO plants VALUES ('Weed', 'C1', 1)",
        "UPDATE plants SET height_cm = 0",
        "DELETE FROM plants",
        "DROP TABLE plants",
        "CREATE TABLE stolen (x)",
        "ATTACH DATABASE 'other.db' AS other",
        "PRAGMA writable_schema = 1",
    ],
)
def test_a_write_to_your_database_is_refused_and_changes_nothing(
    mine: Settings, statement: str
) -> None:
    path = mine.user_database
    assert path is not None
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(ToolError, match=r"refused|not authorized|SQL error"):
        run_query(path, statement)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert run_query(path, "SELECT COUNT(*) FROM plants")["rows"] == [[3]]


def test_the_database_brought_at_generation_is_used_unless_sample_is_asked_for(
    offline_env: Path,
) -> None:
    assert Settings(_env_file=None).user_database is None  # nothing brought: the sample shop
    garden_database(MY_DATABASE)  # relative to the working directory, as in the project
    assert Settings(_env_file=None).user_database == MY_DATABASE
    assert Settings(_env_file=None, sql_database="sample").user_database is None
    missing = Settings(_env_file=None, sql_database="nowhere.db")
    with pytest.raises(ToolError, match="does not exist; set SQL_DATABASE"):
        registry_for(missing).get("sql_query").call(
            {"query": "SELECT 1"}, ToolContext(settings=missing)
        )


class Beds(JsonHandler):
    hits: list[str]  # set per server: the paths it was asked for

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_json(200, json.dumps({"path": self.path, "frost": "low"}).encode())


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[Settings, list[str]]]:
    handler = type("RecordingBeds", (Beds,), {"hits": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    origin = f"http://127.0.0.1:{httpd.server_address[1]}"
    spec = {
        "source": "garden.yaml",
        "base_url": origin + "/v1",
        "origin": origin,
        "tools": [
            {
                "name": "api_get_frost_risk",
                "description": "Frost risk for one bed tonight (GET /beds/{bedId}/frost)",
                "path": "/beds/{bedId}/frost",
                "summary": "Frost risk for one bed tonight",
                "parameters": [
                    {"name": "bedId", "location": "path", "type": "string", "required": True},
                    {"name": "hours", "location": "query", "type": "integer", "required": False},
                ],
            }
        ],
    }
    path = tmp_path / "http-tools.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    # HTTP_ALLOWED_HOSTS keeps its defaults: the tool's own origin is allowed for it alone.
    yield Settings(_env_file=None, http_tools_file=str(path)), handler.hits
    httpd.shutdown()
    httpd.server_close()


def test_your_api_operations_are_tools_that_reach_that_api_only(api) -> None:
    settings, hits = api
    tool = registry_for(settings).get("api_get_frost_risk")
    assert tool.description.startswith("Frost risk for one bed tonight")
    assert tool.parameters_schema["required"] == ["bedId"]
    context = ToolContext(settings=settings)
    result = tool.call({"bedId": "A1/../../admin", "hours": 6}, context)
    assert result["status"] == 200 and result["json"]["frost"] == "low"
    assert hits == ["/v1/beds/A1%2F..%2F..%2Fadmin/frost?hours=6"]  # a value is one segment
    with pytest.raises(ToolError, match="not in the allow-list"):
        registry_for(settings).get("http_get").call({"url": "http://127.0.0.1:9/x"}, context)


def test_the_offline_planner_calls_the_operation_the_question_describes(api) -> None:
    settings, hits = api
    result = Agent(OfflinePlanner(), settings, tools=registry_for(settings)).run(
        "Frost risk for one bed tonight (bedId B2)"
    )
    assert [c["name"] for c in result.tool_calls] == ["api_get_frost_risk"]
    assert result.tool_calls[0]["arguments"] == {"bedId": "B2"}
    assert "answered HTTP 200" in result.answer and hits == ["/v1/beds/B2/frost"]


def test_an_unreadable_tools_file_is_named_in_a_sentence(tmp_path: Path) -> None:
    broken = tmp_path / "http-tools.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"HTTP_TOOLS_FILE.*set HTTP_TOOLS_FILE=none"):
        registry_for(Settings(_env_file=None, http_tools_file=str(broken)))
