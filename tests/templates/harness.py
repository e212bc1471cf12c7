"""Generate a bundled template and hold the result to the standard of a real project.

Used by the app's own suite (tests/templates/test_*_template.py): each template is generated
with its defaults and with every non-default choice, then `ruff check` and the generated
project's own `pytest` run in a virtual environment with the network cut off.

One virtual environment per template is built once per test session (dependencies are the
slow part) and each generated variant is installed into it editable, so every variant's own
`pyproject.toml` is what gets installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = REPO_ROOT / "templates"


def template_dir(kind: str) -> Path:
    return TEMPLATES / kind


def choice_variants(kind: str) -> list[dict[str, str]]:
    """Answer sets that together use every non-default option of every choice question.

    Variant i takes option i (i >= 1) of each choice question that has one, so a template whose
    longest choice list has n options needs n - 1 variants, not one per option: each generated
    project is a full install-and-test run, and CI has a time budget.
    """
    context = json.loads((template_dir(kind) / "cookiecutter.json").read_text(encoding="utf-8"))
    choices = {k: v for k, v in context.items() if not k.startswith("_") and isinstance(v, list)}
    longest = max((len(v) for v in choices.values()), default=1)
    return [{key: options[i] for key, options in choices.items() if i < len(options)} for i in range(1, longest)]


def variant_id(answers: dict[str, str]) -> str:
    return "defaults" if not answers else ",".join(f"{k}={v}" for k, v in answers.items())


def render(kind: str, output_dir: Path, **answers: object) -> Path:
    """Render the template with cookiecutter's own API (hooks included) and return the project."""
    from cookiecutter.main import cookiecutter

    return Path(
        cookiecutter(
            str(template_dir(kind)),
            no_input=True,
            extra_context=dict(answers),
            output_dir=str(output_dir),
        )
    )


def venv_python(env_dir: Path) -> Path:
    sub = "Scripts/python.exe" if os.name == "nt" else "bin/python"
    return env_dir / sub


def make_venv(env_dir: Path) -> Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    return venv_python(env_dir)


def pip_install(python: Path, project: Path, extras: str = "test") -> None:
    """`pip install -e .[extras]` of the generated project (dependencies come from PyPI)."""
    spec = f"{project}[{extras}]" if extras else str(project)
    run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", spec],
        cwd=project,
        network=True,
    )


def offline_command(args: list[str]) -> list[str]:
    """Wrap a command so it runs in a network namespace of its own: loopback only."""
    if sys.platform.startswith("linux") and shutil.which("unshare"):
        probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
        if probe.returncode == 0:
            return ["unshare", "-rn", "sh", "-c", 'ip link set lo up 2>/dev/null; exec "$@"', "sh", *args]
    return args


def run(
    args: list[str], cwd: Path, network: bool = False, timeout: float = 900, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    for key in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "LLM_PROVIDER", "DATABASE_URL", "VIRTUAL_ENV", "PYTHONPATH"):
        full_env.pop(key, None)
    command = args if network else offline_command(args)
    result = subprocess.run(command, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise AssertionError(
            f"`{' '.join(args)}` failed in {cwd} (exit {result.returncode})\n"
            f"--- stdout ---\n{result.stdout[-8000:]}\n--- stderr ---\n{result.stderr[-8000:]}"
        )
    return result


def check_project(python: Path, project: Path, pytest_args: tuple[str, ...] = ()) -> str:
    """ruff check, ruff format --check (what the generated CI runs) and the project's own
    pytest, offline. Returns pytest's output."""
    run([str(python), "-m", "ruff", "check", "."], cwd=project)
    run([str(python), "-m", "ruff", "format", "--check", "."], cwd=project)
    result = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args], cwd=project)
    return result.stdout


DEPLOY_FILES = {"render": "render.yaml", "fly": "fly.toml", "railway": "railway.json"}
LICENSE_FIRST_WORDS = {"MIT": "MIT License", "Apache-2.0": "Apache License", "BSD-3-Clause": "BSD 3-Clause License"}
BASELINE_FILES = (
    "README.md",
    "WRITEUP.md",
    "pyproject.toml",
    "Dockerfile",
    ".env.example",
    ".gitignore",
    ".gitattributes",
    "LICENSE",
    ".pre-commit-config.yaml",
    ".github/workflows/ci.yml",
    "docs/DEPLOY.md",
)
RENDERED_SUFFIXES = {".py", ".md", ".toml", ".yml", ".yaml", ".json", ".ini", ".txt", ".example"}


def choice_defaults(kind: str) -> dict[str, str]:
    """The first option of every choice question: what a project gets when nothing is answered."""
    context = json.loads((template_dir(kind) / "cookiecutter.json").read_text(encoding="utf-8"))
    return {k: v[0] for k, v in context.items() if isinstance(v, list) and not k.startswith("_")}


def assert_baseline(project: Path, chosen: dict[str, str]) -> None:
    """What ../shared/TEMPLATES.md asks of every generated project, for the answers `chosen`."""
    missing = [name for name in BASELINE_FILES if not (project / name).is_file()]
    assert missing == [], missing
    for target, name in DEPLOY_FILES.items():  # only the chosen platform's deploy file
        assert (project / name).is_file() == (target == chosen["deploy_target"]), name
    license_text = (project / "LICENSE").read_text("utf-8")
    assert license_text.lstrip().startswith(LICENSE_FIRST_WORDS[chosen["license"]])
    assert f"LLM_PROVIDER={chosen['llm_provider']}\n" in (project / ".env.example").read_text("utf-8")
    assert ".env" in (project / ".gitignore").read_text("utf-8").splitlines()
    assert "* text=auto eol=lf" in (project / ".gitattributes").read_text("utf-8")
    ci = (project / ".github" / "workflows" / "ci.yml").read_text("utf-8")
    assert "${{ matrix.os }}" in ci and "windows-latest" in ci
    assert f'python-version: "{chosen["python_version"]}"' in ci
    dockerfile = (project / "Dockerfile").read_text("utf-8")
    assert "HEALTHCHECK" in dockerfile and chosen["python_version"] in dockerfile
    users = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}, users  # runs as a non-root user
    assert 'requires-python = ">=3.11"' in (project / "pyproject.toml").read_text("utf-8")
    files = [p for p in project.rglob("*") if p.is_file()]
    assert [p.name for p in files if p.name.endswith((".lock", "package-lock.json"))] == []
    unrendered = [
        p for p in files if p.suffix in RENDERED_SUFFIXES and "cookiecutter." in p.read_text("utf-8", errors="replace")
    ]
    assert unrendered == []
