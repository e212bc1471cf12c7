"""Running a template's hook scripts: in their own process group, with a time limit, output kept.

cookiecutter starts a hook with `subprocess.Popen(...).wait()`: no time limit, and the hook and
whatever it starts share the app's process group, so a hung hook outlives a cancelled generation.
`HookRunner.installed()` replaces cookiecutter's `run_script` and `run_script_with_context` for
one render: each hook runs as the leader of a new process group, which is killed as a whole on
cancel, Ctrl-C, timeout, or when the hook ends (nothing it started is left running). What the
hook printed is kept, so that a failing hook's own words are what the user reads first.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from scaffolder.core.errors import Cancelled, TemplateError, UserError

TIMEOUT_ENV = "SCAFFOLDER_HOOK_TIMEOUT"
DEFAULT_TIMEOUT = 600.0
OUTPUT_LINES = 40
log = logging.getLogger(__name__)


def hook_timeout() -> float:
    """Seconds a hook may run: `$SCAFFOLDER_HOOK_TIMEOUT`, else 10 minutes."""
    text = os.environ.get(TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise UserError(
            f"{TIMEOUT_ENV}={text!r} is not a number of seconds.",
            f"Set it to a positive number (for example {TIMEOUT_ENV}=600), or unset it for 10 minutes.",
        )
    return value


@contextlib.contextmanager
def cookiecutter_log_to_file() -> Iterator[None]:
    """cookiecutter logs a traceback when a render fails; that goes to the app's log file, never
    in front of the user (whose message is the hook's own output, or the file and line)."""
    from scaffolder.core.paths import log_dir

    logger = logging.getLogger("cookiecutter")
    handler: logging.Handler
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(folder / "scaffolder.log", encoding="utf-8", delay=True)
    except OSError:
        handler = logging.NullHandler()
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved
        handler.close()


def kill_group(pid: int) -> None:
    """Kill the process group led by `pid` (the hook and everything it started)."""
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    else:  # pragma: no cover - Windows: the tree, by taskkill
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True, check=False)


class HookRunner:
    """Runs the hooks of one render. `on_group(pid)` is told each hook's process group as it
    starts and `None` when it is gone (the render child passes it to its parent, which kills the
    group if it cancels)."""

    def __init__(
        self,
        cancel: threading.Event | None = None,
        timeout: float | None = None,
        on_group: Callable[[int | None], None] = lambda _pid: None,
        echo: IO[str] | None = None,
    ) -> None:
        self.cancel = cancel
        self.timeout = hook_timeout() if timeout is None else timeout
        self.on_group = on_group
        self.echo = echo
        self.current_hook = ""

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        import cookiecutter.hooks as cc_hooks

        original = (cc_hooks.run_script, cc_hooks.run_script_with_context)
        cc_hooks.run_script = self.run_script
        cc_hooks.run_script_with_context = self.run_script_with_context
        try:
            yield
        finally:
            cc_hooks.run_script, cc_hooks.run_script_with_context = original

    def run_script_with_context(self, script_path: Path | str, cwd: Path | str, context: dict[str, Any]) -> None:
        """cookiecutter's: render the hook with Jinja, run the result; a syntax error names the hook."""
        from cookiecutter.utils import create_env_with_context
        from jinja2 import TemplateError as JinjaError
        from jinja2 import TemplateSyntaxError

        script = Path(script_path)
        self.current_hook = f"hooks/{script.name}"
        try:
            source = script.read_text(encoding="utf-8")
            rendered = create_env_with_context(context).from_string(source).render(**context)
        except TemplateSyntaxError as err:
            raise TemplateError(
                f"The template's {self.current_hook} has a Jinja syntax error on line {err.lineno}: {err.message}.",
                "Fix that line of the hook.",
            ) from err
        except JinjaError as err:
            raise TemplateError(
                f"The template's {self.current_hook} cannot be rendered: {err}.",
                "The hook uses a value the template does not define: fix the hook or cookiecutter.json.",
            ) from err
        with tempfile.TemporaryDirectory(prefix="scaffolder-hook-") as folder:
            rendered_script = Path(folder, script.name)
            rendered_script.write_text(rendered, encoding="utf-8")
            rendered_script.chmod(0o700)
            self.run_script(str(rendered_script), cwd)

    def run_script(self, script_path: str, cwd: Path | str = ".") -> None:
        name = self.current_hook or f"hooks/{Path(script_path).name}"
        self.current_hook = ""
        command = [sys.executable, script_path] if script_path.endswith(".py") else [script_path]
        if not script_path.endswith(".py"):
            os.chmod(script_path, os.stat(script_path).st_mode | 0o100)
        try:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=os.name == "posix",
                creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
            )
        except OSError as err:
            raise TemplateError(
                f"The template's {name} could not start: {err.strerror or err}.",
                "A hook must be a Python file or an executable script with a shebang line.",
            ) from err
        self.on_group(process.pid)
        output: collections.deque[str] = collections.deque(maxlen=OUTPUT_LINES)
        reader = threading.Thread(target=self._read, args=(process.stdout, output), daemon=True)
        reader.start()
        try:
            code = self._wait(process, name)
        finally:
            kill_group(process.pid)  # whatever the hook left running
            process.wait()
            reader.join(timeout=2)
            self.on_group(None)
        said = "\n".join(line.rstrip() for line in output if line.strip())
        if code != 0:
            log.info("%s exited with %s; it printed:\n%s", name, code, said)
            raise TemplateError(
                said or f"The template's {name} failed (exit code {code}) and printed nothing.",
                f"(That is what the template's {name} printed before it stopped with exit code {code};"
                " nothing was kept.)",
            )
        if said:
            print(said, file=self.echo or sys.stdout, flush=True)

    def _wait(self, process: subprocess.Popen[bytes], name: str) -> int:
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                return process.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                pass
            if self.cancel is not None and self.cancel.is_set():
                raise Cancelled.generation()
            if time.monotonic() > deadline:
                raise TemplateError(
                    f"The template's {name} was still running after {self.timeout:g} seconds and was stopped.",
                    f"Nothing was kept. If it needs longer, set {TIMEOUT_ENV} to more seconds and try again.",
                )

    @staticmethod
    def _read(stream: IO[bytes] | None, output: collections.deque[str]) -> None:
        if stream is None:
            return
        for raw in stream:
            output.append(raw.decode("utf-8", errors="replace"))
