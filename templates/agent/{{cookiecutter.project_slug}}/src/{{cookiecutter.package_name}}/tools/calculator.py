"""`calculator`: arithmetic evaluated by walking the syntax tree. Never `eval`."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import Field

from .registry import ToolError, tool

MAX_EXPRESSION_LENGTH = 500
MAX_EXPONENT = 1_000
MAX_MAGNITUDE = 1e300

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}
_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": abs,
    "round": round,
    "min": min,
    "max": max,
    "sqrt": math.sqrt,
    "log": math.log,
    "log10": math.log10,
    "exp": math.exp,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "floor": math.floor,
    "ceil": math.ceil,
}
_CONSTANTS = {"pi": math.pi, "e": math.e}


def evaluate(expression: str) -> float | int:
    """Evaluate an arithmetic expression; raise `ToolError` for anything that is not arithmetic."""
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ToolError(f"expression longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise ToolError(f"not a valid expression: {exc.msg}") from None
    return _walk(tree.body)


def _walk(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ToolError(f"only numbers are allowed, not {type(node.value).__name__}")
        return node.value
    if isinstance(node, ast.BinOp):
        op = _BINARY.get(type(node.op))
        if op is None:
            hint = " (use ** for powers)" if isinstance(node.op, ast.BitXor) else ""
            raise ToolError(f"operator {type(node.op).__name__} is not allowed{hint}")
        left, right = _walk(node.left), _walk(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise ToolError(f"exponent larger than {MAX_EXPONENT}")
        try:
            value = op(left, right)
        except ZeroDivisionError:
            raise ToolError("division by zero") from None
        except OverflowError:
            raise ToolError("result too large") from None
        return _checked(value)
    if isinstance(node, ast.UnaryOp):
        unary = _UNARY.get(type(node.op))
        if unary is None:
            raise ToolError(f"operator {type(node.op).__name__} is not allowed")
        return unary(_walk(node.operand))
    if isinstance(node, ast.Name):
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        raise ToolError(f"unknown name {node.id!r}: only {sorted(_CONSTANTS)} are defined")
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
            raise ToolError(f"only these functions are allowed: {', '.join(sorted(_FUNCTIONS))}")
        if node.keywords:
            raise ToolError("keyword arguments are not allowed")
        args = [_walk(arg) for arg in node.args]
        try:
            return _checked(_FUNCTIONS[node.func.id](*args))
        except (ValueError, TypeError, OverflowError) as exc:
            raise ToolError(f"{node.func.id}: {exc}") from None
    if isinstance(node, ast.Attribute):
        raise ToolError("attribute access is not allowed")
    raise ToolError(f"{type(node).__name__} is not allowed in an arithmetic expression")


def _checked(value: Any) -> Any:
    if isinstance(value, complex):
        raise ToolError("complex results are not supported")
    if isinstance(value, float) and not math.isfinite(value):
        raise ToolError("result is not a finite number")
    if abs(value) > MAX_MAGNITUDE:
        raise ToolError("result too large")
    return value


@tool(trusted_output=True)  # computed here from the arguments: nobody else wrote it
def calculator(
    expression: Annotated[
        str,
        Field(
            description="Arithmetic such as '(1200 - 950) / 950 * 100' or 'sqrt(2) * pi'",
            min_length=1,
        ),
    ],
) -> dict[str, Any]:
    """Evaluate an arithmetic expression exactly (+ - * / // % **, parentheses, sqrt, log, round,
    min, max, abs, pi, e). Use it for any calculation instead of doing arithmetic yourself."""
    value = evaluate(expression)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    return {"expression": expression, "result": value}
