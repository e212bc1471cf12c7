"""Small cookiecutter templates written inline, in the spirit of copier's `build_file_tree`.

    template = build_file_tree(tmp_path / "tpl", {
        "cookiecutter.json": {"project_name": "Demo", "project_slug": "{{ cookiecutter.project_name|slugify }}"},
        "{{cookiecutter.project_slug}}/README.md": "# {{ cookiecutter.project_name }}\n",
        "hooks/post_gen_project.py": "import sys; sys.exit(3)\n",
    })

A dict or list value is written as JSON; text is dedented so tests can indent it; bytes are
written as they are.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

PROJECT_DIR = "{{cookiecutter.project_slug}}"


def build_file_tree(root: Path, spec: dict[str, Any]) -> Path:
    """Write `spec` ({relative path: content}) under `root` and return `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for relative, content in spec.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, dict | list):
            path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
        else:
            path.write_text(textwrap.dedent(str(content)), encoding="utf-8")
    return root


def minimal_template(root: Path, *, files: dict[str, Any] | None = None, **context: Any) -> Path:
    """A valid template with `project_name`/`project_slug` and a README; `files` adds or replaces
    entries (paths inside the project folder start with PROJECT_DIR), `context` adds questions."""
    config: dict[str, Any] = {
        "project_name": "Demo Project",
        "project_slug": "{{ cookiecutter.project_name|slugify }}",
        **context,
    }
    spec: dict[str, Any] = {
        "cookiecutter.json": config,
        f"{PROJECT_DIR}/README.md": "# {{ cookiecutter.project_name }}\n",
        f"{PROJECT_DIR}/src/app.py": 'NAME = "{{ cookiecutter.project_slug }}"\n',
    }
    spec.update(files or {})
    return build_file_tree(root, spec)


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative path → bytes), to show that nothing was touched."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
