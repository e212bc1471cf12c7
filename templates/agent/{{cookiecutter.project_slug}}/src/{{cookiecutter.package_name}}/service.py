"""Wiring shared by the CLI, the API and the evaluation: build an agent, run it in a session."""

from __future__ import annotations

import httpx

from .agent import Agent, EventHandler, RunResult
from .approval import Approver
from .config import Settings
from .memory import SessionStore
from .providers import Provider, build_provider
from .tools import registry_for


def make_agent(
    settings: Settings,
    approver: Approver | None = None,
    provider: Provider | None = None,
    provider_name: str | None = None,
) -> Agent:
    client = httpx.Client(timeout=settings.http_timeout_s)
    provider = provider or build_provider(settings, provider_name)
    tools = registry_for(settings)
    return Agent(provider, settings, tools=tools, approver=approver, http_client=client)


def ask(
    agent: Agent,
    question: str,
    session_id: str | None = None,
    store: SessionStore | None = None,
    on_event: EventHandler | None = None,
    run_id: str | None = None,
) -> RunResult:
    """Run one question; with a session, earlier messages go in and this turn is saved after."""
    history = []
    if session_id:
        store = store or SessionStore(agent.settings.sessions_path)
        history = store.load(session_id)
    result = agent.run(
        question, history=history, on_event=on_event, session_id=session_id, run_id=run_id
    )
    if session_id and store is not None:
        store.append(session_id, result.messages, run_id=result.run_id)
    return result
