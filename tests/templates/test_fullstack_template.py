"""The bundled full-stack AI product template: generated with its defaults and with every
non-default choice, each variant must pass its own `ruff check` and `pytest` offline (the
Playwright browser test included, wherever a Chromium is installed) and carry the files its
answers ask for.

Slow (one virtual environment with FastAPI, SQLAlchemy, Playwright & co. from PyPI, then an
editable install per variant).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.templates import harness

pytestmark = pytest.mark.slow

KIND = "fullstack"
VARIANTS = [{}, *harness.choice_variants(KIND)]
# Each preset's landing headline and offline answer's first line, as a visitor reads them.
PRESETS = {
    "writing-assistant": ("Write clearer, faster.", "Offline writing check"),
    "cover-letter-coach": ("A cover letter they read to the end.", "Offline cover-letter check"),
    "study-buddy": ("Explain it back, and find the gaps.", "Offline study check"),
    "code-reviewer": ("Pull requests your reviewers understand.", "Offline review"),
}
# Run inside the generated project's environment: its real app serves its landing page.
LANDING_SCRIPT = """
import sys, tempfile
from fastapi.testclient import TestClient
from {package}.app import create_app
from {package}.db import Database
from {package}.providers.offline import check_text
from {package}.config import Settings
folder = tempfile.mkdtemp()
settings = Settings(_env_file=None, database_url="sqlite:///" + folder + "/app.db", llm_provider="offline")
with Database(settings.sqlalchemy_url) as database:
    database.upgrade()
with TestClient(create_app(settings)) as client:
    sys.stdout.write(client.get("/").text)
sys.stdout.write("\\n<!--offline-->\\n" + check_text("It is really very basically stuff."))
"""


def context() -> dict[str, object]:
    return json.loads((harness.template_dir(KIND) / "cookiecutter.json").read_text("utf-8"))


def browser_must_run() -> bool:
    """Where a Chromium is installed (and always in CI) the browser test must not skip."""
    return bool(
        os.environ.get("CI")
        or os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="module")
def venv_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return harness.make_venv(tmp_path_factory.mktemp("fullstack-venv") / "venv")


def test_one_front_end_so_no_front_end_question() -> None:
    assert "frontend" not in context()  # server-rendered pages + htmx


def test_the_template_is_released_and_ships_no_build_notes() -> None:
    assert context()["_template_version"] == "1.2.0"
    assert not (harness.template_dir(KIND) / "READ_FIRST_RULES.md").exists()


@pytest.mark.parametrize("answers", VARIANTS, ids=harness.variant_id)
def test_generated_project_passes_its_own_checks(answers: dict[str, str], venv_python: Path, tmp_path: Path) -> None:
    project = harness.render(KIND, tmp_path, **answers)
    chosen = {**harness.choice_defaults(KIND), **answers}
    _assert_files(project, chosen)
    harness.pip_install(venv_python, project)
    _assert_the_preset_shows(venv_python, project, chosen["product_preset"])
    output = harness.check_project(venv_python, project, ("-rs",))
    assert " passed" in output and " failed" not in output
    skipped = [line for line in output.splitlines() if line.startswith("SKIPPED")]
    # Only the live tests (they need a real key) may skip; the browser test really runs.
    assert all("test_live.py" in line for line in skipped), skipped
    if not browser_must_run():
        pytest.skip("no Chromium here, so the browser test was skipped (install chromium)")


def test_every_preset_is_a_choice_and_its_description_follows_it() -> None:
    assert context()["product_preset"] == list(PRESETS)
    assert set(context()["_preset_descriptions"]) == set(PRESETS)
    assert context()["product_description"] == "{{ cookiecutter._preset_descriptions[cookiecutter.product_preset] }}"


def _assert_the_preset_shows(venv_python: Path, project: Path, preset: str) -> None:
    headline, offline_title = PRESETS[preset]
    script = LANDING_SCRIPT.replace("{package}", _package(project).name)
    output = harness.run([str(venv_python), "-c", script], cwd=project).stdout
    landing, _, answer = output.partition("<!--offline-->")
    assert f"<h1>{headline}</h1>" in landing
    assert context()["_preset_descriptions"][preset] in landing
    assert answer.strip().startswith(offline_title)
    others = [h for name, (h, _) in PRESETS.items() if name != preset]
    assert not any(h in landing for h in others)


def _package(project: Path) -> Path:
    (package,) = [p for p in (project / "src").iterdir() if (p / "__init__.py").is_file()]
    return package


def _assert_files(project: Path, chosen: dict[str, str]) -> None:
    harness.assert_baseline(project, chosen)
    for name in (
        "alembic.ini",
        "compose.yaml",
        ".dockerignore",
        "docs/ARCHITECTURE.md",
        "evals/cases.jsonl",
        "tests/test_browser.py",
    ):
        assert (project / name).is_file(), name
    deploy = (project / harness.DEPLOY_FILES[chosen["deploy_target"]]).read_text("utf-8")
    assert "migrate" in deploy and "/health" in deploy
    assert "Your Name" in (project / "LICENSE").read_text("utf-8")
    ci = (project / ".github/workflows/ci.yml").read_text("utf-8")
    assert "playwright install --with-deps chromium" in ci
    assert "ruff format --check" in ci
    assert "TEST_DATABASE_URL: postgresql://" in ci and "image: postgres:" in ci
    # Secrets: every .env variant is ignored, the example is kept (and really shipped).
    ignored = (project / ".gitignore").read_text("utf-8").splitlines()
    assert {".env", ".env.*", "!.env.example"} <= set(ignored)
    assert not (project / "READ_FIRST_RULES.md").exists()
    dockerfile = (project / "Dockerfile").read_text("utf-8")
    assert f"ARG PYTHON_VERSION={chosen['python_version']}" in dockerfile and "USER app" in dockerfile
    compose = (project / "compose.yaml").read_text("utf-8")
    assert "postgres:" in compose and "service_completed_successfully" in compose

    package = _package(project)
    # Jinja pages and JavaScript are copied as they are, not rendered by cookiecutter.
    assert "{{ csrf_token }}" in (package / "templates" / "base.html").read_text("utf-8")
    assert (package / "static" / "htmx.min.js").stat().st_size > 10_000
    pyproject = (project / "pyproject.toml").read_text("utf-8")
    for dependency in ('"nh3>=', '"email-validator>=', '"aiosmtpd>='):
        assert dependency in pyproject, dependency
    compose = (project / "compose.yaml").read_text("utf-8")
    assert "APP_ENV: ${COMPOSE_APP_ENV:-production}" in compose
    assert "COPY evals ./evals" in (project / "Dockerfile").read_text("utf-8")
    settings = (package / "config.py").read_text("utf-8")
    assert f'llm_provider: ProviderName = "{chosen["llm_provider"]}"' in settings
    readme = (project / "README.md").read_text("utf-8")
    assert "```mermaid" in readme and "| `DAILY_TOKEN_QUOTA` |" in readme
    table = readme.split("<!-- eval-results:start -->")[1].split("<!-- eval-results:end -->")[0]
    assert "| Cases passed | 6/6 (100%) |" in table
    # The README's table is this preset's eval, case for case.
    cases = [json.loads(line)["name"] for line in (project / "evals/cases.jsonl").read_text("utf-8").splitlines()]
    assert [f"| {name} | pass | - |" for name in cases] == [
        line for line in table.splitlines() if line.endswith("| pass | - |")
    ]
    assert context()["_preset_descriptions"][chosen["product_preset"]] in readme
