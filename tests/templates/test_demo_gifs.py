"""Each bundled template's demo, recorded for real: the generated project's own docs/demo.toml,
its server started from a .venv the recorder creates, headless Chromium, a GIF within the limits,
and no server left running afterwards."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scaffolder.core.catalogue import resolve_template
from scaffolder.core.demo import MAX_BYTES, MAX_SECONDS, MAX_WIDTH, find_browser, record_demo
from scaffolder.core.generate import generate
from scaffolder.core.store import Store

pytest.importorskip("playwright", reason="the demo extra (Playwright) is not installed")
pytest.importorskip("PIL", reason="the demo extra (Pillow) is not installed")
if find_browser() is None:
    pytest.skip("no Chromium or Chrome is installed to record with", allow_module_level=True)


def project_processes(project: Path) -> list[str]:
    """Processes whose command line or working folder is inside the project (its server, its .venv)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cwd = str((proc / "cwd").resolve())
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cwd.startswith(str(project)) or str(project / ".venv") in cmdline:
            found.append(f"{proc.name}: {cmdline}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["rag", "agent", "fullstack"])
def test_the_bundled_demo_records_offline(kind: str, tmp_path: Path, isolated_user: Path) -> None:
    from PIL import Image, ImageChops

    project = generate(resolve_template(kind), {}, tmp_path, store=Store()).project.path
    result = record_demo(project)
    with Image.open(result.gif) as gif:
        assert gif.n_frames > 10 and gif.width <= MAX_WIDTH
        gif.seek(0)
        first = gif.convert("RGB")
        gif.seek(gif.n_frames - 1)
        assert ImageChops.difference(first, gif.convert("RGB")).getbbox() is not None
    assert result.seconds <= MAX_SECONDS and result.bytes <= MAX_BYTES
    assert project_processes(project) == []
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "![Demo](docs/demo.gif)" in readme
    status = subprocess.run(["git", "-C", str(project), "status", "--porcelain"], capture_output=True, text=True)
    assert "docs/demo.gif" in status.stdout and ".venv" not in status.stdout  # recorded, not committed; .venv ignored
