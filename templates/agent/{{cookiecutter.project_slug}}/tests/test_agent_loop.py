"""The loop with a scripted fake model that emits tool calls: tools, errors, guards, approval."""

from __future__ import annotations

import json
import threading
import time

import pytest

from {{ cookiecutter.package_name }}.agent import Agent
from {{ cookiecutter.package_name }}.approval import AutoApprover, ConsoleApprover
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.providers.base import Usage
from {{ cookiecutter.package_name }}.providers.scripted import ScriptedModel, bad_call, call
from {{ cookiecutter.package_name }}.tools import ToolRegistry, registry, tool


def tool_messages(model: ScriptedModel, request: int):
    return [m for m in model.requests[request].messages if m.role == "tool"]


def test_the_right_tool_is_called_with_the_right_arguments(settings: Settings) -> None:
    model = ScriptedModel([[call("calculator", expression="6 * 7")], "The answer is 42."])
    result = Agent(model, settings).run("What is 6 times 7?")
    assert result.answer == "The answer is 42." and result.stop_reason == "final"
    assert result.steps == 2
    assert result.tool_calls == [
        {"step": 1, "name": "calculator", "arguments": {"expression": "6 * 7"}, "is_error": False}
    ]
    (message,) = tool_messages(model, 1)
    assert json.loads(message.content) == {"expression": "6 * 7", "result": 42}
    assert {spec.name for spec in model.requests[0].tools} == set(registry.names())


def test_invalid_arguments_go_back_to_the_model_and_the_loop_recovers(settings: Settings) -> None:
    model = ScriptedModel(
        [
            [call("calculator", expr="1 + 1")],  # wrong argument name
            [bad_call("calculator", '{"expression": ')],  # broken JSON
            [call("calculator", expression="1 + 1")],
            "2",
        ]
    )
    result = Agent(model, settings).run("1 + 1?")
    assert result.answer == "2" and result.stop_reason == "final"
    first = tool_messages(model, 1)[0]
    assert first.is_error
    assert "invalid arguments for calculator" in first.content
    assert "expression: Field required" in first.content
    assert "not a JSON object" in tool_messages(model, 2)[-1].content
    assert json.loads(tool_messages(model, 3)[-1].content)["result"] == 2


def test_tool_errors_and_unknown_tools_are_reported_not_raised(settings: Settings) -> None:
    model = ScriptedModel(
        [
            [call("sql_query", query="DROP TABLE customers"), call("teleport", to="mars")],
            "Could not do it.",
        ]
    )
    result = Agent(model, settings).run("Drop the table")
    refused, unknown = tool_messages(model, 1)
    assert refused.is_error and "read-only" in refused.content
    assert unknown.is_error and "unknown tool 'teleport'" in unknown.content
    assert result.stop_reason == "final"


def test_stops_at_the_step_limit(tmp_path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, agent_max_steps=3)
    counter = iter(range(100))
    model = ScriptedModel(
        [lambda messages: [call("calculator", expression=f"{next(counter)} + 1")]]
    )
    result = Agent(model, settings).run("loop forever")
    assert result.stop_reason == "max_steps"
    assert result.steps == 3 and len(model.requests) == 3
    assert "step limit (3)" in result.answer


def test_stops_at_the_token_budget(tmp_path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, agent_max_tokens=250)
    counter = iter(range(100))
    model = ScriptedModel(
        [lambda m: [call("calculator", expression=f"{next(counter)} * 2")]], usage=Usage(100, 20)
    )
    result = Agent(model, settings).run("spend")
    assert result.stop_reason == "budget"
    assert result.usage.total_tokens == 360  # the third call crosses 250; its tools do not run
    assert len(result.tool_calls) == 2
    # The calls that did not run still get a result, so the turn is valid to continue from.
    assert [m.role for m in result.messages[-3:]] == ["assistant", "tool", "assistant"]
    assert "budget" in result.messages[-2].content


