"""Human approval for calls that change things, or that reach private data once the context
holds untrusted content. The agent asks an `Approver`, with the reason, and waits."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass
class Decision:
    approved: bool
    reason: str = ""


@dataclass
class ApprovalRequest:
    run_id: str
    call_id: str
    tool: str
    arguments: dict[str, Any]
    reason: str = ""  # why this call waits for a human: shown to them


class Approver(Protocol):
    def request(self, request: ApprovalRequest) -> Decision: ...


class AutoApprover:
    """Approves (or denies) everything: for `--yes`, evaluations and tests."""

    def __init__(self, approve: bool = True) -> None:
        self.approve = approve

    def request(self, request: ApprovalRequest) -> Decision:
        return Decision(self.approve, "auto-approved" if self.approve else "auto-denied")


class ConsoleApprover:
    """Asks on the terminal; with no terminal to ask, denies."""

    def __init__(self, ask: Callable[[str], str] = input, interactive: bool = True) -> None:
        self.ask, self.interactive = ask, interactive

    def request(self, request: ApprovalRequest) -> Decision:
        if not self.interactive:
            return Decision(False, "no terminal to ask for approval (use --yes to approve)")
        why = f"\nWhy you are asked: {request.reason}" if request.reason else ""
        prompt = (
            f"\nThe agent wants to call {request.tool} with\n"
            f"{json.dumps(request.arguments, indent=2)}{why}\nApprove? [y/N] "
        )
        try:
            answer = self.ask(prompt).strip().lower()
        except EOFError:
            answer = ""
        return Decision(
            answer in ("y", "yes"),
            "approved at the terminal" if answer in ("y", "yes") else "denied at the terminal",
        )


class PendingApprovals:
    """Approvals that wait for someone else (the API): `request` blocks until `resolve`."""

    def __init__(
        self, timeout_s: float = 300.0, on_pending: Callable[[ApprovalRequest], None] | None = None
    ) -> None:
        self.timeout_s = timeout_s
        self.on_pending = on_pending
        self._lock = threading.Lock()
        self._waiting: dict[str, tuple[ApprovalRequest, threading.Event, list[Decision]]] = {}

    def request(self, request: ApprovalRequest) -> Decision:
        event, box = threading.Event(), list[Decision]()
        with self._lock:
            self._waiting[request.call_id] = (request, event, box)
        if self.on_pending:
            self.on_pending(request)
        try:
            if not event.wait(self.timeout_s):
                return Decision(False, f"no decision within {self.timeout_s:g}s")
            return box[0]
        finally:
            with self._lock:
                self._waiting.pop(request.call_id, None)

    def pending(self) -> list[ApprovalRequest]:
        with self._lock:
            return [request for request, _, _ in self._waiting.values()]

    def resolve(self, call_id: str, decision: Decision) -> bool:
        """Deliver a decision; False when no call with that id is waiting."""
        with self._lock:
            entry = self._waiting.get(call_id)
            if entry is None or entry[1].is_set():
                return False
            entry[2].append(decision)
            entry[1].set()
            return True
