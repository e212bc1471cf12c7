"""A fake OpenAI server: the real chat-completions protocol over HTTP on 127.0.0.1, answering the
golden-question drafting prompt with questions about the document it was sent (so a test can
check each question names the file that answers it), or failing with a status of the test's choice."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODEL = "fake-gpt-drafter"


@dataclass
class FakeOpenAI:
    url: str  # what OPENAI_BASE_URL is set to
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_with: int | None = None  # an HTTP status to answer every request with


def drafted_question(title: str) -> str:
    """What the fake model asks about a document, from its title."""
    return f"What should a newcomer know about {title.lower()}?"


def _handler(state: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
            if state.fail_with is not None or self.path != "/v1/chat/completions":
                self.send_error(state.fail_with or 404)
                return
            prompt = body["messages"][-1]["content"]
            match = re.match(r"Document (\S+) \((.*?)\):", prompt)
            title = match.group(2) if match else "this document"
            content = json.dumps([drafted_question(title)])
            reply = {"model": MODEL, "choices": [{"message": {"role": "assistant", "content": content}}]}
            data = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def fake_openai() -> Iterator[FakeOpenAI]:
    state = FakeOpenAI("")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
