"""The tool registry: a tool is a typed Python function; its JSON schema comes from its signature.

    @tool
    def word_count(text: Annotated[str, Field(description="Text to count")]) -> int:
        '''Count the words in a text.'''
        return len(text.split())

The docstring's first paragraph is the description the model sees; `Annotated[..., Field(...)]`
adds per-argument descriptions and constraints. A parameter typed `ToolContext` is injected by
the agent and never shown to the model.

Two flags feed the prompt-injection defence (see `agent.py`):
- `trusted_output=True` for a tool whose result is computed here from the model's own arguments
  (the calculator): its result is not marked untrusted and does not taint the run. Every other
  result (web pages, API answers, database rows) is data a stranger may have written.
- `sensitive=` says why a call has side effects or reaches private data ("sends a request to
  another server"), or is a function of (arguments, context) that says so or returns None. Once
  the context holds untrusted content, such a call needs the user's approval.
"""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from ..config import Settings

Sensitivity = Callable[[dict[str, Any], "ToolContext"], "str | None"]


class ToolError(Exception):
    """A failure the model should see and can react to (bad input, refused request, ...)."""


@dataclass
class ToolContext:
    """What a tool may need besides its arguments: settings and an HTTP client to reuse."""

    settings: Settings
    http_client: httpx.Client | None = None
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass
class Tool:
    name: str
    description: str
    function: Callable[..., Any]
    arguments_model: type[BaseModel]
    context_param: str | None = None
    requires_approval: bool = False
    trusted_output: bool = False
    sensitive: Sensitivity | None = None

    def sensitivity(self, arguments: dict[str, Any], context: ToolContext) -> str | None:
        """Why this call has side effects or reaches private data, or None when it does not."""
        return self.sensitive(arguments, context) if self.sensitive else None

    @property
    def parameters_schema(self) -> dict[str, Any]:
        """JSON schema of the arguments, as the providers' tool definitions expect it."""
        schema = self.arguments_model.model_json_schema()
        return _strip_titles(schema)

    def validate(self, arguments: dict[str, Any]) -> BaseModel:
        return self.arguments_model.model_validate(arguments)

    def call(self, arguments: dict[str, Any], context: ToolContext) -> Any:
        """Validate then call. Raises `ValidationError` or whatever the function raises."""
        validated = self.validate(arguments)
        kwargs = {name: getattr(validated, name) for name in type(validated).model_fields}
        if self.context_param:
            kwargs[self.context_param] = context
        return self.function(**kwargs)

    def spec(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "parameters": self.parameters_schema,
        }


class ToolRegistry:
    def __init__(self) -> None:
        self._tools: dict[str, Tool] = {}

    def register(self, tool: Tool) -> Tool:
        if tool.name in self._tools:
            raise ValueError(f"a tool named {tool.name!r} is already registered")
        self._tools[tool.name] = tool
        return tool

    def get(self, name: str) -> Tool | None:
        return self._tools.get(name)

    def names(self) -> list[str]:
        return sorted(self._tools)

    def __iter__(self) -> typing.Iterator[Tool]:
        return iter(self._tools[name] for name in self.names())

    def __len__(self) -> int:
        return len(self._tools)

    def subset(self, names: typing.Iterable[str]) -> ToolRegistry:
        other = ToolRegistry()
        for name in names:
            other.register(self._tools[name])
        return other


registry = ToolRegistry()


def build_tool(
    function: Callable[..., Any],
    *,
    name: str | None = None,
    description: str | None = None,
    requires_approval: bool = False,
    trusted_output: bool = False,
    sensitive: str | Sensitivity | None = None,
) -> Tool:
    """Turn a typed function into a `Tool` (schema from the signature, description from the doc)."""
    hints = typing.get_type_hints(function, include_extras=True)
    fields: dict[str, Any] = {}
    context_param = None
    for param in inspect.signature(function).parameters.values():
        annotation = hints.get(param.name, Any)
        if annotation is ToolContext:
            context_param = param.name
            continue
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise TypeError(f"tool {function.__name__}: *args/**kwargs cannot be described")
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[param.name] = (annotation, default)
    model = create_model(
        f"{function.__name__}_arguments",
        __config__=ConfigDict(extra="forbid"),
        **fields,
    )
    doc = inspect.getdoc(function) or ""
    description = description or doc.split("\n\n")[0].replace("\n", " ").strip()
    if not description:
        raise TypeError(f"tool {function.__name__} needs a docstring: the model reads it")
    return Tool(
        name=name or function.__name__,
        description=description,
        function=function,
        arguments_model=model,
        context_param=context_param,
        requires_approval=requires_approval,
        trusted_output=trusted_output,
        sensitive=_as_sensitivity(sensitive),
    )


def _as_sensitivity(sensitive: str | Sensitivity | None) -> Sensitivity | None:
    if isinstance(sensitive, str):
        reason = sensitive
        return lambda arguments, context: reason
    return sensitive


def tool(
    function: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    requires_approval: bool = False,
    trusted_output: bool = False,
    sensitive: str | Sensitivity | None = None,
    into: ToolRegistry | None = None,
) -> Any:
    """Decorator: register a function as a tool (in the default registry unless `into` is given)."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        built = build_tool(
            fn,
            name=name,
            description=description,
            requires_approval=requires_approval,
            trusted_output=trusted_output,
            sensitive=sensitive,
        )
        (into if into is not None else registry).register(built)
        return fn

    return decorate(function) if function is not None else decorate


def format_validation_error(tool_name: str, error: ValidationError) -> str:
    """A short, model-readable description of what was wrong with the arguments."""
    problems = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "(arguments)"
        problems.append(f"{where}: {item['msg']}")
    return f"invalid arguments for {tool_name}: " + "; ".join(problems)


def to_text(result: Any, limit: int = 8_000) -> str:
    """Serialise a tool result for the model (JSON when possible), cut at `limit` characters."""
    text = (
        result if isinstance(result, str) else json.dumps(result, default=str, ensure_ascii=False)
    )
    if len(text) > limit:
        text = text[:limit] + f"... [truncated, {len(text) - limit} more characters]"
    return text


def _strip_titles(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _strip_titles(value)
            for key, value in node.items()
            if not (key == "title" and isinstance(value, str))
        }
    if isinstance(node, list):
        return [_strip_titles(item) for item in node]
    return node
