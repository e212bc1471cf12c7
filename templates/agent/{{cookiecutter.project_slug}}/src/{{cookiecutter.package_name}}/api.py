"""HTTP API and web UI.

POST /runs starts a run and streams its steps as server-sent events (or, with "stream": false,
answers 202 at once); GET /runs/{id} gives its state (from memory, else from its trace);
GET /runs/{id}/events streams it again; a run that needs approval pauses until
POST /runs/{id}/approvals/{call_id} decides.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from . import DESCRIPTION, __version__
from .agent import Agent, new_run_id
from .approval import Decision, PendingApprovals
from .config import Settings, get_settings
from .memory import SessionStore
from .providers import Provider, build_provider
from .service import ask
from .tools import registry_for
from .tools.sql import database_for
from .trace import read_trace

log = logging.getLogger(__name__)
KEEPALIVE_S = 15.0
MAX_RUNS_IN_MEMORY = 200
STATIC = resources.files(__package__).joinpath("static")


class RunRequest(BaseModel):
    question: str = Field(min_length=1, max_length=4_000)
    session_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    stream: bool = True


class ApprovalDecision(BaseModel):
    approved: bool
    reason: str = Field(default="", max_length=500)


@dataclass
class RunState:
    run_id: str
    question: str
    session_id: str | None
    approvals: PendingApprovals
    status: str = "running"  # running | waiting_approval | completed | failed
    events: list[dict[str, Any]] = field(default_factory=list)
    answer: str | None = None
    stop_reason: str | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)

    def add(self, event: dict[str, Any]) -> None:
        with self.changed:
            self.events.append(event)
            if event["type"] == "approval_required":
                self.status = "waiting_approval"
            elif event["type"] == "approval_resolved":
                self.status = "running"
            elif event["type"] == "final":
                self.status, self.answer = "completed", event["answer"]
                self.stop_reason = event["stop_reason"]
            elif event["type"] == "error":
                self.status = "failed"
            self.changed.notify_all()

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed")

    def view(self) -> dict[str, Any]:
        with self.changed:
            return {
                "run_id": self.run_id,
                "status": self.status,
                "question": self.question,
                "session_id": self.session_id,
                "answer": self.answer,
                "stop_reason": self.stop_reason,
                "events": list(self.events),
                "pending_approvals": [vars(r) for r in self.approvals.pending()],
            }

    def follow(self, keepalive_s: float = KEEPALIVE_S) -> Iterator[str]:
        """Server-sent events: every event so far, then new ones until the run ends."""
        sent = 0
        while True:
            with self.changed:
                if sent >= len(self.events) and not self.finished:
                    self.changed.wait(keepalive_s)
                batch, done = self.events[sent:], self.finished
            for event in batch:
                yield f"id: {event['seq']}\nevent: {event['type']}\ndata: {json.dumps(event)}\n\n"
            sent += len(batch)
            if done and sent >= len(self.events):
                return
            if not batch:
                yield ": keep-alive\n\n"


class RunManager:
    def __init__(self, settings: Settings, provider: Provider | None = None) -> None:
        self.settings = settings
        self._provider = provider
        self._lock = threading.Lock()
        self.runs: OrderedDict[str, RunState] = OrderedDict()
        self.store = SessionStore(settings.sessions_path)

    @property
    def provider(self) -> Provider:
        with self._lock:
            if self._provider is None:
                self._provider = build_provider(self.settings)
            return self._provider

    def start(self, request: RunRequest) -> RunState:
        run_id = new_run_id()
        state = RunState(
            run_id,
            request.question,
            request.session_id,
            PendingApprovals(self.settings.approval_timeout_s),
        )
        with self._lock:
            self.runs[run_id] = state
            while len(self.runs) > MAX_RUNS_IN_MEMORY:
                oldest = next(iter(self.runs))
                if not self.runs[oldest].finished:
                    break
                self.runs.popitem(last=False)
        agent = Agent(
            self.provider,
            self.settings,
            tools=registry_for(self.settings),
            approver=state.approvals,
        )
        thread = threading.Thread(
            target=self._work, args=(agent, state), daemon=True, name=f"run-{run_id}"
        )
        thread.start()
        return state

    def _work(self, agent: Agent, state: RunState) -> None:
        held: list[dict[str, Any]] = []

        def on_event(event: dict[str, Any]) -> None:
            # "final" waits until the session is saved, so a client that sends the next
            # question as soon as it sees the answer finds this turn in the session.
            (held.append if event["type"] == "final" else state.add)(event)

        try:
            ask(
                agent,
                state.question,
                session_id=state.session_id,
                store=self.store,
                on_event=on_event,
                run_id=state.run_id,
            )
            for event in held:
                state.add(event)
        except Exception as exc:
            log.exception("run %s failed", state.run_id)
            state.add(
                {
                    "type": "error",
                    "run_id": state.run_id,
                    "seq": len(state.events) + 1,
                    "ts": time.time(),
                    "message": str(exc),
                }
            )

    def get(self, run_id: str) -> RunState | None:
        with self._lock:
            return self.runs.get(run_id)


def create_app(settings: Settings | None = None, provider: Provider | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title={{ cookiecutter.project_name | tojson }}, version=__version__, description=DESCRIPTION)
    manager = RunManager(settings, provider)
    # Built now, so a provider that cannot work stops start-up with its sentence
    # (`ProviderConfigError`) instead of failing every run later.
    _ = manager.provider
    app.state.manager = manager
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.middleware("http")(log_requests)
    app.include_router(routes)
    return app


async def log_requests(request: Request, call_next: Any) -> Response:
    started = time.perf_counter()
    response: Response = await call_next(request)
    log.info(
        "request",
        extra={
            "method": request.method,
            "path": request.url.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return response


def manager_of(request: Request) -> RunManager:
    """The app's run manager: routes reach it through the request, so they need no closure."""
    manager: RunManager = request.app.state.manager
    return manager


