"""A provider that replays a fixed script: the fake model for tests (and for your own).

Each step is a final answer (a string), a list of tool calls (`call(name, **arguments)` or
`bad_call(name, raw_text)`), or a
function of the conversation that returns either. Every request is recorded in `requests`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .base import Message, ModelResponse, ToolCall, ToolSpec, Usage

Step = str | list[ToolCall] | Callable[[list[Message]], "str | list[ToolCall]"]
_ids = itertools.count(1)


def call(tool_name: str, arguments: dict[str, Any] | None = None, /, **kwargs: Any) -> ToolCall:
    """A tool call with these arguments (as a dict, keywords, or both)."""
    merged = {**(arguments or {}), **kwargs}
    return ToolCall(id=f"scripted_{next(_ids)}", name=tool_name, arguments=merged)


def bad_call(tool_name: str, raw: str) -> ToolCall:
    """A tool call whose arguments the model sent as text that is not a JSON object."""
    return ToolCall(id=f"scripted_{next(_ids)}", name=tool_name, arguments=None, raw_arguments=raw)


@dataclass
class Request:
    system: str
    messages: list[Message]
    tools: list[ToolSpec]


@dataclass
class ScriptedModel:
    steps: Sequence[Step]
    usage: Usage = field(default_factory=lambda: Usage(100, 20))
    name: str = "scripted"
    model: str = "scripted-model"
    requests: list[Request] = field(default_factory=list)

    def complete(
        self, system: str, messages: list[Message], tools: list[ToolSpec]
    ) -> ModelResponse:
        self.requests.append(Request(system, list(messages), list(tools)))
        index = len(self.requests) - 1
        step: Any = self.steps[min(index, len(self.steps) - 1)]
        if callable(step):
            step = step(messages)
        if isinstance(step, str):
            message = Message("assistant", step)
        else:
            # Fresh ids each time, so a step replayed past the end of the script is a new call.
            calls = [
                ToolCall(f"{c.id}_{index}", c.name, c.arguments, c.raw_arguments) for c in step
            ]
            message = Message("assistant", f"step {index + 1}", calls)
        usage = Usage(self.usage.input_tokens, self.usage.output_tokens)
        return ModelResponse(
            message, usage, self.model, "tool_use" if message.tool_calls else "end"
        )
