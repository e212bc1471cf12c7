"""Keep only the deploy file of the chosen platform."""

from pathlib import Path

DEPLOY_FILES = {"render": "render.yaml", "fly": "fly.toml", "railway": "railway.json"}
chosen = "{{ cookiecutter.deploy_target }}"

for target, name in DEPLOY_FILES.items():
    if target != chosen:
        Path(name).unlink()
