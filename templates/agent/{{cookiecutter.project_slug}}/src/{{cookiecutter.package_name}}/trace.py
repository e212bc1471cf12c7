"""Run traces: one JSONL file per run, one event per line, written as the run goes."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Any, TextIO

_RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


class TraceWriter:
    def __init__(self, directory: Path, run_id: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = trace_path(directory, run_id)
        self._file: TextIO | None = self.path.open("a", encoding="utf-8")
        self._lock = threading.Lock()

    def write(self, event: dict[str, Any]) -> None:
        with self._lock:
            if self._file is None:
                return
            self._file.write(json.dumps(event, default=str, ensure_ascii=False) + "\n")
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def trace_path(directory: Path, run_id: str) -> Path:
    if not _RUN_ID.match(run_id):
        raise ValueError(f"not a run id: {run_id!r}")
    return directory / f"{run_id}.jsonl"


def read_trace(directory: Path, run_id: str) -> list[dict[str, Any]]:
    path = trace_path(directory, run_id)
    if not path.exists():
        raise FileNotFoundError(f"no trace for run {run_id} in {directory}")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def latest_run_id(directory: Path) -> str | None:
    files = sorted(directory.glob("*.jsonl"), key=lambda p: p.stat().st_mtime)
    return files[-1].stem if files else None


def _short(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "..."


def format_trace(events: list[dict[str, Any]], width: int = 300) -> str:
    """A readable account of a run: one block per step, tool calls indented under it."""
    lines: list[str] = []
    for event in events:
        kind = event.get("type")
        if kind == "run_started":
            lines.append(
                f"run {event['run_id']}  {event.get('provider')}/{event.get('model')}"
                f"  started {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(event['ts']))}"
            )
            lines.append(f"question: {event.get('question')}")
        elif kind == "model_call":
            usage = event.get("usage", {})
            lines.append(
                f"\nstep {event['step']}  ({event.get('duration_ms', 0):.0f} ms, "
                f"{usage.get('input_tokens', 0)} in / {usage.get('output_tokens', 0)} out "
                f"tokens, ${event.get('cost_usd', 0):.5f})"
            )
            if event.get("thought"):
                lines.append(f"  thought: {_short(event['thought'], width)}")
            for call in event.get("tool_calls", []):
                lines.append(f"  -> {call['name']}({_short(call.get('arguments'), width)})")
            if not event.get("tool_calls"):
                lines.append("  = answer (no tool calls)")
        elif kind == "approval_required":
            why = f": {event['reason']}" if event.get("reason") else ""
            lines.append(f"  ? approval asked for {event['tool']} [{event['call_id']}]{why}")
        elif kind == "approval_resolved":
            verdict = "approved" if event.get("approved") else "denied"
            lines.append(f"  ? {verdict}: {event.get('reason', '')}")
        elif kind == "tool_result":
            mark = "x" if event.get("is_error") else "<-"
            lines.append(
                f"  {mark} {event['name']} ({event.get('duration_ms', 0):.0f} ms): "
                f"{_short(event.get('result'), width)}"
            )
        elif kind == "final":
            lines.append(
                f"\nstopped: {event.get('stop_reason')} after {event.get('steps')} steps, "
                f"{event.get('total_tokens')} tokens, ${event.get('cost_usd', 0):.5f}, "
                f"{event.get('duration_ms', 0):.0f} ms"
            )
            lines.append(f"answer:\n{event.get('answer')}")
    return "\n".join(lines)
