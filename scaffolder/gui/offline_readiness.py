"""The dashboard's offline readiness checks, run in a child Python process.

The readiness engine (with the Markdown parser under it) is a quarter of a second to import and
about 12 MB that the app would keep for as long as it runs; in a child, both are gone when the
check is. The child (`python -m scaffolder.gui.offline_readiness`) reads one JSON request on
stdin, checks, and writes the PortfolioReport, pickled, on a private copy of its stdout.

A check function cannot cross a process (it would import its checklist module, and so the
engine, on this side), so each automatic check comes back with `evaluated_in_child` in its
place: the results are for showing; evaluating again is the engine's job (the project page).
Only the readiness vocabulary is unpickled here: anything else in the stream is refused.

The child leads its own process group, which is killed when the check is cancelled or takes
longer than CHECK_TIMEOUT_S; it also stops by itself when its stdin closes, which is what
happens when the app is killed outright. This module imports no Qt: the child never loads it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scaffolder.core.errors import Cancelled, StoreError, UserError
from scaffolder.core.paths import BUNDLED_KINDS

if TYPE_CHECKING:
    from scaffolder.core.readiness.model import Facts, Finding, PortfolioReport
    from scaffolder.core.store import Project, Store

CHILD_MODULE = "scaffolder.gui.offline_readiness"  # this module, also when it runs as __main__
CHECK_TIMEOUT_S = 120.0  # a hundred projects take about a second
_POLL_S = 0.05
_STDERR_TAIL = 2000
_USER_ERROR = 3  # the child's exit code when it stopped with a sentence for the user
_USER_ERROR_MARK = "scaffolder-user-error: "  # the line of stderr that carries it, as JSON
# What a report is made of: the readiness vocabulary, the store's records, paths and times.
_UNPICKLABLE_MODULES = frozenset(
    {"scaffolder.core.readiness.model", "scaffolder.core.store", "pathlib", "datetime", CHILD_MODULE}
)


def evaluated_in_child(facts: Facts) -> Finding:
    """Stands in for an automatic check's function in a report from the child."""
    raise RuntimeError("This check was evaluated in the offline check process; check the project again here.")


def check_offline(store: Store, projects: Sequence[Project]) -> PortfolioReport:
    """Readiness from files and git only: probing URLs is the project page's job."""
    from scaffolder.core.readiness.engine import check_projects
    from scaffolder.core.readiness.model import PortfolioReport, Surface

    return PortfolioReport(tuple(check_projects(store, projects, offline=True, surface=Surface.APP)), BUNDLED_KINDS)


# --- the app's side -----------------------------------------------------------------------------


class _ReportUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module not in _UNPICKLABLE_MODULES:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a readiness report")
        return super().find_class(module, name)


def _read_all(stream: IO[bytes] | None, into: list[bytes]) -> None:
    if stream is not None:
        into.append(stream.read())


def _stop(child: subprocess.Popen[bytes]) -> None:
    from scaffolder.core.hook_runner import kill_group

    kill_group(child.pid)  # the child leads its own group: the git processes it started go too
    child.wait()


