"""Running a program whose output is streamed line by line and which can be cancelled.

The child gets a process group of its own (a new session on POSIX, a new process group on
Windows), so cancelling stops it *and* whatever it started (a CLI's build helper, git's
remote-https), not just the direct child. Arguments are a list, never a shell string.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from scaffolder.core.errors import Cancelled

GRACE_S = 3.0
_POLL_S = 0.05


@dataclass(frozen=True)
class Finished:
    returncode: int
    lines: tuple[str, ...]


def _group_options() -> dict[str, object]:
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def stop_group(child: subprocess.Popen[bytes]) -> None:
    """Ask the child's group to stop, then kill it if it has not after GRACE_S."""
    if sys.platform == "win32":
        with contextlib.suppress(OSError):
            child.send_signal(signal.CTRL_BREAK_EVENT)
    else:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.wait(timeout=GRACE_S)
    if sys.platform == "win32":
        with contextlib.suppress(OSError):
            child.kill()
    else:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)  # the group: children that ignored SIGTERM too
    child.wait()


def _split_lines(stream: object, on_line: Callable[[str], None], lines: list[str]) -> None:
    """Lines end at \\n or \\r (progress bars redraw with \\r); each is decoded as UTF-8."""
    buffer = b""
    read = stream.read1 if hasattr(stream, "read1") else stream.read  # type: ignore[attr-defined]
    while True:
        chunk: bytes = read(4096)
        if not chunk:
            break
        buffer += chunk.replace(b"\r\n", b"\n")
        *complete, buffer = buffer.replace(b"\r", b"\n").split(b"\n")
        for raw in complete:
            line = raw.decode("utf-8", errors="replace")
            if line.strip():
                lines.append(line)
                on_line(line)
    if buffer.strip():
        line = buffer.decode("utf-8", errors="replace")
        lines.append(line)
        on_line(line)


def run_streaming(
    argv: Sequence[str],
    cwd: Path,
    *,
    env: Mapping[str, str] | None = None,
    on_line: Callable[[str], None] = lambda _line: None,
    cancel: threading.Event | None = None,
    what: str = "The command",
) -> Finished:
    """Run `argv` in `cwd` with stdout and stderr merged, calling `on_line` for each line as it
    comes. Cancelled (after stopping the whole process group) when `cancel` is set."""
    child = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env) if env is not None else None,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        **_group_options(),  # type: ignore[call-overload]
    )
    lines: list[str] = []
    reader = threading.Thread(target=_split_lines, args=(child.stdout, on_line, lines), daemon=True)
    reader.start()
    try:
        while reader.is_alive():
            if cancel is not None and cancel.is_set():
                stop_group(child)
                reader.join(timeout=GRACE_S)
                raise Cancelled(f"{what} was cancelled and stopped.")
            if child.poll() is not None:
                # The program is done. A helper it left running (flyctl's background agent) may
                # still hold the output pipe: read what is there, but do not wait for the helper.
                reader.join(timeout=GRACE_S)
                break
            reader.join(timeout=_POLL_S)
        returncode = child.wait()
    finally:
        if child.poll() is None:
            stop_group(child)
        if child.stdout is not None and not reader.is_alive():  # closing under a blocked read would wait for it
            child.stdout.close()
    return Finished(returncode, tuple(lines))
