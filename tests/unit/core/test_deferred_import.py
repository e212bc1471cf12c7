"""Deferring a dependency's import: `scaffolder new` must not pay for cookiecutter's download
stack (requests, urllib3, ssl) when the template is a local folder, and must still get the real
module wherever it is used.

Each story runs in a fresh interpreter, as `scaffolder new` does: this test process has Qt
loaded, and PySide6's import hook reads every imported module's `__file__`, which loads a
deferred module at once (correct, just not deferred)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

HEAVY_MODULE = """
print("executing heavy")

def get(url):
    return f"got {url}"
"""


RunPython = Callable[[str], list[str]]


@pytest.fixture
def python(tmp_path: Path) -> RunPython:
    """Runs a snippet in a fresh interpreter that can import `heavy` (which says when it runs)."""
    (tmp_path / "heavy.py").write_text(HEAVY_MODULE, encoding="utf-8")

    def run(snippet: str) -> list[str]:
        code = f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\n" + textwrap.dedent(snippet)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    return run


def test_an_import_inside_the_block_loads_nothing_until_an_attribute_is_read(python: RunPython) -> None:
    lines = python(
        """
        from scaffolder.core.deferred_import import DeferredModule, deferred_import
        with deferred_import("heavy"):
            import heavy as dependency  # what the third-party module does at its top
        print("stand-in:", isinstance(dependency, DeferredModule))
        print(dependency.get("https://example.test/t.zip"))
        print(dependency.get("again"))
        print("real in sys.modules:", not isinstance(sys.modules["heavy"], DeferredModule))
        """
    )

    assert lines == [
        "stand-in: True",
        "executing heavy",  # on the first attribute read, once
        "got https://example.test/t.zip",
        "got again",
        "real in sys.modules: True",
    ]


def test_after_the_block_an_import_anywhere_is_a_real_one(python: RunPython) -> None:
    lines = python(
        """
        from scaffolder.core.deferred_import import DeferredModule, deferred_import
        with deferred_import("heavy"):
            pass
        print("left in sys.modules:", "heavy" in sys.modules)
        import heavy
        print("stand-in:", isinstance(heavy, DeferredModule))
        """
    )

    assert lines == ["left in sys.modules: False", "executing heavy", "stand-in: False"]


def test_a_module_already_imported_is_left_as_it_is(python: RunPython) -> None:
    lines = python(
        """
        import heavy
        from scaffolder.core.deferred_import import deferred_import
        with deferred_import("heavy"):
            import heavy as inside
        print("same module:", inside is heavy is sys.modules["heavy"])
        """
    )

    assert lines == ["executing heavy", "same module: True"]


def test_generating_a_project_never_loads_the_http_stack(python: RunPython, tmp_path: Path) -> None:
    """As `scaffolder new rag` runs: cookiecutter's `requests` is never executed, and the
    project is generated and committed all the same."""
    lines = python(
        f"""
        from pathlib import Path
        from scaffolder.core.catalogue import resolve_template
        from scaffolder.core.generate import generate
        from scaffolder.core.store import Store

        result = generate(resolve_template("rag"), {{}}, Path({str(tmp_path / "out")!r}), store=Store())
        print(len(result.commit))
        print(sorted(m for m in ("requests", "urllib3", "ssl") if m in sys.modules))
        """
    )

    assert lines == ["40", "[]"]
