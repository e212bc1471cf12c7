"""Anthropic Messages API with native tool use (`tool_use` and `tool_result` content blocks).

Headers follow what the official `anthropic` SDK sends (checked against anthropic 2.14.0 from
PyPI, `_client.py` and `_constants.py`): the key as `Authorization: Bearer ...` and
`anthropic-version: 2026-10-21`. `ANTHROPIC_API_VERSION` overrides the version for a gateway
that pins an older one.
"""

from __future__ import annotations

from typing import Any

import httpx

from .base import (
    Message,
    ModelResponse,
    ToolCall,
    ToolSpec,
    Usage,
    post_json,
    sendable,
    tool_result_text,
)

DEFAULT_MODEL = "claude-haiku-4-5"
API_VERSION = "2026-10-21"  # anthropic 2.14.0's ANTHROPIC_API_VERSION


class AnthropicProvider:
    name = "anthropic"

    def __init__(
        self,
        api_key: str,
        model: str = "",
        base_url: str = "https://api.anthropic.com",
        client: httpx.Client | None = None,
        timeout_s: float = 60.0,
        max_retries: int = 3,
        max_tokens: int = 1024,
        api_version: str = API_VERSION,
    ) -> None:
        self.api_key, self.api_version = api_key, api_version or API_VERSION
        self.model = model or DEFAULT_MODEL
        self.base_url = base_url.rstrip("/")
        self.client = client or httpx.Client()
        self.timeout_s, self.max_retries, self.max_tokens = timeout_s, max_retries, max_tokens

    def build_request(
        self, system: str, messages: list[Message], tools: list[ToolSpec]
    ) -> dict[str, Any]:
        wire: list[dict[str, Any]] = []
        for message in sendable(messages):
            if message.role == "tool":
                block = {
                    "type": "tool_result",
                    "tool_use_id": message.tool_call_id,
                    "content": tool_result_text(message),
                    "is_error": message.is_error,
                }
                # Results of one turn's calls go back together in a single user message.
                if wire and wire[-1]["role"] == "user" and isinstance(wire[-1]["content"], list):
                    wire[-1]["content"].append(block)
                else:
                    wire.append({"role": "user", "content": [block]})
            elif message.role == "assistant":
                blocks: list[dict[str, Any]] = []
                if message.content.strip():
                    blocks.append({"type": "text", "text": message.content})
                for call in message.tool_calls:
                    blocks.append(
                        {
                            "type": "tool_use",
                            "id": call.id,
                            "name": call.name,
                            "input": call.arguments if call.arguments is not None else {},
                        }
                    )
                wire.append({"role": "assistant", "content": blocks or message.content})
            elif message.role == "user":
                wire.append({"role": "user", "content": message.content})
        payload: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "messages": wire,
        }
        if system:
            payload["system"] = system
        if tools:
            payload["tools"] = [
                {
                    "name": spec.name,
                    "description": spec.description,
                    "input_schema": spec.parameters,
                }
                for spec in tools
            ]
        return payload

    @staticmethod
    def parse_response(data: dict[str, Any]) -> ModelResponse:
        texts, calls = [], []
        for block in data.get("content", []):
            if block.get("type") == "text":
                texts.append(block.get("text", ""))
            elif block.get("type") == "tool_use":
                arguments = block.get("input")
                calls.append(
                    ToolCall(
                        id=block["id"],
                        name=block["name"],
                        arguments=arguments if isinstance(arguments, dict) else None,
                        raw_arguments=None if isinstance(arguments, dict) else str(arguments),
                    )
                )
        usage = data.get("usage") or {}
        return ModelResponse(
            message=Message(role="assistant", content="\n".join(texts).strip(), tool_calls=calls),
            usage=Usage(usage.get("input_tokens", 0), usage.get("output_tokens", 0)),
            model=data.get("model", ""),
            stop_reason=data.get("stop_reason") or "",
        )

    def headers(self) -> dict[str, str]:
        """What the SDK sends; no credential at all for a keyless gateway."""
        headers = {"anthropic-version": self.api_version}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def complete(
        self, system: str, messages: list[Message], tools: list[ToolSpec]
    ) -> ModelResponse:
        data = post_json(
            self.client,
            f"{self.base_url}/v1/messages",
            self.build_request(system, messages, tools),
            self.headers(),
            max_retries=self.max_retries,
            timeout_s=self.timeout_s,
        )
        return self.parse_response(data)
