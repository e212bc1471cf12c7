"""Every run leaves a JSONL trace; sessions persist in SQLite, across processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from {{ cookiecutter.package_name }}.agent import Agent
from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.memory import SessionStore
from {{ cookiecutter.package_name }}.providers.base import Message, ToolCall
from {{ cookiecutter.package_name }}.providers.scripted import ScriptedModel, call
from {{ cookiecutter.package_name }}.trace import format_trace, read_trace


def test_the_trace_has_every_step(settings: Settings) -> None:
    model = ScriptedModel(
        [
            [call("calculator", expression="2 + 2"), call("web_search", query="warranty tents")],
            [call("calculator", expression="bad(")],
            "done",
        ]
    )
    result = Agent(model, settings).run("trace me")
    events = read_trace(settings.traces_dir, result.run_id)
    kinds = [e["type"] for e in events]
    assert kinds == [
        "run_started",
        "model_call",
        "tool_result",
        "tool_result",
        "model_call",
        "tool_result",
        "model_call",
        "final",
    ]
    assert [e["seq"] for e in events] == list(range(1, 9))
    first_call = events[1]
    assert first_call["step"] == 1 and first_call["usage"] == {
        "input_tokens": 100,
        "output_tokens": 20,
    }
    assert [c["name"] for c in first_call["tool_calls"]] == ["calculator", "web_search"]
    calc = events[2]
    assert calc["arguments"] == {"expression": "2 + 2"}
    assert json.loads(calc["result"])["result"] == 4
    assert calc["duration_ms"] >= 0
    assert events[5]["is_error"] and "not a valid expression" in events[5]["result"]
    final = events[-1]
    assert final["answer"] == "done" and final["steps"] == 3 and final["total_tokens"] == 360
    assert "cost_usd" in final and "duration_ms" in final


def test_trace_command_pretty_prints(settings: Settings, capsys) -> None:
    model = ScriptedModel([[call("calculator", expression="3 * 3")], "nine"])
    run_id = Agent(model, settings).run("3 * 3?").run_id
    assert main(["trace", run_id]) == 0
    out = capsys.readouterr().out
    assert f"run {run_id}" in out and "question: 3 * 3?" in out
    assert '-> calculator({"expression": "3 * 3"})' in out
    assert "<- calculator" in out and "answer:\nnine" in out
    assert main(["trace", "no-such-run"]) == 1
    assert main(["trace", "../../etc/passwd"]) == 1


def test_format_trace_marks_errors() -> None:
    text = format_trace(
        [
            {
                "type": "tool_result",
                "name": "sql_query",
                "is_error": True,
                "result": "error: refused",
                "duration_ms": 1,
            }
        ]
    )
    assert text.strip().startswith("x sql_query")


def test_session_store_round_trip(settings: Settings) -> None:
    store = SessionStore(settings.sessions_path)
    turn = [
        Message("user", "hi"),
        Message("assistant", "", [ToolCall("c1", "calculator", {"expression": "1"})]),
        Message("tool", "1", tool_call_id="c1", name="calculator"),
        Message("assistant", "one"),
    ]
    store.append("s1", turn, run_id="r1")
    store.append("s1", [Message("user", "again"), Message("assistant", "ok")])
    loaded = store.load("s1")
    assert loaded[:4] == turn and loaded[-1].content == "ok"
    assert store.sessions()[0]["messages"] == 6
    # Trimming never starts in the middle of a tool exchange.
    assert [m.role for m in store.load("s1", max_messages=5)] == ["user", "assistant"]
    assert store.load("unknown") == []


def test_sessions_persist_across_processes(offline_env) -> None:
    env = {**os.environ, "DATA_DIR": str(offline_env), "LLM_PROVIDER": "offline"}

    def run(question: str) -> str:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "{{ cookiecutter.package_name }}",
                "run",
                question,
                "--session",
                "trip",
                "--quiet",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=True,
        )
        return done.stdout

    run("How long is the warranty on tents?")
    second = run("What did I ask before?")
    assert "How long is the warranty on tents?" in second
    store = SessionStore(offline_env / "sessions.db")
    assert [m.role for m in store.load("trip")].count("user") == 2


def test_structured_json_logs(capsys) -> None:
    import logging

    from {{ cookiecutter.package_name }}.logs import configure_logging

    configure_logging("INFO", "json")
    try:
        logging.getLogger("agent.test").info("request", extra={"path": "/runs", "status": 200})
        line = capsys.readouterr().err.strip().splitlines()[-1]
    finally:
        configure_logging("WARNING", "text")
    entry = json.loads(line)
    assert entry["level"] == "info" and entry["message"] == "request"
    assert entry["path"] == "/runs" and entry["status"] == 200
