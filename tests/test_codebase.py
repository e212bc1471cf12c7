"""The codebase holds itself to its own rules: lint, formatting, the Qt-free core contract, strict types."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing() -> None:
    result = run_tool("ruff", "check", "scaffolder", "tests", "benchmarks", "scripts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_formatted() -> None:
    result = run_tool("ruff", "format", "--check", "scaffolder", "tests", "benchmarks", "scripts")
    assert result.returncode == 0, result.stdout + result.stderr


def lint_imports() -> subprocess.CompletedProcess[str]:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    if not lint_imports.exists():
        pytest.skip("import-linter is not installed in this environment")
    return subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_the_core_never_imports_qt() -> None:
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The core never imports Qt KEPT" in result.stdout


def test_the_layers_hold_cli_over_gui_over_core_and_inside_the_core() -> None:
    """Data flows one way: a lower layer importing a higher one (even through another module) breaks it."""
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The edges call the core, never the reverse KEPT" in result.stdout
    assert "The core's workflows sit on its engines, the store and the errors KEPT" in result.stdout
    assert "3 kept, 0 broken" in result.stdout


def test_the_core_type_checks_strictly() -> None:
    result = run_tool("mypy", "-p", "scaffolder.core")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_gui_the_cli_and_the_app_type_check_strictly() -> None:
    """pyproject.toml's [tool.mypy]: strict on the whole package, relaxed only per module, saying why."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["strict"] is True and config["packages"] == ["scaffolder"]
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
