"""Record a project's demo GIF: start its server offline, drive its web UI in headless Chromium,
capture frames, stop the server, and encode an optimised GIF into docs/demo.gif.

What to show is the project's own data file, `docs/demo.toml` (the bundled templates ship one;
the user may edit its steps): the command that starts the app, the page to open, and the steps
(fill a field, click a button, wait for the answer). The server runs from the project's own
virtual environment (created on first use), in its own process group, and never outlives the
recording: it is killed on success, on a failed step, on cancel and on any error.

Playwright and Pillow are the `demo` extra: `pip install 'ai-portfolio-scaffolder[demo]'`. The
browser is an installed Chromium or Chrome (Playwright's own download is not needed).
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.core.errors import Cancelled, UserError

SPEC_FILE = "docs/demo.toml"
GIF_FILE = "docs/demo.gif"
MAX_SECONDS = 15.0
MAX_WIDTH = 900
MAX_BYTES = 3_000_000
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_POINTER_JS = """([x, y]) => {
  let d = document.getElementById('__scaffolder_pointer');
  if (!d) {
    d = document.createElement('div');
    d.id = '__scaffolder_pointer';
    Object.assign(d.style, {position: 'fixed', zIndex: '2147483647', width: '26px', height: '26px',
      margin: '-13px 0 0 -13px', border: '3px solid #e5484d', borderRadius: '50%',
      background: 'rgba(229, 72, 77, 0.25)', pointerEvents: 'none', transition: 'left .25s, top .25s'});
    document.documentElement.appendChild(d);
  }
  d.style.left = x + 'px'; d.style.top = y + 'px';
}"""

Progress = Callable[[str], None]


class DemoError(UserError):
    """The demo could not be recorded; the sentence says which step and what to do."""


@dataclass(frozen=True)
class DemoStep:
    action: str  # goto, fill, click, press, wait_for, wait
    selector: str = ""
    text: str = ""
    path: str = "/"
    key: str = "Enter"
    timeout_ms: int = 15_000
    hold_ms: int = 600
    label: str = ""

    @property
    def title(self) -> str:
        return self.label or " ".join(part for part in (self.action, self.selector or self.path, self.text) if part)


@dataclass(frozen=True)
class DemoSpec:
    command: tuple[str, ...]
    health_path: str
    steps: tuple[DemoStep, ...]
    env: dict[str, str] = field(default_factory=dict)
    width: int = 900
    height: int = 600
    ready_timeout_s: float = 60.0


@dataclass(frozen=True)
class DemoResult:
    gif: Path
    frames: int
    seconds: float
    width: int
    height: int
    bytes: int
    readme_updated: bool


_ACTIONS = {"goto", "fill", "click", "press", "wait_for", "wait"}


def load_demo_spec(project: Path) -> DemoSpec:
    path = Path(project) / SPEC_FILE
    if not path.is_file():
        raise DemoError(
            f"{path} does not exist: the app does not know how to start this project or what to show.",
            "Add a docs/demo.toml with [server] command and [[steps]] (the bundled templates ship one to copy).",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        server = data["server"]
        command = tuple(str(part) for part in server["command"])
        steps = tuple(DemoStep(**{k: v for k, v in step.items()}) for step in data.get("steps", []))
    except (tomllib.TOMLDecodeError, KeyError, TypeError, OSError, UnicodeDecodeError) as err:
        raise DemoError(f"{path} cannot be read: {err}.", "Fix it; see the bundled templates' docs/demo.toml.") from err
    unknown = [s.action for s in steps if s.action not in _ACTIONS]
    if unknown or not steps or not command:
        raise DemoError(
            f"{path}: {'unknown action ' + repr(unknown[0]) if unknown else 'no command or no steps'}.",
            f"Steps take one of: {', '.join(sorted(_ACTIONS))}.",
        )
    viewport = data.get("viewport", {})
    return DemoSpec(
        command=command,
        health_path=str(server.get("health", "/health")),
        steps=steps,
        env={str(k): str(v) for k, v in server.get("env", {}).items()},
        width=min(int(viewport.get("width", 900)), MAX_WIDTH),
        height=int(viewport.get("height", 600)),
        ready_timeout_s=float(server.get("ready_timeout_s", 60)),
    )


# --- the browser and the project's interpreter -----------------------------------------------------


def find_browser() -> str | None:
    """An installed Chromium or Chrome: $SCAFFOLDER_CHROMIUM, then the usual names on PATH."""
    configured = os.environ.get("SCAFFOLDER_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def _require_playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise DemoError(
            "Recording a demo needs Playwright and Pillow, which are not installed.",
            "Install them: pip install 'ai-portfolio-scaffolder[demo]'",
        ) from err
    return sync_playwright


def _venv_python(project: Path) -> Path:
    return project / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _run_streamed(argv: list[str], cwd: Path, progress: Progress, cancel: threading.Event, what: str) -> None:
    """Run argv in its own process group, lines to `progress`; killed with its children on cancel."""
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    tail: list[str] = []
    watcher = threading.Thread(target=_kill_on_cancel, args=(process, cancel), daemon=True)
    watcher.start()
    assert process.stdout is not None
    for line in process.stdout:
        tail = [*tail[-9:], line.rstrip()]
        progress(line.rstrip())
    process.wait()
    if cancel.is_set():
        raise Cancelled.recording()
    if process.returncode != 0:
        raise DemoError(f"{what} failed (exit {process.returncode}):\n" + "\n".join(tail), "Fix the error above.")


def _kill_on_cancel(process: subprocess.Popen[str], cancel: threading.Event) -> None:
    while process.poll() is None:
        if cancel.wait(0.1):
            _kill_group(process)
            return


def _kill_group(process: subprocess.Popen[Any]) -> None:
    if process.poll() is not None:
        return
    try:
        if os.name == "nt":
            process.kill()
        else:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except (ProcessLookupError, PermissionError, subprocess.TimeoutExpired):
        pass


def ensure_project_python(project: Path, progress: Progress, cancel: threading.Event) -> Path:
    """The project's own interpreter, creating `.venv` and installing the project into it if missing."""
    python = _venv_python(project)
    if python.is_file():
        return python
    progress("Creating the project's virtual environment (.venv) …")
    _run_streamed([sys.executable, "-m", "venv", str(project / ".venv")], project, progress, cancel, "Creating .venv")
    progress("Installing the project into .venv (pip install -e .) …")
    argv = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-e", "."]
    _run_streamed(argv, project, progress, cancel, "pip install -e .")
    return python


