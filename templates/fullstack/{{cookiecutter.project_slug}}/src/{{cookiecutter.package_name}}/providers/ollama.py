"""A local Ollama server's chat API, streamed as one JSON object per line."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence

from . import SYSTEM_PROMPT, ChatMessage, ProviderError, Usage
from .hosted import HttpProvider, Progress


class OllamaProvider(HttpProvider):
    name = "Ollama"

    async def stream(
        self, messages: Sequence[ChatMessage], max_tokens: int
    ) -> AsyncIterator[str | Usage]:
        body = {
            "model": self.model,
            "stream": True,
            "options": {"num_predict": max_tokens},
            "messages": [{"role": "system", "content": SYSTEM_PROMPT}]
            + [{"role": m.role, "content": m.content} for m in messages],
        }
        usage = Usage(0, 0)
        progress = Progress()
        async for line in self.lines("/api/chat", body, progress):
            try:
                event = json.loads(line)
            except ValueError as exc:
                raise ProviderError("Ollama sent a malformed stream.") from exc
            if event.get("error"):
                raise ProviderError(f"Ollama: {event['error']}")
            text = (event.get("message") or {}).get("content")
            if text:
                progress.text_sent = True
                yield text
            if event.get("done"):
                usage = Usage(event.get("prompt_eval_count", 0), event.get("eval_count", 0))
        yield usage
