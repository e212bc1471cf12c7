"""Rendering in a child Python process, for callers that must stay responsive (the GUI).

The child (`python -m scaffolder.core.render_process`) reads a JSON job on stdin and writes JSON
lines on a private copy of its stdout: `{"progress": [done, total]}`, then `{"done": path}` or
`{"error": {...}}`, and `{"hook_group": pid}` / `{"hook_group": null}` as a hook's process group
starts and ends. A failing hook's own output comes back in its error (see `hook_runner`); the
rest of what the child prints is kept for when it dies without a word.

Cancelling kills the hook's process group and the child's (the child leads its own); the child
also dies, hook and all, when its stdin closes, which is what happens when the parent is killed
outright. The caller removes the staging folder as for any failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scaffolder.core.errors import Cancelled, OutsideProjectFolder, TemplateError, UserError
from scaffolder.core.hook_runner import kill_group

if TYPE_CHECKING:
    from scaffolder.core.generate import GenerationPlan, ProgressCallback

HOOK_OUTPUT_LINES = 12
_ERRORS: dict[str, type[UserError]] = {
    "TemplateError": TemplateError,
    "Cancelled": Cancelled,
    "OutsideProjectFolder": OutsideProjectFolder,
}


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
        start_new_session=os.name == "posix",
    )
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_pump, args=(child.stdout, lines), daemon=True)
    reader.start()
    hook_output: list[str] = []
    outcome: dict[str, Any] | None = None
    hook_group: int | None = None
    try:
        assert child.stdin is not None
        child.stdin.write(json.dumps(job) + "\n")  # stdin stays open: its end tells the child to stop
        child.stdin.flush()
        while True:
            if cancel is not None and cancel.is_set():
                raise Cancelled.generation()
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
            elif "hook_group" in message:
                hook_group = message["hook_group"]
            else:
                outcome = message
    finally:
        if hook_group is not None:
            kill_group(int(hook_group))
        if child.poll() is None and os.name == "posix":
            kill_group(child.pid)  # the child leads its own group
        elif child.poll() is None:
            child.kill()
        child.wait()
        with contextlib.suppress(OSError):
            child.stdin.close()  # type: ignore[union-attr]
        reader.join(timeout=1)
        _kill_late_hook_groups(lines, hook_group)
    if outcome is not None and "done" in outcome:
        report(Progress("render", plan.total_files, plan.total_files, "Rendered all files"))
        return Path(outcome["done"])
    raise _error_from(outcome, hook_output, child.returncode)


def _kill_late_hook_groups(lines: queue.Queue[str | None], known: int | None) -> None:
    """A hook that started just before the child was killed: its group, from the unread lines."""
    while True:
        try:
            line = lines.get_nowait()
        except queue.Empty:
            return
        message = _split_line(line)[1] if line is not None else None
        group = message.get("hook_group") if message else None
        if isinstance(group, int) and group != known:
            kill_group(group)


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
    return kind(error.get("message", "Rendering failed."), error.get("hint", ""), name=error.get("name", ""))


def _child_main() -> int:
    """Run one render job from stdin; protocol lines go to a private copy of stdout."""
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # hooks' prints must not mix with the protocol

    def say(message: dict[str, Any]) -> None:
        protocol.write(_MARK + json.dumps(message) + "\n")
        protocol.flush()

    job = json.loads(sys.stdin.readline())
    from scaffolder.core.catalogue import load_template
    from scaffolder.core.generate import Progress, render_template

    hook_group: list[int] = []

    def on_hook_group(pid: int | None) -> None:
        hook_group[:] = [] if pid is None else [pid]
        say({"hook_group": pid})

    def stop_when_the_parent_is_gone() -> None:
        sys.stdin.read()  # returns at end of file: the parent closed it, or died
        for pid in hook_group:
            kill_group(pid)
        os._exit(1)

    threading.Thread(target=stop_when_the_parent_is_gone, daemon=True).start()

    def report(progress: Progress) -> None:
        say({"progress": [progress.done, progress.total]})

    try:
        template = load_template(Path(job["template"]), kind=job["kind"], bundled=job["kind"] is not None)
        project = render_template(
            template,
            job["overrides"],
            Path(job["staging"]),
            job["run_hooks"],
            job["total_files"],
            report,
            on_hook_group=on_hook_group,
        )
    except UserError as err:
        message, hint = err.unworded  # worded by the parent, for its surface
        say({"error": {"type": type(err).__name__, "message": message, "hint": hint, "name": err.subject}})
        return 1
    except Exception as err:  # a bug or an OS error: the parent reports it as a failed render
        say({"error": {"type": "TemplateError", "message": f"Rendering failed: {type(err).__name__}: {err}"}})
        return 1
    say({"done": str(project)})
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
