"""The bundled RAG template: every choice generates a project whose own ruff and pytest pass.

Each variant (the defaults, then `harness.choice_variants("rag")`, which together use every
non-default option) is rendered with cookiecutter's API, checked file by file, committed to a
fresh git repository to prove nothing it needs is ignored, installed editable into one shared
virtual environment and held to its own `ruff check` and `pytest` with the network cut off.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.templates import harness

KIND = "rag"
CONTEXT = json.loads((harness.template_dir(KIND) / "cookiecutter.json").read_text("utf-8"))
DEFAULTS = harness.choice_defaults(KIND)
VARIANTS = [{}, *harness.choice_variants(KIND)]


@pytest.fixture(scope="session")
def rag_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One virtual environment for every variant: dependencies install once."""
    return harness.make_venv(tmp_path_factory.mktemp("rag-venv") / "venv")


def _git(project: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True)
    return result.stdout


def _assert_generated_files(project: Path, answers: dict[str, str]) -> None:
    chosen = {**DEFAULTS, **answers}
    slug, package = project.name, project.name.replace("-", "_")

    harness.assert_baseline(project, chosen)
    assert not (project / "licenses").exists()
    assert (project / ".python-version").read_text("utf-8").strip() == chosen["python_version"]

    env_example = (project / ".env.example").read_text("utf-8")
    assert f"EMBEDDING_PROVIDER={chosen['embedding_provider']}\n" in env_example

    config = (project / "src" / package / "config.py").read_text("utf-8")
    assert f'DEFAULT_LLM_PROVIDER = "{chosen["llm_provider"]}"' in config
    assert f'DEFAULT_EMBEDDING_PROVIDER = "{chosen["embedding_provider"]}"' in config

    dockerfile = (project / "Dockerfile").read_text("utf-8")
    assert f"ARG PYTHON_VERSION={chosen['python_version']}" in dockerfile and "USER app" in dockerfile

    # The web UI is copied, not rendered: its JavaScript keeps its own braces.
    app_js = (project / "src" / package / "static" / "app.js").read_text("utf-8")
    assert "${c.source}" in app_js

    # No template syntax left anywhere else, and README commands name this project's CLI.
    for path in project.rglob("*"):
        if path.is_file() and path.suffix in {
            ".py",
            ".md",
            ".toml",
            ".yml",
            ".yaml",
            ".json",
            ".txt",
            ".html",
            ".example",
            "",
        }:
            text = path.read_text("utf-8", errors="replace")
            assert "cookiecutter." not in text, path
            assert not re.search(r"\{%-? (if|endif|raw|endraw)", text), path
    readme = (project / "README.md").read_text("utf-8")
    assert f"{slug} serve --ingest data/sample" in readme
    assert "```mermaid" in readme and "<!-- eval-results:start -->" in readme
    assert "BENCHMARK_TABLE" not in readme
    if chosen["embedding_provider"] == "sentence-transformers":
        assert '".[sentence-transformers]"' in readme

    # The sample corpus, golden set and committed results come along.
    assert len(list((project / "data" / "sample").rglob("*.md"))) >= 30
    assert (project / "evals" / "golden.jsonl").is_file()
    assert "| hit@3 |" in (project / "evals" / "results.md").read_text("utf-8")
    assert (project / "benchmarks" / "bench_retrieval.py").is_file()

    # What the app does after generating: git add -A && commit. Nothing needed may be ignored.
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "Generated")
    assert _git(project, "status", "--porcelain") == ""
    assert _git(project, "status", "--porcelain", "--ignored") == ""
    tracked = set(_git(project, "ls-files").splitlines())
    assert {"evals/results.md", "data/sample/LICENSE", "evals/golden.jsonl"} <= tracked
    assert not any(name.endswith((".lock", "package-lock.json")) for name in tracked)

    # Secrets: every .env variant is ignored, the template of names is not.
    (project / ".env.local").write_text("OPENAI_API_KEY=sk-live\n", "utf-8")
    (project / ".env.production").write_text("ADMIN_TOKEN=x\n", "utf-8")
    ignored = _git(project, "check-ignore", ".env", ".env.local", ".env.production").split()
    assert ignored == [".env", ".env.local", ".env.production"]
    assert ".env.example" in tracked
    for name in (".env.local", ".env.production"):
        (project / name).unlink()

    # The independent evaluation corpus ships with its licence and its own questions.
    assert "BSD-3-Clause" in (project / "data" / "click-docs" / "LICENSE").read_text("utf-8")
    assert len(list((project / "data" / "click-docs").glob("*.rst"))) >= 15
    assert {"evals/click-golden.jsonl", "data/click-docs/LICENSE"} <= tracked
    thresholds = json.loads((project / "src" / package / "thresholds.json").read_text("utf-8"))
    assert {"keyword", "hybrid:wordllama:l2_supercat:256"} <= set(thresholds["thresholds"])
    assert "APP_ENV=production" in dockerfile and "ADMIN_TOKEN" in (project / "docs" / "DEPLOY.md").read_text("utf-8")
    assert "ruff format --check" in (project / ".github" / "workflows" / "ci.yml").read_text("utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("answers", VARIANTS, ids=[harness.variant_id(v) for v in VARIANTS])
def test_generated_project_passes_its_own_checks(answers: dict[str, str], tmp_path: Path, rag_python: Path) -> None:
    project = harness.render(KIND, tmp_path, **answers)
    _assert_generated_files(project, answers)
    harness.pip_install(rag_python, project)
    # CI runs `ruff format --check` as well as `ruff check` (which check_project runs).
    harness.run([str(rag_python), "-m", "ruff", "format", "--check", "."], cwd=project)
    output = harness.check_project(rag_python, project)
    summary = output.strip().splitlines()[-1]
    passed = int(re.search(r"(\d+) passed", summary).group(1))  # type: ignore[union-attr]
    assert passed >= 80, summary
    assert "failed" not in summary and "error" not in summary, summary


def test_the_embedding_question_offers_an_offline_semantic_default() -> None:
    # wordllama ships its model in its wheel: hybrid search with no key and no download.
    # Keyword-only search stays one variable away (EMBEDDING_PROVIDER=none).
    assert CONTEXT["embedding_provider"] == ["wordllama", "openai", "ollama", "sentence-transformers"]
    assert "embedding_provider" in CONTEXT["__prompts__"]
    assert CONTEXT["_template_version"] == "1.3.1"


def test_a_project_name_with_quotes_still_renders_valid_python(tmp_path: Path) -> None:
    project = harness.render(
        KIND, tmp_path, project_name='Bob\'s "Docs" Q&A', description='Answers "hard" questions\\ fast.'
    )
    package = project / "src" / project.name.replace("-", "_")
    namespace: dict[str, object] = {}
    exec(compile((package / "__init__.py").read_text("utf-8"), "__init__.py", "exec"), namespace)
    assert namespace["PROJECT_NAME"] == 'Bob\'s "Docs" Q&A'
    assert namespace["DESCRIPTION"] == 'Answers "hard" questions\\ fast.'
