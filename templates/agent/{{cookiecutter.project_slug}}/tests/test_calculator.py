"""The calculator walks the syntax tree: arithmetic only, never `eval`."""

from __future__ import annotations

import math

import pytest

from {{ cookiecutter.package_name }}.tools import ToolError
from {{ cookiecutter.package_name }}.tools.calculator import calculator, evaluate


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("2 + 3 * 4", 14),
        ("(2 + 3) * 4", 20),
        ("2 ** 10", 1024),
        ("-7 // 2", -4),
        ("17 % 5", 2),
        ("49089.5 * 15 / 100", 7363.425),
        ("sqrt(1764)", 42),
        ("round(pi, 3)", 3.142),
        ("max(3, 9, 4) - min(1, 2)", 8),
        ("log(e)", 1),
    ],
)
def test_arithmetic(expression: str, expected: float) -> None:
    assert evaluate(expression) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os').system('echo pwned')", "only these functions"),
        ("(1).real", "attribute access"),
        ("().__class__.__bases__", "attribute access"),
        ("open('/etc/passwd')", "only these functions"),
        ("os", "unknown name"),
        ("'a' * 3", "only numbers"),
        ("lambda: 1", "Lambda is not allowed"),
        ("[1, 2][0]", "not allowed"),
        ("9 ** 9 ** 9", "exponent larger"),
        ("1 / 0", "division by zero"),
        ("2 ^ 3", r"use \*\* for powers"),
        ("1 +", "not a valid expression"),
        ("True + 1", "only numbers"),
    ],
)
def test_rejects_anything_but_arithmetic(expression: str, message: str) -> None:
    with pytest.raises(ToolError, match=message):
        evaluate(expression)


def test_tool_returns_expression_and_integral_result() -> None:
    assert calculator("10 / 4") == {"expression": "10 / 4", "result": 2.5}
    assert calculator("10 / 5") == {"expression": "10 / 5", "result": 2}
    assert math.isclose(calculator("sqrt(2)")["result"], math.sqrt(2))
