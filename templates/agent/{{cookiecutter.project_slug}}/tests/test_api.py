"""The API end to end: runs stream their steps as server-sent events; approval pauses a run."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from importlib import resources

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api import create_app
from {{ cookiecutter.package_name }}.config import Settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def parse_sse(lines: Iterator[str]) -> Iterator[dict]:
    for line in lines:
        if line.startswith("data:"):
            yield json.loads(line[5:])


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_health_ready_info(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
    assert client.get("/ready").json() == {"status": "ready"}
    info = client.get("/info").json()
    assert info["provider"] == "offline"
    assert {"web_search", "sql_query", "http_get", "calculator", "save_note"} <= {
        t["name"] for t in info["tools"]
    }


def test_post_runs_streams_every_step(client: TestClient) -> None:
    question = "What was the revenue in 2024, and also what is 15% of it?"
    with client.stream("POST", "/runs", json={"question": question}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = list(parse_sse(response.iter_lines()))
    kinds = [e["type"] for e in events]
    assert kinds == [
        "run_started",
        "model_call",
        "tool_result",
        "model_call",
        "tool_result",
        "model_call",
        "final",
    ]
    assert events[1]["tool_calls"][0]["name"] == "sql_query"
    assert events[3]["tool_calls"][0]["arguments"] == {"expression": "49089.5 * 15 / 100"}
    assert "49,089.50" in events[-1]["answer"]

    run = client.get(f"/runs/{events[0]['run_id']}").json()
    assert run["status"] == "completed" and run["stop_reason"] == "final"
    assert len(run["events"]) == len(events)


def test_finished_runs_are_read_back_from_their_trace(
    settings: Settings, client: TestClient
) -> None:
    with client.stream("POST", "/runs", json={"question": "What is 2 + 2?"}) as response:
        events = list(parse_sse(response.iter_lines()))  # to the end: the run is finished
    run_id = events[0]["run_id"]
    with TestClient(create_app(settings)) as fresh:  # a restarted server
        run = fresh.get(f"/runs/{run_id}").json()
        assert run["status"] == "completed" and run["answer"].startswith("4\n")
        assert fresh.get("/runs/20990101-000000-deadbeef").status_code == 404


def test_sessions_through_the_api(client: TestClient) -> None:
    for question in ("How long is the warranty on tents?", "What did I ask before?"):
        with client.stream(
            "POST", "/runs", json={"question": question, "session_id": "web-1"}
        ) as response:
            events = list(parse_sse(response.iter_lines()))
    assert "How long is the warranty on tents?" in events[-1]["answer"]


def test_validation(client: TestClient) -> None:
    assert client.post("/runs", json={"question": ""}).status_code == 422
    assert client.post("/runs", json={"question": "x", "session_id": "../x"}).status_code == 422


def test_approval_pauses_and_resumes(settings: Settings, client: TestClient) -> None:
    started = client.post(
        "/runs", json={"question": "Save a note titled Q4 plan: restock tents", "stream": False}
    )
    assert started.status_code == 202
    run_id = started.json()["run_id"]
    run = wait_for(
        lambda: (r := client.get(f"/runs/{run_id}").json())["status"] == "waiting_approval" and r
    )
    (pending,) = run["pending_approvals"]
    assert pending["tool"] == "save_note"
    assert pending["arguments"] == {"title": "Q4 plan", "body": "restock tents"}
    time.sleep(0.2)
    assert client.get(f"/runs/{run_id}").json()["status"] == "waiting_approval"  # still paused
    assert not settings.notes_dir.exists()

    decided = client.post(f"/runs/{run_id}/approvals/{pending['call_id']}", json={"approved": True})
    assert decided.status_code == 200
    run = wait_for(
        lambda: (r := client.get(f"/runs/{run_id}").json())["status"] == "completed" and r
    )
    assert "Saved the note" in run["answer"]
    assert len(list(settings.notes_dir.glob("*.md"))) == 1
    again = client.post(f"/runs/{run_id}/approvals/{pending['call_id']}", json={"approved": True})
    assert again.status_code == 409


def test_after_untrusted_results_a_private_query_waits_with_its_reason(
    settings: Settings, client: TestClient
) -> None:
    first = client.post(
        "/runs",
        json={
            "question": "How long is the warranty on tents?",
            "session_id": "s9",
            "stream": False,
        },
    ).json()["run_id"]
    wait_for(lambda: client.get(f"/runs/{first}").json()["status"] == "completed")
    # The session now holds search results: the customer's name is private data.
    second = client.post(
        "/runs",
        json={
            "question": "Who is our top customer by revenue?",
            "session_id": "s9",
            "stream": False,
        },
    ).json()["run_id"]
    (pending,) = wait_for(lambda: client.get(f"/runs/{second}/approvals").json())
    assert pending["tool"] == "sql_query"
    assert "results of web_search" in pending["reason"] and "customers.name" in pending["reason"]
    client.post(f"/runs/{second}/approvals/{pending['call_id']}", json={"approved": True})
    run = wait_for(
        lambda: (r := client.get(f"/runs/{second}").json())["status"] == "completed" and r
    )
    assert "Summit Guides GmbH" in run["answer"]


def test_denied_approval(settings: Settings, client: TestClient) -> None:
    run_id = client.post("/runs", json={"question": "Save a note: secret", "stream": False}).json()[
        "run_id"
    ]
    pending = wait_for(lambda: client.get(f"/runs/{run_id}/approvals").json())
    client.post(
        f"/runs/{run_id}/approvals/{pending[0]['call_id']}",
        json={"approved": False, "reason": "not now"},
    )
    run = wait_for(
        lambda: (r := client.get(f"/runs/{run_id}").json())["status"] == "completed" and r
    )
    assert "denied" in run["answer"] and "not now" in run["answer"]
    assert not settings.notes_dir.exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_config=None, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for(lambda: server.started)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_real_server_streams_and_waits_for_approval(live_server: str) -> None:
    """Over a real socket: the stream pauses at the approval, another request resumes it."""
    seen: list[dict] = []
    with (
        httpx.Client(base_url=live_server, timeout=10) as http,
        http.stream(
            "POST", "/runs", json={"question": "Save a note titled Trip: pack the stove"}
        ) as response,
    ):
        for event in parse_sse(response.iter_lines()):
            seen.append(event)
            if event["type"] == "approval_required":
                with httpx.Client(base_url=live_server, timeout=10) as other:
                    status = other.get(f"/runs/{event['run_id']}").json()["status"]
                    assert status == "waiting_approval"
                    other.post(
                        f"/runs/{event['run_id']}/approvals/{event['call_id']}",
                        json={"approved": True},
                    )
    kinds = [e["type"] for e in seen]
    assert kinds == [
        "run_started",
        "model_call",
        "approval_required",
        "approval_resolved",
        "tool_result",
        "model_call",
        "final",
    ]
    assert "Saved the note" in seen[-1]["answer"]


def test_web_ui_is_served_with_local_assets_only(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and '<form id="ask">' in page.text
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        assert client.get(asset).status_code == 200
    static = resources.files("{{ cookiecutter.package_name }}").joinpath("static")
    for name in ("index.html", "app.js", "style.css"):
        text = static.joinpath(name).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, name  # no CDN, no fonts
