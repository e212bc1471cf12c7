"""Keep only the chosen license text and deploy file. No git here: the app does that."""

import shutil
from pathlib import Path

# Answers arrive as JSON string literals (tojson), never pasted into the source: a quote in an
# answer cannot end the string and run as code.
LICENSE = {{ cookiecutter.license | tojson }}
DEPLOY = {{ cookiecutter.deploy_target | tojson }}
DEPLOY_FILES = {"render": "render.yaml", "fly": "fly.toml", "railway": "railway.json"}

root = Path.cwd()
licenses = root / "licenses"
shutil.move(str(licenses / f"{LICENSE}.txt"), str(root / "LICENSE"))
shutil.rmtree(licenses)
# Shipped under another name: a literal `.python-version` inside the template folder would
# point pyenv at an unrendered version for anyone working in the app's repository.
(root / "dot-python-version").rename(root / ".python-version")
for target, name in DEPLOY_FILES.items():
    if target != DEPLOY:
        (root / name).unlink()
