"""The bundled AI agent template: generated with its defaults and with every non-default choice,
each variant must pass its own `ruff check` and `pytest` offline, and carry the files its answers
ask for.

Slow (one virtual environment with FastAPI & co. from PyPI, then an editable install per variant).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.templates import harness

pytestmark = pytest.mark.slow

KIND = "agent"
VARIANTS = [{}, *harness.choice_variants(KIND)]


@pytest.fixture(scope="module")
def venv_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return harness.make_venv(tmp_path_factory.mktemp("agent-venv") / "venv")


def test_web_search_is_offline_first() -> None:
    context = json.loads((harness.template_dir(KIND) / "cookiecutter.json").read_text("utf-8"))
    assert context["search_backend"][0] == "local"
    assert "search_backend" in context["__prompts__"]


@pytest.mark.parametrize("answers", VARIANTS, ids=harness.variant_id)
def test_generated_project_passes_its_own_checks(answers: dict[str, str], venv_python: Path, tmp_path: Path) -> None:
    project = harness.render(KIND, tmp_path, **answers)
    chosen = {**harness.choice_defaults(KIND), **answers}
    _assert_files(project, chosen)
    harness.pip_install(venv_python, project)
    output = harness.check_project(venv_python, project)
    assert " passed" in output and " failed" not in output


def _assert_files(project: Path, chosen: dict[str, str]) -> None:
    harness.assert_baseline(project, chosen)
    for name in ("compose.yaml", "evals/tasks.jsonl", "evals/tasks-heldout.jsonl", "evals/results.md"):
        assert (project / name).is_file(), name
    assert "Your Name" in (project / "LICENSE").read_text("utf-8")
    assert f"SEARCH_BACKEND={chosen['search_backend']}\n" in (project / ".env.example").read_text("utf-8")
    dockerfile = (project / "Dockerfile").read_text("utf-8")
    assert f"FROM python:{chosen['python_version']}-slim" in dockerfile and "USER agent" in dockerfile

    # The web UI's JavaScript is copied as is, not rendered.
    package = project / "src" / "research_agent"
    assert "${" in (package / "static" / "app.js").read_text("utf-8")
    # Settings default to the answers; code does not fork on them.
    config = (package / "config.py").read_text("utf-8")
    assert f'llm_provider: ProviderName = "{chosen["llm_provider"]}"' in config
    assert f'search_backend: SearchBackendName = "{chosen["search_backend"]}"' in config
    # The README carries real evaluation figures, the same as evals/results.md, with the
    # held-out split on its own row.
    readme = (project / "README.md").read_text("utf-8")
    table = readme.split("<!-- eval-results:start -->")[1].split("<!-- eval-results:end -->")[0]
    assert "| offline (scripted-planner) | dev | 35 |" in table
    assert "| offline (scripted-planner) | heldout | 23 |" in table
    assert table.strip() in (project / "evals/results.md").read_text("utf-8")
    assert "ruff format --check" in (project / ".github" / "workflows" / "ci.yml").read_text("utf-8")
    ignored = (project / ".gitignore").read_text("utf-8").splitlines()
    assert {".env", ".env.*", "!.env.example"} <= set(ignored)