def check_in_child(
    store: Store,
    projects: Sequence[Project],
    cancel: threading.Event | None = None,
    timeout_s: float = CHECK_TIMEOUT_S,
) -> PortfolioReport:
    """`check_offline(store, projects)`, computed by a child process. Cancelled (the child and
    its group stopped) when `cancel` is set; a UserError if it fails or runs past `timeout_s`."""
    if not projects:  # nothing to read: no process to start (an empty portfolio's first start)
        from scaffolder.core.readiness.model import PortfolioReport

        return PortfolioReport((), BUNDLED_KINDS)
    from scaffolder.core.surface import current_surface

    request = {
        "store": str(store.path),
        "timeout": store.timeout,  # the child waits on a busy portfolio no longer than the app would
        "surface": current_surface().value,  # and words its sentences for where they are read
        "projects": [p.id for p in projects],
    }
    child = subprocess.Popen(
        [sys.executable, "-m", CHILD_MODULE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=os.name == "posix",
        creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
    )
    output: list[bytes] = []
    errors: list[bytes] = []
    readers = [
        threading.Thread(target=_read_all, args=(child.stdout, output), daemon=True),
        threading.Thread(target=_read_all, args=(child.stderr, errors), daemon=True),
    ]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + timeout_s
    try:
        assert child.stdin is not None
        child.stdin.write(json.dumps(request).encode("utf-8") + b"\n")  # stdin stays open: its end stops the child
        child.stdin.flush()
        while child.poll() is None:
            if cancel is not None and cancel.is_set():
                raise Cancelled("The readiness check was cancelled.")
            if time.monotonic() > deadline:
                raise UserError(
                    f"The readiness check took longer than {timeout_s:.0f} s and was stopped.",
                    "Press Refresh to check again.",
                )
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=_POLL_S)
    finally:
        if child.poll() is None:
            _stop(child)
        with contextlib.suppress(OSError):
            child.stdin.close()  # type: ignore[union-attr]
        for reader in readers:
            reader.join(timeout=1)
    said = b"".join(errors).decode("utf-8", errors="replace").strip()
    if child.returncode == _USER_ERROR:
        raise _user_error_from(said)
    said = said[-_STDERR_TAIL:]
    if child.returncode != 0 or not output or not output[0]:
        raise UserError(
            f"The readiness check stopped unexpectedly (exit code {child.returncode}).",
            said or "It printed nothing.",
        )
    report: PortfolioReport = _ReportUnpickler(io.BytesIO(output[0])).load()
    return report


def _user_error_from(stderr: str) -> UserError:
    """The child's UserError again, with its sentence (a locked portfolio stays a StoreError)."""
    for line in reversed(stderr.splitlines()):
        if line.startswith(_USER_ERROR_MARK):
            said = json.loads(line[len(_USER_ERROR_MARK) :])
            if said.get("store"):
                return StoreError(str(said["message"]), str(said["hint"]), reason=said.get("reason", "other"))
            return UserError(str(said["message"]), str(said["hint"]))
    return UserError("The readiness check stopped with an error it did not say.", stderr[-_STDERR_TAIL:])


# --- the child's side ---------------------------------------------------------------------------


class _ReportPickler(pickle.Pickler):
    """Pickles a report with `evaluated_in_child` in place of each automatic check's function."""

    def reducer_override(self, obj: Any) -> Any:
        from scaffolder.core.readiness.model import Check  # imported by then: this is the child
        from scaffolder.gui.offline_readiness import evaluated_in_child as stand_in_function  # not __main__'s

        if isinstance(obj, Check) and obj.evaluate is not None:
            stand_in = dataclasses.replace(obj, evaluate=stand_in_function)
            return Check, tuple(getattr(stand_in, f.name) for f in dataclasses.fields(Check))
        return NotImplemented


def _child_main() -> int:
    result = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must not corrupt the report
    request = json.loads(sys.stdin.readline())

    def stop_when_the_parent_is_gone() -> None:
        sys.stdin.read()  # returns at end of file: the parent closed it, or died
        os._exit(1)

    threading.Thread(target=stop_when_the_parent_is_gone, daemon=True).start()
    from scaffolder.core.store import Store
    from scaffolder.core.surface import Surface, speak_on

    speak_on(Surface(request.get("surface", Surface.CLI.value)))
    try:
        # The app has opened the portfolio: it is whole, and its backups are the app's to make.
        store = Store(Path(request["store"]), timeout=float(request.get("timeout", 10.0)), auto_backup=False)
        wanted = set(request["projects"])
        projects = [p for p in store.projects() if p.id in wanted]
        report = check_offline(store, projects)
    except UserError as err:  # a sentence for the user (a locked portfolio): the parent says it
        said = {"message": err.message, "hint": err.hint, "store": isinstance(err, StoreError)}
        if isinstance(err, StoreError):
            said["reason"] = err.reason
        sys.stderr.write(_USER_ERROR_MARK + json.dumps(said) + "\n")
        sys.stderr.flush()
        return _USER_ERROR
    _ReportPickler(result, protocol=pickle.HIGHEST_PROTOCOL).dump(report)
    result.close()
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
