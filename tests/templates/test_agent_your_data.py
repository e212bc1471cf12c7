"""An agent generated over the user's own CSV files and API, installed in its own virtual
environment: its SQL tool answers over that data, a write to it is refused, its API's GET
operations are tools, and its eval runs on the tasks the user accepted with `scaffolder golden`.

Slow (one virtual environment with FastAPI & co., shared by the module).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.helpers.agent_data import garden_csv_folder, garden_openapi
from tests.templates import harness

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


class AllotmentAPI(BaseHTTPRequestHandler):
    """The API the OpenAPI document describes, on 127.0.0.1: real HTTP, two GET routes."""

    def do_GET(self) -> None:
        if self.path == "/v1/beds":
            self._send(200, [{"bed": "A1", "soil": "loam"}, {"bed": "B2", "soil": "clay"}])
        elif self.path.startswith("/v1/beds/") and self.path.endswith("/frost"):
            self._send(200, {"bed": self.path.split("/")[3], "frost_risk": "low"})
        else:
            self._send(404, {"error": "not found"})

    def _send(self, status: int, data: object) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Generated:
    project: Path
    python: Path
    env: dict[str, str]  # the isolated user the project was generated as

    def scaffolder(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "scaffolder", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
            stdin=subprocess.DEVNULL,
        )

    def agent(self, *args: str, network: bool = False) -> str:
        """The generated project's own command, from its folder, in its own venv."""
        command = [str(self.python), "-m", "allotment_agent", *args]
        return harness.run(command, cwd=self.project, network=network, timeout=300).stdout


@pytest.fixture(scope="module")
def api() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), AllotmentAPI)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, api: int) -> Generated:
    base = tmp_path_factory.mktemp("your-agent")
    home = base / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tname = Ada Tester\n\temail = ada@example.com\n", encoding="utf-8")
    env = {
        **os.environ,
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "SCAFFOLDER_HOME": str(home / "scaffolder"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
    }
    garden = garden_csv_folder(base / "garden")
    spec = garden_openapi(base / "allotment.yaml", port=api)
    python = harness.make_venv(base / "venv")
    result = Generated(Path(), python, env)
    done = result.scaffolder(
        "new", "agent", "-o", str(base / "out"), "--set", "project_name=Allotment Agent",
        "--data", str(garden), "--openapi", str(spec), "--no-input", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result.project = Path(json.loads(done.stdout)["path"])
    harness.pip_install(python, result.project)
    return result


def test_the_sql_tool_answers_questions_over_the_users_csv_data(generated: Generated) -> None:
    tools = generated.agent("tools")
    assert "sql_query: Run a read-only SQL SELECT against my own database (data.db)." in tools
    assert "plants(plant_name TEXT, bed TEXT, height_cm REAL, planted_on TEXT)" in tools
    tallest = generated.agent("run", "In the plants table, which row has the highest height_cm?")
    assert "plant_name: Runner bean" in tallest
    total = generated.agent("run", "What is the total weight_g in the harvests table?")
    assert "6,740" in total


def test_a_write_to_the_users_database_is_refused_and_changes_nothing(generated: Generated) -> None:
    database = generated.project / "data/mine/data.db"
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    script = """
import json, sys
from allotment_agent.config import Settings
from allotment_agent.tools import ToolContext, ToolError, registry_for
settings = Settings()
tool = registry_for(settings).get("sql_query")
refused = {}
for statement in sys.argv[1:]:
    try:
        tool.call({"query": statement}, ToolContext(settings=settings))
        refused[statement] = None
    except ToolError as exc:
        refused[statement] = str(exc)
print(json.dumps(refused))
"""
    statements = [
        "INSERT INTO plants VALUES ('Weed', 'C1', 1, '2024-01-01')",
        "UPDATE plants SET height_cm = 0",
        "DROP TABLE harvests",
        "ATTACH DATABASE 'copy.db' AS copy",
    ]
    output = harness.run([str(generated.python), "-c", script, *statements], cwd=generated.project).stdout
    refused = json.loads(output)
    assert all(reason and reason.startswith("refused") for reason in refused.values()), refused
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    assert not (generated.project / "copy.db").exists()
    assert "Rows in plants: 4" in generated.agent("run", "How many rows are in the plants table?")


def test_the_api_operations_are_tools_and_the_eval_runs_on_the_accepted_tasks(generated: Generated) -> None:
    tools = generated.agent("tools")
    assert "api_list_beds: List the beds of the allotment. Every bed with its soil type" in tools
    assert "api_get_frost_risk: Frost risk for one bed tonight" in tools
    assert "addBed" not in tools and "api_add_bed" not in tools  # POST is not a tool

    listing = json.loads(generated.scaffolder("golden", "Allotment Agent", "--json").stdout)
    by_question = {q["question"]: q for q in listing["questions"]}
    assert by_question["How many rows are in the plants table?"]["sources"] == ["plants"]
    assert by_question["Frost risk for one bed tonight (bedId A1)"]["expected_tools"] == ["api_get_frost_risk"]
    assert generated.scaffolder("golden", "Allotment Agent", "--accept", "all").returncode == 0
    # The API runs on this machine's loopback, so this one command runs outside the network jail.
    output = generated.agent("eval", "--mine", "--no-readme", "--out", "var/results.md", network=True)
    assert "| offline (scripted-planner) | my-tasks | 8 | 100% | 100% |" in output
    results = (generated.project / "var/results.md").read_text(encoding="utf-8")
    assert "`evals/my-tasks.jsonl` (my-tasks)" in results
    assert "| offline (scripted-planner) | dev | 35 |" in output  # the bundled splits still run, on the sample