# --- the server -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(
    spec: DemoSpec, project: Path, python: Path, cancel: threading.Event, log: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The project's server on a free port of 127.0.0.1, healthy; its whole process group is killed after.

    In the command and the environment, {python} is the project's interpreter, {port} the port and
    {scratch} a folder that lives as long as the recording (a demo database goes there, never into
    the project)."""
    port = _free_port()
    scratch = log.parent.as_posix()

    def fill(text: str) -> str:
        return text.replace("{python}", str(python)).replace("{port}", str(port)).replace("{scratch}", scratch)

    argv = [fill(part) for part in spec.command]
    given = {key: fill(value) for key, value in spec.env.items()}
    env = {**os.environ, "LLM_PROVIDER": "offline", **given, "PORT": str(port), "HOST": "127.0.0.1"}
    with open(log, "wb") as output:
        process = subprocess.Popen(
            argv,
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base + spec.health_path, process, spec.ready_timeout_s, cancel, log)
        yield base, process
    finally:
        _kill_group(process)


def _wait_healthy(
    url: str, process: subprocess.Popen[bytes], timeout: float, cancel: threading.Event, log: Path
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cancel.is_set():
            raise Cancelled.recording()
        if process.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-8:]
            raise DemoError(
                f"The project's server exited (code {process.returncode}) before it answered:\n" + "\n".join(tail),
                "Run its start command yourself to see why (docs/demo.toml, [server] command).",
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise DemoError(f"The project's server did not answer {url} within {timeout:.0f} s.", "Check docs/demo.toml.")


# --- driving the page and capturing frames -----------------------------------------------------------


@dataclass
class _Recorder:
    page: Any
    cancel: threading.Event
    frames: list[tuple[bytes, float]] = field(default_factory=list)  # PNG, the moment it was taken

    def snap(self) -> None:
        if self.cancel.is_set():
            raise Cancelled.recording()
        self.frames.append((self.page.screenshot(type="png"), time.monotonic()))

    def hold(self, ms: int, every_ms: int = 150) -> None:
        end = time.monotonic() + ms / 1000
        self.snap()
        while time.monotonic() < end:
            time.sleep(every_ms / 1000)
            self.snap()

    def point_at(self, selector: str, timeout_ms: int) -> None:
        locator = self.page.locator(selector).first
        locator.wait_for(state="visible", timeout=timeout_ms)
        box = locator.bounding_box()
        if box:
            self.page.evaluate(_POINTER_JS, [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
            self.hold(300, every_ms=100)


def _run_step(recorder: _Recorder, base: str, step: DemoStep) -> None:
    page = recorder.page
    if step.action == "goto":
        page.goto(base + step.path, wait_until="load", timeout=step.timeout_ms)
        recorder.hold(step.hold_ms)
    elif step.action == "fill":
        recorder.point_at(step.selector, step.timeout_ms)
        field_ = page.locator(step.selector).first
        field_.click()
        field_.fill("")
        for start in range(0, len(step.text), 3):  # type a few characters a frame, as a person would
            field_.press_sequentially(step.text[start : start + 3])
            recorder.snap()
        recorder.hold(step.hold_ms // 2)
    elif step.action == "click":
        recorder.point_at(step.selector, step.timeout_ms)
        page.locator(step.selector).first.click(timeout=step.timeout_ms)
        recorder.hold(step.hold_ms)
    elif step.action == "press":
        page.locator(step.selector).first.press(step.key, timeout=step.timeout_ms)
        recorder.hold(step.hold_ms)
    elif step.action == "wait_for":
        _wait_for(recorder, step)
        recorder.hold(step.hold_ms)
    else:
        recorder.hold(step.hold_ms)


def _wait_for(recorder: _Recorder, step: DemoStep) -> None:
    """Frames while waiting, so a streamed answer is seen arriving; fails at the step's timeout."""
    deadline = time.monotonic() + step.timeout_ms / 1000
    locator = recorder.page.locator(step.selector).first
    while True:
        recorder.snap()
        try:
            if locator.is_visible() and (not step.text or step.text in (locator.inner_text(timeout=500) or "")):
                return
        except Exception:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{step.selector} {'with ' + repr(step.text) + ' ' if step.text else ''}did not appear")
        time.sleep(0.15)


