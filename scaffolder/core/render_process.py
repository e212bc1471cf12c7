"""Rendering in a child Python process, for callers that must stay responsive (the GUI).

The child (`python -m scaffolder.core.render_process`) reads a JSON job on stdin and writes JSON
lines on a private copy of its stdout: `{"progress": [done, total]}`, then `{"done": path}` or
`{"error": {...}}`. The template's hooks write to the child's real stdout and stderr, which the
parent collects, so a failing hook's own message can be shown to the user. Cancelling kills the
child; the caller removes the staging folder as for any failure.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scaffolder.core.errors import Cancelled, TemplateError, UserError

if TYPE_CHECKING:
    from scaffolder.core.generate import GenerationPlan, ProgressCallback

HOOK_OUTPUT_LINES = 12
_ERRORS: dict[str, type[UserError]] = {"TemplateError": TemplateError, "Cancelled": Cancelled}


def render_in_child(
    plan: GenerationPlan, staging: Path, report: ProgressCallback, cancel: threading.Event | None
) -> Path:
    from scaffolder.core.generate import Progress

    job = {
        "template": str(plan.template.path),
        "kind": plan.template.kind if plan.template.bundled else None,
        "overrides": plan.overrides,
        "staging": str(staging),
        "run_hooks": plan.run_hooks,
        "total_files": plan.total_files,
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "scaffolder.core.render_process"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_pump, args=(child.stdout, lines), daemon=True)
    reader.start()
    hook_output: list[str] = []
    outcome: dict[str, Any] | None = None
    try:
        assert child.stdin is not None
        child.stdin.write(json.dumps(job))
        child.stdin.close()
        while True:
            if cancel is not None and cancel.is_set():
                raise Cancelled("Generation was cancelled; nothing was written.")
            try:
                line = lines.get(timeout=0.05)
            except queue.Empty:
                continue
            if line is None:
                break
            said, message = _split_line(line)
            if said.strip():
                hook_output.append(said.rstrip("\n"))
            if message is None:
                continue
            elif "progress" in message:
                done, total = message["progress"]
                report(Progress("render", done, total, f"Rendered {done} files"))
            else:
                outcome = message
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        reader.join(timeout=5)
    if outcome is not None and "done" in outcome:
        report(Progress("render", plan.total_files, plan.total_files, "Rendered all files"))
        return Path(outcome["done"])
    raise _error_from(outcome, hook_output, child.returncode)


_MARK = "\x1escaffolder-render:"


def _split_line(line: str) -> tuple[str, dict[str, Any] | None]:
    """(hook output, protocol message): a hook's last print may lack a newline and share the line."""
    at = line.find(_MARK)
    if at < 0:
        return line, None
    try:
        value = json.loads(line[at + len(_MARK) :])
    except ValueError:
        return line, None
    return line[:at], value if isinstance(value, dict) else None


def _pump(stream: IO[str] | None, lines: queue.Queue[str | None]) -> None:
    if stream is not None:
        for line in stream:
            lines.put(line)
    lines.put(None)


def _error_from(outcome: dict[str, Any] | None, hook_output: list[str], returncode: int) -> UserError:
    said = "\n".join(line for line in hook_output if line.strip())[-4000:]
    tail = "\n".join(said.splitlines()[-HOOK_OUTPUT_LINES:])
    if outcome is None or "error" not in outcome:
        return TemplateError(
            f"Rendering stopped unexpectedly (exit code {returncode}).",
            f"The template's output was:\n{tail}" if tail else "The template printed nothing.",
        )
    error = outcome["error"]
    kind = _ERRORS.get(error.get("type", ""), UserError)
    hint = error.get("hint", "")
    if tail and kind is TemplateError:
        hint = f"{hint}\nThe template's hooks said:\n{tail}".strip()
    return kind(error.get("message", "Rendering failed."), hint)


def _child_main() -> int:
    """Run one render job from stdin; protocol lines go to a private copy of stdout."""
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # hooks' prints must not mix with the protocol

    def say(message: dict[str, Any]) -> None:
        protocol.write(_MARK + json.dumps(message) + "\n")
        protocol.flush()

    job = json.load(sys.stdin)
    from scaffolder.core.catalogue import load_template
    from scaffolder.core.generate import Progress, render_template

    def report(progress: Progress) -> None:
        say({"progress": [progress.done, progress.total]})

    try:
        template = load_template(Path(job["template"]), kind=job["kind"], bundled=job["kind"] is not None)
        project = render_template(
            template, job["overrides"], Path(job["staging"]), job["run_hooks"], job["total_files"], report
        )
    except UserError as err:
        say({"error": {"type": type(err).__name__, "message": err.message, "hint": err.hint}})
        return 1
    except Exception as err:  # a bug or an OS error: the parent reports it as a failed render
        say({"error": {"type": "TemplateError", "message": f"Rendering failed: {type(err).__name__}: {err}"}})
        return 1
    say({"done": str(project)})
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
