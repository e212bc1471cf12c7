"""Keep only the deploy file of the chosen platform, name .python-version. No git operations here."""

from pathlib import Path

DEPLOY_FILES = {"render": "render.yaml", "fly": "fly.toml", "railway": "railway.json"}
# Answers arrive as JSON string literals (tojson), never pasted into the source: a quote in an
# answer cannot end the string and run as code.
chosen = {{ cookiecutter.deploy_target | tojson }}

for target, name in DEPLOY_FILES.items():
    if target != chosen:
        Path(name).unlink(missing_ok=True)

# Shipped under another name: a literal `.python-version` inside the template folder would
# point pyenv at an unrendered version for anyone working in the app's repository.
Path("dot-python-version").rename(".python-version")
