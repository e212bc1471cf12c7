"""`scaffolder demo`: a real server started from the project's docs/demo.toml, real headless Chromium
driven by Playwright, a real GIF decoded with Pillow, and no server process left behind, also when a
step fails or the recording is cancelled."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from scaffolder.core.demo import MAX_BYTES, MAX_SECONDS, MAX_WIDTH, DemoError, find_browser, record_demo
from scaffolder.core.errors import Cancelled
from scaffolder.core.store import Store
from tests.helpers.cli import run_scaffolder
from tests.helpers.demo_site import make_demo_project, server_gone

pytest.importorskip("playwright", reason="the demo extra (Playwright) is not installed")
pytest.importorskip("PIL", reason="the demo extra (Pillow) is not installed")
if find_browser() is None:
    pytest.skip("no Chromium or Chrome is installed to record with", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def project(tmp_path: Path, isolated_user: Path) -> Path:
    return make_demo_project(tmp_path / "ask-the-docs")


def test_a_recorded_demo_is_a_real_animated_gif_within_the_limits(project: Path) -> None:
    from PIL import Image, ImageChops

    lines: list[str] = []
    result = record_demo(project, progress=lines.append, python=Path(sys.executable))
    assert result.gif == project / "docs" / "demo.gif"
    with Image.open(result.gif) as gif:
        assert gif.format == "GIF" and gif.n_frames > 10
        assert gif.width <= MAX_WIDTH
        frames = []
        for index in (0, gif.n_frames // 2, gif.n_frames - 1):
            gif.seek(index)
            frames.append(gif.convert("RGB"))
        assert ImageChops.difference(frames[0], frames[-1]).getbbox() is not None  # it shows something happen
        total_ms = 0
        for index in range(gif.n_frames):
            gif.seek(index)
            total_ms += gif.info["duration"]
    assert total_ms <= MAX_SECONDS * 1000
    assert result.gif.stat().st_size <= MAX_BYTES
    assert any("Step 3/4: click #ask" in line for line in lines)
    assert server_gone(project)
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "![Demo](docs/demo.gif)" in readme and "<!-- Demo" not in readme
    assert result.readme_updated


def test_a_failing_step_names_the_step_shows_the_last_frame_and_stops_the_server(project: Path) -> None:
    spec = project / "docs" / "demo.toml"
    spec.write_text(spec.read_text().replace('selector = "#ask"', 'selector = "#no-such-button"\ntimeout_ms = 1500'))
    with pytest.raises(DemoError) as failed:
        record_demo(project, python=Path(sys.executable))
    assert failed.value.message.startswith("Step 3 (click #no-such-button) failed")
    shot = Path(failed.value.hint.split("The page as it was: ")[1].split(". Fix")[0])
    assert shot.is_file() and shot.read_bytes().startswith(b"\x89PNG")
    assert server_gone(project)
    assert not (project / "docs" / "demo.gif").exists()
    assert "<!-- Demo" in (project / "README.md").read_text(encoding="utf-8")


def test_cancel_stops_the_recording_and_the_server(project: Path) -> None:
    cancel = threading.Event()

    def cancel_at_step_three(line: str) -> None:
        if line.startswith("Step 3/"):
            cancel.set()

    with pytest.raises(Cancelled):
        record_demo(project, progress=cancel_at_step_three, cancel=cancel, python=Path(sys.executable))
    assert server_gone(project)
    assert not (project / "docs" / "demo.gif").exists()


def test_the_cli_records_fills_the_readme_and_commits_only_when_asked(project: Path) -> None:
    Store().add_project(name="Ask", kind="custom", path=project, template=None, template_version=None, answers={})
    # The project's .venv: this interpreter (the server needs only the standard library).
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / ".venv" / "bin" / "python").symlink_to(sys.executable)
    done = run_scaffolder("demo", "Ask", "--trust", "--no-input", "--json", timeout=300)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["frames"] > 10 and data["commit"] is None and data["readme_updated"]
    assert "docs/demo.gif" in git(project, "status", "--porcelain", "--untracked-files=all")
    assert server_gone(project)

    done = run_scaffolder("demo", "Ask", "--trust", "--commit", "--json", timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["commit"]
    assert "docs/demo.gif" in git(project, "show", "--stat", "--format=", "HEAD")


def test_without_a_demo_file_the_sentence_says_what_to_add(tmp_path: Path) -> None:
    with pytest.raises(DemoError) as missing:
        record_demo(tmp_path, python=Path(sys.executable))
    assert "docs/demo.toml does not exist" in missing.value.message


def test_sigterm_to_the_cli_mid_recording_takes_the_server_with_it(project: Path) -> None:
    Store().add_project(name="Ask", kind="custom", path=project, template=None, template_version=None, answers={})
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / ".venv" / "bin" / "python").symlink_to(sys.executable)
    process = subprocess.Popen(
        [sys.executable, "-m", "scaffolder", "demo", "Ask", "--trust", "--no-input"],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("Step 2/"):
            break
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) != 0
    assert server_gone(project), "the server outlived the recorder"
    assert not (project / "docs" / "demo.gif").exists()


def test_an_imported_projects_start_command_runs_only_once_the_user_agrees(project: Path, tmp_path: Path) -> None:
    """docs/demo.toml of a repository the app did not generate is the repository author's code:
    without --trust, --no-input says exactly what would run, and runs nothing."""
    Store().add_project(name="Ask", kind="custom", path=project, template=None, template_version=None, answers={})
    marker = tmp_path / "ran"
    spec = project / "docs" / "demo.toml"
    spec.write_text(
        spec.read_text().replace('command = ["{python}", "server.py", "{port}"]', f'command = ["touch", "{marker}"]')
    )
    done = subprocess.run(
        [sys.executable, "-m", "scaffolder", "demo", "Ask", "--no-input"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert f"Recording runs  touch {marker}  in {project}" in done.stderr
    assert "pass --trust" in done.stderr and "Traceback" not in done.stderr
    assert not marker.exists() and not (project / ".venv").exists()


def test_a_long_recording_is_thinned_to_fit_the_limits(tmp_path: Path) -> None:
    """Two thousand frames (a minute and more of captured screen) still make a GIF within
    15 s: frames are dropped, never a frame shorter than a GIF can show."""
    import io

    from PIL import Image

    from scaffolder.core.demo import encode_gif

    frames = []
    for i in range(2000):
        image = Image.new("RGB", (40, 30), (i % 256, 0, 0))
        png = io.BytesIO()
        image.save(png, format="PNG")
        frames.append((png.getvalue(), i * 0.04))
    count, seconds, width, _height, size = encode_gif(frames, tmp_path / "demo.gif")
    assert seconds <= MAX_SECONDS and count * 0.02 <= MAX_SECONDS + 1.5
    assert width == 40 and size <= MAX_BYTES


def gif_durations_ms(path: Path) -> list[int]:
    from PIL import Image

    with Image.open(path) as gif:
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(int(gif.info["duration"]))
    return durations


def test_a_recording_sped_up_to_the_limit_stays_within_it_after_rounding(tmp_path: Path) -> None:
    """Ninety-eight frames at an uneven pace, sped up to 15 s: each frame's time rounded to what a
    GIF stores must not add up past the limit (CI recorded 15.005 s)."""
    import io

    from PIL import Image

    from scaffolder.core.demo import encode_gif

    frames = []
    at = 0.0
    for i in range(98):
        image = Image.new("RGB", (40, 30), ((i * 37) % 256, i % 256, 0))
        png = io.BytesIO()
        image.save(png, format="PNG")
        frames.append((png.getvalue(), at))
        at += 0.1737 + (i % 7) * 0.0413  # about 20 s of screen, in uneven steps
    _count, seconds, _width, _height, _size = encode_gif(frames, tmp_path / "demo.gif")
    stored = gif_durations_ms(tmp_path / "demo.gif")
    assert seconds <= MAX_SECONDS and sum(stored) <= MAX_SECONDS * 1000
    assert sum(stored) / 1000 == seconds  # what the app reports is what a viewer plays
    assert min(stored) >= 20
