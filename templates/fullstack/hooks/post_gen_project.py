"""Keep only the deploy file of the chosen platform."""

from pathlib import Path

DEPLOY_FILES = {"render": "render.yaml", "fly": "fly.toml", "railway": "railway.json"}
# Answers arrive as JSON string literals (tojson), never pasted into the source: a quote in an
# answer cannot end the string and run as code.
chosen = {{ cookiecutter.deploy_target | tojson }}

for target, name in DEPLOY_FILES.items():
    if target != chosen:
        Path(name).unlink()
