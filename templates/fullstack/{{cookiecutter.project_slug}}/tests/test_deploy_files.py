"""The documented Docker path works: compose resolves production settings after
`cp .env.example .env`, and the image holds what `eval` needs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
VARIABLE = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}")


def dotenv(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}`, as `docker compose config`."""

    def value(match: re.Match[str]) -> str:
        name, kind, rest = match.groups()
        if env.get(name):
            return env[name]
        if kind == "?":
            raise ValueError(f"{name}: {rest}")
        return rest or ""

    return VARIABLE.sub(value, text)


def compose_after_copying_env_example() -> dict[str, object]:
    env = dotenv(PROJECT / ".env.example")
    env["SECRET_KEY"] = "x" * 48  # the one thing the docs say to fill in
    return yaml.safe_load(interpolate((PROJECT / "compose.yaml").read_text("utf-8"), env))


def test_compose_runs_production_settings_after_the_documented_copy() -> None:
    compose = compose_after_copying_env_example()
    for service in ("app", "migrate"):
        environment = compose["services"][service]["environment"]  # type: ignore[index]
        assert environment["APP_ENV"] == "production", service
        assert environment["DATABASE_URL"].startswith("postgresql+psycopg://"), service
        assert environment["OLLAMA_BASE_URL"] == "http://host.docker.internal:11434", service
    assert "host.docker.internal:host-gateway" in compose["services"]["app"]["extra_hosts"]  # type: ignore[index]


def test_compose_needs_a_secret_key() -> None:
    env = dotenv(PROJECT / ".env.example")
    text = (PROJECT / "compose.yaml").read_text("utf-8")
    try:
        interpolate(text, env)
    except ValueError as exc:
        assert "SECRET_KEY" in str(exc)
    else:
        raise AssertionError("compose must refuse to start without SECRET_KEY")


def image_layout(tmp_path: Path) -> Path:
    """What the Dockerfile's final stage puts in WORKDIR /app, copied the same way."""
    app = tmp_path / "app"
    app.mkdir()
    final_stage = (PROJECT / "Dockerfile").read_text("utf-8").split("\nFROM ")[-1]
    for line in final_stage.splitlines():
        if line.startswith("COPY ") and "--from" not in line:
            *sources, target = line.split()[1:]
            for source in sources:
                destination = app / target if target not in ("./", ".") else app
                if (PROJECT / source).is_dir():
                    shutil.copytree(
                        PROJECT / source,
                        destination / Path(source).name if target in ("./", ".") else destination,
                    )
                else:
                    shutil.copy(PROJECT / source, destination)
    return app


def test_eval_runs_inside_the_image_layout(tmp_path: Path) -> None:
    app = image_layout(tmp_path)
    database = f"sqlite:///{(tmp_path / 'x.db').as_posix()}"
    env = {
        **os.environ,
        "APP_ENV": "development",
        "LLM_PROVIDER": "offline",
        "OFFLINE_TOKEN_DELAY": "0",
        "DATABASE_URL": database,
    }
    result = subprocess.run(
        [sys.executable, "-m", "{{ cookiecutter.package_name }}", "eval"],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Cases passed" in result.stdout
