"""Ollama's `/api/chat` with native tool calling (local models such as llama3.1 or qwen2.5)."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from .base import (
    Message,
    ModelResponse,
    ToolCall,
    ToolSpec,
    Usage,
    function_tools,
    parse_arguments,
    post_json,
    sendable,
    tool_result_text,
)

DEFAULT_MODEL = "llama3.1"


class OllamaProvider:
    name = "ollama"

    def __init__(
        self,
        host: str = "http://localhost:11434",
        model: str = "",
        client: httpx.Client | None = None,
        timeout_s: float = 120.0,
        max_retries: int = 2,
    ) -> None:
        self.host = host.rstrip("/")
        self.model = model or DEFAULT_MODEL
        self.client = client or httpx.Client()
        self.timeout_s, self.max_retries = timeout_s, max_retries
        self._ids = itertools.count(1)

    def build_request(
        self, system: str, messages: list[Message], tools: list[ToolSpec]
    ) -> dict[str, Any]:
        wire: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
        for message in sendable(messages):
            if message.role == "tool":
                wire.append(
                    {
                        "role": "tool",
                        "content": tool_result_text(message),
                        "tool_name": message.name or "",
                    }
                )
            elif message.role == "assistant" and message.tool_calls:
                wire.append(
                    {
                        "role": "assistant",
                        "content": message.content,
                        "tool_calls": [
                            {"function": {"name": call.name, "arguments": call.arguments or {}}}
                            for call in message.tool_calls
                        ],
                    }
                )
            else:
                wire.append({"role": message.role, "content": message.content})
        payload: dict[str, Any] = {"model": self.model, "messages": wire, "stream": False}
        if tools:
            payload["tools"] = function_tools(tools)
        return payload

    def parse_response(self, data: dict[str, Any]) -> ModelResponse:
        wire = data.get("message") or {}
        calls = []
        for item in wire.get("tool_calls") or []:
            function = item.get("function", {})
            arguments, raw = parse_arguments(function.get("arguments"))
            # Ollama does not always number its calls; give each one an id of our own.
            call_id = item.get("id") or f"ollama_call_{next(self._ids)}"
            calls.append(
                ToolCall(
                    id=call_id,
                    name=function.get("name", ""),
                    arguments=arguments,
                    raw_arguments=raw,
                )
            )
        return ModelResponse(
            message=Message(role="assistant", content=wire.get("content") or "", tool_calls=calls),
            usage=Usage(data.get("prompt_eval_count", 0), data.get("eval_count", 0)),
            model=data.get("model", self.model),
            stop_reason=data.get("done_reason") or "",
        )

    def reachable(self, timeout_s: float = 1.0) -> bool:
        try:
            return self.client.get(f"{self.host}/api/tags", timeout=timeout_s).status_code == 200
        except httpx.HTTPError:
            return False

    def complete(
        self, system: str, messages: list[Message], tools: list[ToolSpec]
    ) -> ModelResponse:
        data = post_json(
            self.client,
            f"{self.host}/api/chat",
            self.build_request(system, messages, tools),
            {},
            max_retries=self.max_retries,
            timeout_s=self.timeout_s,
        )
        return self.parse_response(data)
