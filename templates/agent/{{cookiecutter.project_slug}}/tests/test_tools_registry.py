"""The registry derives each tool's JSON schema from its typed signature."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from pydantic import Field, ValidationError

from {{ cookiecutter.package_name }}.tools import ToolContext, ToolRegistry, registry, tool
from {{ cookiecutter.package_name }}.tools.registry import format_validation_error, to_text


def test_built_in_tools_are_registered() -> None:
    assert {"web_search", "sql_query", "http_get", "calculator", "save_note"} <= set(
        registry.names()
    )
    assert registry.get("save_note").requires_approval
    assert not registry.get("calculator").requires_approval


def test_schema_comes_from_the_signature_and_hides_the_context() -> None:
    schema = registry.get("web_search").parameters_schema
    assert schema["type"] == "object"
    assert set(schema["properties"]) == {"query", "max_results"}  # no `ctx`
    assert schema["required"] == ["query"]
    assert schema["properties"]["query"]["type"] == "string"
    assert schema["properties"]["query"]["description"]
    assert schema["properties"]["max_results"] == {
        "type": "integer",
        "default": 3,
        "minimum": 1,
        "maximum": 10,
        "description": "How many results",
    }
    assert schema["additionalProperties"] is False


def test_one_decorated_function_is_a_tool(settings) -> None:
    mine = ToolRegistry()

    @tool(into=mine)
    def convert(
        amount: Annotated[float, Field(description="Amount to convert", gt=0)],
        unit: Literal["km", "mi"] = "km",
    ) -> dict[str, float]:
        """Convert a distance between kilometres and miles."""
        return {"result": amount * 0.621371 if unit == "km" else amount / 0.621371}

    converted = mine.get("convert")
    assert converted.description == "Convert a distance between kilometres and miles."
    assert converted.parameters_schema["properties"]["unit"]["enum"] == ["km", "mi"]
    assert converted.call({"amount": 10}, ToolContext(settings)) == pytest.approx(
        {"result": 6.21371}
    )
    assert convert(1, "mi") == pytest.approx({"result": 1.609344})  # still a plain function


def test_invalid_arguments_give_a_readable_error(settings) -> None:
    calculator = registry.get("calculator")
    with pytest.raises(ValidationError) as caught:
        calculator.call({"expr": "1+1"}, ToolContext(settings))
    message = format_validation_error("calculator", caught.value)
    assert message.startswith("invalid arguments for calculator:")
    assert "expression: Field required" in message
    assert "expr: Extra inputs are not permitted" in message


def test_a_tool_needs_a_docstring() -> None:
    with pytest.raises(TypeError, match="docstring"):

        @tool(into=ToolRegistry())
        def silent(x: int) -> int:
            return x


def test_results_are_serialised_and_cut() -> None:
    assert to_text({"a": 1}) == '{"a": 1}'
    long = to_text("x" * 100, limit=10)
    assert long.startswith("x" * 10) and "truncated, 90 more characters" in long