Manager = Annotated[RunManager, Depends(manager_of)]
routes = APIRouter()


@routes.get("/", include_in_schema=False)
def index() -> FileResponse:
    return FileResponse(str(STATIC.joinpath("index.html")))


@routes.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@routes.get("/ready")
def ready(manager: Manager) -> JSONResponse:
    try:
        database_for(manager.settings)
        manager.store.sessions()
    except Exception as exc:
        return JSONResponse({"status": "not ready", "error": str(exc)}, status_code=503)
    return JSONResponse({"status": "ready"})


@routes.get("/info")
def info(request: Request, manager: Manager) -> dict[str, Any]:
    provider = manager.provider
    return {
        "name": request.app.title,
        "description": DESCRIPTION,
        "provider": provider.name,
        "model": provider.model,
        "tools": [
            {
                "name": t.name,
                "description": t.description,
                "requires_approval": t.requires_approval,
            }
            for t in registry_for(manager.settings)
        ],
    }


@routes.post("/runs", response_model=None)
def create_run(request: RunRequest, manager: Manager) -> StreamingResponse | JSONResponse:
    state = manager.start(request)
    if not request.stream:
        return JSONResponse(
            {
                "run_id": state.run_id,
                "status": state.status,
                "events_url": f"/runs/{state.run_id}/events",
            },
            status_code=202,
        )
    return _sse(state)


@routes.get("/runs/{run_id}")
def get_run(run_id: str, manager: Manager) -> dict[str, Any]:
    state = manager.get(run_id)
    if state is not None:
        return state.view()
    try:
        events = read_trace(manager.settings.traces_dir, run_id)
    except (FileNotFoundError, ValueError):
        raise HTTPException(404, f"no run {run_id}") from None
    final = next((e for e in events if e["type"] == "final"), None)
    started = events[0] if events else {}
    return {
        "run_id": run_id,
        "status": "completed" if final else "interrupted",
        "question": started.get("question"),
        "session_id": started.get("session_id"),
        "answer": final and final["answer"],
        "stop_reason": final and final["stop_reason"],
        "events": events,
        "pending_approvals": [],
    }


@routes.get("/runs/{run_id}/events")
def run_events(run_id: str, manager: Manager) -> StreamingResponse:
    state = manager.get(run_id)
    if state is None:
        raise HTTPException(404, f"no live run {run_id}; GET /runs/{run_id} reads its trace")
    return _sse(state)


@routes.get("/runs/{run_id}/approvals")
def list_approvals(run_id: str, manager: Manager) -> list[dict[str, Any]]:
    state = _live(manager, run_id)
    return [vars(request) for request in state.approvals.pending()]


@routes.post("/runs/{run_id}/approvals/{call_id}")
def decide(
    run_id: str, call_id: str, decision: ApprovalDecision, manager: Manager
) -> dict[str, Any]:
    state = _live(manager, run_id)
    reason = decision.reason or (
        "approved via the API" if decision.approved else "denied via the API"
    )
    if not state.approvals.resolve(call_id, Decision(decision.approved, reason)):
        raise HTTPException(409, f"no call {call_id} is waiting for approval in run {run_id}")
    return {"run_id": run_id, "call_id": call_id, "approved": decision.approved}


def _live(manager: RunManager, run_id: str) -> RunState:
    state = manager.get(run_id)
    if state is None:
        raise HTTPException(404, f"no live run {run_id}")
    return state


def _sse(state: RunState) -> StreamingResponse:
    return StreamingResponse(
        state.follow(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "X-Run-Id": state.run_id},
    )
