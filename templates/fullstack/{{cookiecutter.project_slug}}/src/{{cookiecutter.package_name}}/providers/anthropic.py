"""Anthropic's Messages API, streamed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from . import SYSTEM_PROMPT, ChatMessage, ProviderError, Usage
from .hosted import HttpProvider, Progress, sse_data


class AnthropicProvider(HttpProvider):
    name = "Anthropic"

    def __init__(self, *, api_key: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.api_key = api_key

    def headers(self) -> dict[str, str]:
        return {"x-api-key": self.api_key, "anthropic-version": "2023-06-01"}

    async def stream(
        self, messages: Sequence[ChatMessage], max_tokens: int
    ) -> AsyncIterator[str | Usage]:
        body = {
            "model": self.model,
            "system": SYSTEM_PROMPT,
            "max_tokens": max_tokens,
            "stream": True,
            "messages": [
                {"role": m.role, "content": m.content} for m in messages if m.role != "system"
            ],
        }
        input_tokens = output_tokens = 0
        progress = Progress()
        async for line in self.lines("/v1/messages", body, progress):
            event = sse_data(line)
            if event is None:
                continue
            kind = event.get("type")
            if kind == "message_start":
                input_tokens = event["message"].get("usage", {}).get("input_tokens", 0)
            elif kind == "content_block_delta":
                text = event.get("delta", {}).get("text")
                if text:
                    progress.text_sent = True
                    yield text
            elif kind == "message_delta":
                output_tokens = event.get("usage", {}).get("output_tokens", output_tokens)
            elif kind == "error":
                raise ProviderError(f"Anthropic: {event.get('error', {}).get('message', 'error')}")
        yield Usage(input_tokens, output_tokens)