def test_stops_at_the_cost_budget(tmp_path) -> None:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        agent_max_cost_usd=0.001,
        llm_price_input_per_mtok=10.0,
        llm_price_output_per_mtok=10.0,
    )
    counter = iter(range(100))
    model = ScriptedModel(
        [lambda m: [call("calculator", expression=f"{next(counter)} - 1")]], usage=Usage(40, 10)
    )  # $0.0005 a step
    result = Agent(model, settings).run("spend money")
    assert result.stop_reason == "budget"
    assert result.cost_usd == pytest.approx(0.001)
    assert result.steps == 2


def test_repeated_identical_calls_are_detected(settings: Settings) -> None:
    model = ScriptedModel([[call("calculator", expression="2 + 2")]])  # the same call forever
    result = Agent(model, settings, max_repeated_calls=2).run("2 + 2?")
    assert result.stop_reason == "repeated_calls"
    assert "repeated call" in tool_messages(model, 2)[-1].content
    assert [c["is_error"] for c in result.tool_calls] == [False, True, True, True]


def test_parallel_tool_calls_run_at_the_same_time(settings: Settings) -> None:
    mine = ToolRegistry()
    barrier = threading.Barrier(3, timeout=5)  # only passes if three calls are in flight at once

    @tool(into=mine)
    def wait_for_others(name: str) -> str:
        """Wait until the other calls are running too."""
        barrier.wait()
        return f"{name} done"

    model = ScriptedModel([[call("wait_for_others", name=n) for n in "abc"], "all done"])
    result = Agent(model, settings, tools=mine).run("run three at once")
    assert result.answer == "all done"
    assert [m.content for m in tool_messages(model, 1)] == ["a done", "b done", "c done"]


def test_per_tool_timeout(tmp_path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, tool_timeout_s=0.2)
    mine = ToolRegistry()
    release = threading.Event()

    @tool(into=mine)
    def stuck() -> str:
        """Never returns in time."""
        release.wait(5)
        return "late"

    @tool(into=mine)
    def quick() -> str:
        """Returns at once."""
        return "fast"

    model = ScriptedModel([[call("stuck"), call("quick")], "gave up on stuck"])
    started = time.monotonic()
    result = Agent(model, settings, tools=mine).run("try")
    release.set()
    assert time.monotonic() - started < 2
    slow, fast = tool_messages(model, 1)
    assert slow.is_error and "timed out after 0.2s" in slow.content
    assert fast.content == "fast" and not fast.is_error
    assert result.stop_reason == "final"


def test_a_crashing_tool_is_reported_to_the_model(settings: Settings) -> None:
    mine = ToolRegistry()

    @tool(into=mine)
    def broken() -> str:
        """Always fails."""
        raise RuntimeError("disk on fire")

    model = ScriptedModel([[call("broken")], "sorry"])
    Agent(model, settings, tools=mine).run("x")
    assert "failed unexpectedly: disk on fire" in tool_messages(model, 1)[0].content


def test_approval_denied_means_the_tool_does_not_run(settings: Settings) -> None:
    model = ScriptedModel([[call("save_note", title="t", body="b")], "not saved"])
    result = Agent(model, settings, approver=AutoApprover(False)).run("save it")
    assert "denied" in tool_messages(model, 1)[0].content
    assert not settings.notes_dir.exists()
    assert result.stop_reason == "final"


def test_approval_granted_at_the_console(settings: Settings) -> None:
    prompts: list[str] = []
    approver = ConsoleApprover(ask=lambda p: prompts.append(p) or "y")
    model = ScriptedModel([[call("save_note", title="Plan", body="Restock tents")], "saved"])
    events: list[dict] = []
    Agent(model, settings, approver=approver).run("save it", on_event=events.append)
    assert "save_note" in prompts[0] and "Restock tents" in prompts[0]
    (note,) = settings.notes_dir.glob("*.md")
    assert note.read_text(encoding="utf-8") == "# Plan\n\nRestock tents\n"
    kinds = [e["type"] for e in events]
    assert (
        kinds.index("approval_required")
        < kinds.index("approval_resolved")
        < kinds.index("tool_result")
    )


def test_configured_tools_need_approval_too(tmp_path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, approval_tools="calculator")
    model = ScriptedModel([[call("calculator", expression="1+1")], "ok"])
    Agent(model, settings, approver=AutoApprover(False)).run("1+1")
    assert "denied" in tool_messages(model, 1)[0].content
