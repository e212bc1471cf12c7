"""OpenAI Chat Completions with native tool calling (`tools`, `tool_calls`, role `tool`)."""

from __future__ import annotations

import json
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

DEFAULT_MODEL = "gpt-4o-mini"


class OpenAIProvider:
    name = "openai"

    def __init__(
        self,
        api_key: str,
        model: str = "",
        base_url: str = "https://api.openai.com/v1",
        client: httpx.Client | None = None,
        timeout_s: float = 60.0,
        max_retries: int = 3,
    ) -> None:
        self.api_key = api_key
        self.model = model or DEFAULT_MODEL
        self.base_url = base_url.rstrip("/")
        self.client = client or httpx.Client()
        self.timeout_s, self.max_retries = timeout_s, max_retries

    def build_request(
        self, system: str, messages: list[Message], tools: list[ToolSpec]
    ) -> dict[str, Any]:
        wire: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
        for message in sendable(messages):
            if message.role == "tool":
                wire.append(
                    {
                        "role": "tool",
                        "tool_call_id": message.tool_call_id,
                        "content": tool_result_text(message),
                    }
                )
            elif message.role == "assistant" and message.tool_calls:
                wire.append(
                    {
                        "role": "assistant",
                        "content": message.content or None,
                        "tool_calls": [
                            {
                                "id": call.id,
                                "type": "function",
                                "function": {
                                    "name": call.name,
                                    "arguments": call.raw_arguments
                                    if call.arguments is None
                                    else json.dumps(call.arguments),
                                },
                            }
                            for call in message.tool_calls
                        ],
                    }
                )
            else:
                wire.append({"role": message.role, "content": message.content})
        payload: dict[str, Any] = {"model": self.model, "messages": wire}
        if tools:
            payload["tools"] = function_tools(tools)
            payload["parallel_tool_calls"] = True
        return payload

    @staticmethod
    def parse_response(data: dict[str, Any]) -> ModelResponse:
        choice = data["choices"][0]
        wire = choice["message"]
        calls = []
        for item in wire.get("tool_calls") or []:
            arguments, raw = parse_arguments(item["function"].get("arguments"))
            calls.append(
                ToolCall(
                    id=item["id"],
                    name=item["function"]["name"],
                    arguments=arguments,
                    raw_arguments=raw,
                )
            )
        usage = data.get("usage") or {}
        return ModelResponse(
            message=Message(role="assistant", content=wire.get("content") or "", tool_calls=calls),
            usage=Usage(usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)),
            model=data.get("model", ""),
            stop_reason=choice.get("finish_reason") or "",
        )

    def complete(
        self, system: str, messages: list[Message], tools: list[ToolSpec]
    ) -> ModelResponse:
        data = post_json(
            self.client,
            f"{self.base_url}/chat/completions",
            self.build_request(system, messages, tools),
            # A local OpenAI-compatible server (llama.cpp, vLLM, LM Studio) may need no key:
            # then no Authorization header at all, rather than "Bearer " with nothing after it.
            {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {},
            max_retries=self.max_retries,
            timeout_s=self.timeout_s,
        )
        return self.parse_response(data)