def capture(
    spec: DemoSpec, base: str, browser_path: str, cancel: threading.Event, progress: Progress
) -> list[tuple[bytes, float]]:
    sync_playwright = _require_playwright()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=list(CHROMIUM_FLAGS), headless=True)
        try:
            context = browser.new_context(viewport={"width": spec.width, "height": spec.height}, bypass_csp=True)
            recorder = _Recorder(context.new_page(), cancel)
            for number, step in enumerate(spec.steps, start=1):
                progress(f"Step {number}/{len(spec.steps)}: {step.title}")
                try:
                    _run_step(recorder, base, step)
                except Cancelled:
                    raise
                except Exception as err:
                    shot = _save_last_frame(recorder)
                    raise DemoError(
                        f"Step {number} ({step.title}) failed: {str(err).splitlines()[0]}",
                        f"The page as it was: {shot}. Fix the step in docs/demo.toml and record again.",
                    ) from err
            return recorder.frames
        finally:
            browser.close()


def _save_last_frame(recorder: _Recorder) -> Path:
    path = Path(tempfile.gettempdir()) / f"scaffolder-demo-failed-{os.getpid()}.png"
    try:
        path.write_bytes(recorder.page.screenshot(type="png"))
    except Exception:
        if recorder.frames:
            path.write_bytes(recorder.frames[-1][0])
    return path


# --- the GIF ----------------------------------------------------------------------------------------


