"""OpenAI's Chat Completions API, streamed (also fits OpenAI-compatible servers via the URL)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from . import SYSTEM_PROMPT, ChatMessage, ProviderError, Usage
from .hosted import HttpProvider, Progress, sse_data


class OpenAIProvider(HttpProvider):
    name = "OpenAI"

    def __init__(self, *, api_key: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.api_key = api_key

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    async def stream(
        self, messages: Sequence[ChatMessage], max_tokens: int
    ) -> AsyncIterator[str | Usage]:
        body = {
            "model": self.model,
            "messages": [{"role": "system", "content": SYSTEM_PROMPT}]
            + [{"role": m.role, "content": m.content} for m in messages],
            "max_tokens": max_tokens,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        usage = Usage(0, 0)
        progress = Progress()
        async for line in self.lines("/chat/completions", body, progress):
            event = sse_data(line)
            if event is None:
                continue
            if "error" in event:
                raise ProviderError(f"OpenAI: {event['error'].get('message', 'error')}")
            for choice in event.get("choices") or []:
                text = (choice.get("delta") or {}).get("content")
                if text:
                    progress.text_sent = True
                    yield text
            if event.get("usage"):
                usage = Usage(
                    event["usage"].get("prompt_tokens", 0),
                    event["usage"].get("completion_tokens", 0),
                )
        yield usage
