"""The offline planner: deterministic rules that drive the real loop, honest about it."""

from __future__ import annotations

from {{ cookiecutter.package_name }}.agent import Agent
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.providers.offline import FOOTER, OfflinePlanner, split_parts


def ask(settings: Settings, question: str):
    return Agent(OfflinePlanner(), settings).run(question)


def test_arithmetic_uses_the_calculator(settings: Settings) -> None:
    result = ask(settings, "What is (1200 - 950) / 950 * 100?")
    assert [c["name"] for c in result.tool_calls] == ["calculator"]
    assert result.tool_calls[0]["arguments"] == {"expression": "(1200 - 950) / 950 * 100"}
    assert "26.3" in result.answer


def test_business_questions_use_sql(settings: Settings) -> None:
    result = ask(settings, "How many orders were returned in 2024?")
    assert [c["name"] for c in result.tool_calls] == ["sql_query"]
    assert "status = 'returned'" in result.tool_calls[0]["arguments"]["query"]


def test_policy_questions_use_search(settings: Settings) -> None:
    result = ask(settings, "How long is the warranty on tents?")
    assert [c["name"] for c in result.tool_calls] == ["web_search"]
    assert "5-year warranty" in result.answer
    assert "https://trailhead-outfitters.example/help/warranty" in result.answer


def test_independent_parts_are_called_in_parallel(settings: Settings) -> None:
    events: list[dict] = []
    result = Agent(OfflinePlanner(), settings).run(
        "What is the square root of 1764? Also, how much does express delivery cost?",
        on_event=events.append,
    )
    first = next(e for e in events if e["type"] == "model_call")
    assert [c["name"] for c in first["tool_calls"]] == ["calculator", "web_search"]
    assert result.steps == 2
    assert "42" in result.answer and "14.90 EUR" in result.answer


def test_follow_up_uses_the_previous_result(settings: Settings) -> None:
    result = ask(settings, "What was the revenue in 2024, and also what is 15% of it?")
    assert [c["name"] for c in result.tool_calls] == ["sql_query", "calculator"]
    assert result.tool_calls[1]["arguments"] == {"expression": "49089.5 * 15 / 100"}
    assert result.steps == 3
    assert "49,089.50 EUR" in result.answer and "7,363.4" in result.answer


def test_it_says_it_is_not_a_model(settings: Settings) -> None:
    result = ask(settings, "Tell me about BM25")
    assert result.answer.endswith(FOOTER)
    assert OfflinePlanner.name == "offline"


def test_split_parts() -> None:
    assert split_parts("A? B; C and also D. Also, E") == ["A", "B", "C", "D", "E"]