def encode_gif(frames: list[tuple[bytes, float]], out: Path) -> tuple[int, float, int, int, int]:
    """An animated GIF of the frames at their real pace, sped up to fit MAX_SECONDS, at most
    MAX_WIDTH wide and MAX_BYTES large (fewer colours, then fewer frames, until it fits).
    Returns (frames, seconds, width, height, bytes)."""
    from PIL import Image

    if len(frames) < 2:
        raise DemoError("The recording has fewer than two frames.", "Add steps to docs/demo.toml.")
    images = [Image.open(io.BytesIO(png)).convert("RGB") for png, _at in frames]
    durations = [max(20.0, (frames[i + 1][1] - frames[i][1]) * 1000) for i in range(len(frames) - 1)] + [1500.0]
    total = sum(durations)
    if total > MAX_SECONDS * 1000:
        durations = [max(20.0, d * MAX_SECONDS * 1000 / total) for d in durations]
    width, height = images[0].size
    if width > MAX_WIDTH:
        height, width = round(height * MAX_WIDTH / width), MAX_WIDTH
        images = [image.resize((width, height), Image.Resampling.LANCZOS) for image in images]
    # A GIF frame shows for 20 ms at the least: keep few enough frames to fit MAX_SECONDS.
    fewest = -(-len(images) * 20 // int(MAX_SECONDS * 1000))
    for colours, step in ((128, 1), (64, 1), (64, 2), (32, 3)):
        step = max(step, fewest)
        chosen = images[::step]
        times = [sum(durations[i : i + step]) for i in range(0, len(durations), step)]
        while sum(times) > MAX_SECONDS * 1000 and any(t > 20.0 for t in times):
            times = [max(20.0, t * 0.95) for t in times]
        # A GIF stores centiseconds: whole tens of milliseconds, rounded down, so the sum that is
        # played never passes the one measured above (rounding each frame to the nearest ms did).
        stored = [max(20, int(t // 10) * 10) for t in times]
        palette = chosen[len(chosen) // 2].quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
        paletted = [image.quantize(palette=palette, dither=Image.Dither.NONE) for image in chosen]
        buffer = io.BytesIO()
        paletted[0].save(
            buffer,
            format="GIF",
            save_all=True,
            append_images=paletted[1:],
            duration=stored,
            loop=0,
            optimize=True,
            disposal=1,
        )
        if buffer.tell() <= MAX_BYTES:
            out.parent.mkdir(parents=True, exist_ok=True)
            temp = out.with_name(f".{out.name}.partial")
            temp.write_bytes(buffer.getvalue())
            os.replace(temp, out)
            return len(paletted), sum(stored) / 1000, width, height, buffer.tell()
    raise DemoError(f"The GIF stays over {MAX_BYTES // 1_000_000} MB.", "Shorten the steps in docs/demo.toml.")


# --- the README and git -----------------------------------------------------------------------------

DEMO_MARKDOWN = "![Demo](docs/demo.gif)"


def fill_readme_slot(project: Path) -> bool:
    """Put the GIF in the README's demo slot (the template's `<!-- Demo: … -->` comment), or under
    the first paragraph when there is no slot. False when the README already shows it."""
    readme = project / "README.md"
    if not readme.is_file():
        return False
    text = readme.read_text(encoding="utf-8")
    if "](docs/demo.gif)" in _without_comments(text):
        return False
    start = text.find("<!-- Demo")
    end = text.find("-->", start) if start >= 0 else -1
    if start >= 0 and end >= 0:
        text = text[:start] + DEMO_MARKDOWN + text[end + 3 :]
    else:
        lines = text.splitlines()
        at = next(
            (i for i, line in enumerate(lines) if i > 0 and not line.strip() and lines[i - 1].strip()), len(lines)
        )
        text = "\n".join([*lines[:at], "", DEMO_MARKDOWN, *lines[at:]]) + "\n"
    temp = readme.with_name(".README.md.partial")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, readme)
    return True


def _without_comments(text: str) -> str:
    out: list[str] = []
    at = 0
    while True:
        start = text.find("<!--", at)
        if start < 0:
            return "".join([*out, text[at:]])
        out.append(text[at:start])
        end = text.find("-->", start)
        if end < 0:
            return "".join(out)
        at = end + 3


def commit_demo(project: Path) -> str:
    """Commit docs/demo.gif and the README (the user confirmed it), through safe_git: the project
    may be an imported one, whose hooks and config must not run."""
    from scaffolder.core.safe_git import safe_git

    repo = safe_git(project)
    for args in (
        ("add", "--", GIF_FILE, "README.md"),
        ("commit", "-q", "--no-verify", "-m", "docs: add the demo GIF", "--", GIF_FILE, "README.md"),
    ):
        done = repo.run(*args)
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", errors="replace").strip()
            raise DemoError(f"git could not commit the demo: {said}", "Commit docs/demo.gif yourself.")
    return repo.run("rev-parse", "HEAD").stdout.decode().strip()


def what_runs(project: Path) -> str:
    """The sentence a user agrees to before recording: the exact command from docs/demo.toml, and
    the install that comes first when the project has no .venv yet (a build runs project code too)."""
    import shlex

    spec = load_demo_spec(project)
    python = _venv_python(Path(project))
    argv = [part.replace("{python}", str(python.relative_to(project))) for part in spec.command]
    text = f"Recording runs  {shlex.join(argv)}  in {project}"
    if not python.is_file():
        text += ", after creating .venv there and running  pip install -e .  (the project's own build)"
    return text + ", then drives its web page in headless Chromium."


def record_demo(
    project: Path,
    *,
    progress: Progress = lambda _line: None,
    cancel: threading.Event | None = None,
    python: Path | None = None,
) -> DemoResult:
    """Record docs/demo.gif and fill the README's demo slot (commit separately, once the user agrees)."""
    project = Path(project)
    cancel = cancel or threading.Event()
    spec = load_demo_spec(project)
    browser = find_browser()
    if browser is None:
        raise DemoError(
            "No Chromium or Chrome was found to record with.",
            "Install one (Debian/Ubuntu: sudo apt install chromium; macOS: brew install --cask chromium), or set"
            " SCAFFOLDER_CHROMIUM to its path.",
        )
    _require_playwright()
    python = python or ensure_project_python(project, progress, cancel)
    with tempfile.TemporaryDirectory(prefix="scaffolder-demo-") as scratch:
        log = Path(scratch) / "server.log"
        progress("Starting the project's server …")
        with running_server(spec, project, python, cancel, log) as (base, _process):
            frames = capture(spec, base, browser, cancel, progress)
    progress(f"Encoding {len(frames)} frames …")
    count, seconds, width, height, size = encode_gif(frames, project / GIF_FILE)
    updated = fill_readme_slot(project)
    return DemoResult(project / GIF_FILE, count, seconds, width, height, size, updated)
