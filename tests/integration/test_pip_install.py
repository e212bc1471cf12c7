"""`pip install .` (not editable) into a fresh virtual environment, then `scaffolder new rag`
from another directory: the bundled templates must ship inside the installed package."""

from __future__ import annotations

import json
import os
import subprocess
import venv
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# Read at import, before the autouse fixture replaces HOME: the developer's or CI's pip cache.
PIP_CACHE = os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip")


def bin_path(env_dir: Path, name: str) -> Path:
    return env_dir / ("Scripts" if os.name == "nt" else "bin") / (f"{name}.exe" if os.name == "nt" else name)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_pip_install_then_scaffolder_new_rag_from_another_directory(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = bin_path(env_dir, "python")
    # The checkout must not be importable by accident: only what pip installed counts.
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_CACHE_DIR"] = PIP_CACHE  # HOME is the test's own; PySide6 is a large download

    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(REPO_ROOT)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert install.returncode == 0, install.stdout + install.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "projects"
    created = subprocess.run(
        [str(bin_path(env_dir, "scaffolder")), "new", "rag", "--no-input", "-o", str(out), "--json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    project = Path(json.loads(created.stdout)["path"])
    assert project.parent == out.resolve() and (project / ".cookiecutter.json").is_file()
    assert (project / ".git").is_dir()

    where = subprocess.run(
        [str(python), "-c", "import scaffolder.core.paths as p; print(p.templates_root()); print(p.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    templates_root, module_file = Path(where[0]), Path(where[1])
    assert env_dir.resolve() in module_file.resolve().parents, "scaffolder was imported from the checkout"
    assert templates_root == module_file.parent.parent / "templates"
    assert "site-packages" in templates_root.parts
    for kind in ("rag", "agent", "fullstack"):
        assert (templates_root / kind / "cookiecutter.json").is_file()
