"""Strict local fakes of the model APIs: real HTTP on 127.0.0.1 that refuses what the vendors
refuse, so a test proves what really goes over the wire (headers included).

    with FakeAnthropic([[text("")], [text("Hello")]]) as api:
        provider = AnthropicProvider("sk-ant-test", base_url=api.url)

Each reply is a list of content blocks (Anthropic) or an assistant message (OpenAI), or a
function of the request body that returns one. Every request is kept in `requests`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Any | Callable[[dict[str, Any]], Any]


class JsonHandler(BaseHTTPRequestHandler):
    """A quiet handler that answers JSON: the base of every real HTTP server in these tests."""

    def send_json(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def tool_use(call_id: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": call_id, "name": name, "input": arguments}


class _FakeAPI:
    path = ""

    def __init__(self, replies: list[Reply]) -> None:
        self.replies = list(replies)
        self.requests: list[Seen] = []
        fake = self

        class Handler(JsonHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                fake.requests.append(seen)
                if self.path != fake.path:
                    return self._send(404, {"error": f"no route {self.path}"})
                status, answer = fake.answer(seen)
                self._send(status, answer)

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                self.send_json(status, json.dumps(payload).encode())

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def next_reply(self, body: dict[str, Any]) -> Any:
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return reply(body) if callable(reply) else reply

    def answer(self, seen: Seen) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> _FakeAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FakeAnthropic(_FakeAPI):
    """`POST /v1/messages`, refusing (HTTP 400, as Anthropic does) an empty message or a
    `tool_result` that answers no `tool_use` of the message before it."""

    path = "/v1/messages"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, seen: Seen) -> tuple[int, dict[str, Any]]:
        problem = anthropic_problem(seen.body)
        if problem:
            error = {"type": "invalid_request_error", "message": problem}
            return 400, {"type": "error", "error": error}
        blocks = self.next_reply(seen.body)
        calls = any(block["type"] == "tool_use" for block in blocks)
        return 200, {
            "id": f"msg_{len(self.requests)}",
            "type": "message",
            "role": "assistant",
            "model": seen.body["model"],
            "content": blocks,
            "stop_reason": "tool_use" if calls else "end_turn",
            "usage": {"input_tokens": 40, "output_tokens": 8},
        }


def anthropic_problem(body: dict[str, Any]) -> str:
    messages = body.get("messages") or []
    if not isinstance(body.get("max_tokens"), int):
        return "max_tokens: Field required"
    if not messages or messages[0].get("role") != "user":
        return "messages: the first message must use the user role"
    last_tool_uses: set[str] = set()
    for index, message in enumerate(messages):
        content = message.get("content")
        final_assistant = index == len(messages) - 1 and message.get("role") == "assistant"
        blocks = content if isinstance(content, list) else None
        empty = (
            not content.strip()
            if isinstance(content, str)
            else not blocks or any(b.get("type") == "text" and not b.get("text") for b in blocks)
        )
        if empty and not final_assistant:
            return (
                f"messages.{index}: all messages must have non-empty content except for the "
                "optional final assistant message"
            )
        for block in blocks or []:
            if (
                block.get("type") == "tool_result"
                and block.get("tool_use_id") not in last_tool_uses
            ):
                return f"messages.{index}: unexpected tool_use_id in tool_result blocks"
        last_tool_uses = {b["id"] for b in blocks or [] if b.get("type") == "tool_use"}
    return ""


class FakeOpenAI(_FakeAPI):
    """`POST /v1/chat/completions`, the way OpenAI-compatible servers answer it."""

    path = "/v1/chat/completions"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def answer(self, seen: Seen) -> tuple[int, dict[str, Any]]:
        message = self.next_reply(seen.body)
        if isinstance(message, str):
            message = {"role": "assistant", "content": message}
        return 200, {
            "model": seen.body["model"],
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 30, "completion_tokens": 5},
        }
