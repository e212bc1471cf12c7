"""Consent to run a third-party template: what it would run, and whether the user agreed to it.

A template is code, not data: its files, file names and `cookiecutter.json` defaults are Jinja
(which cookiecutter renders unsandboxed), its hooks are scripts and its `_extensions` are Python
imported from its folder. The bundled templates are the app's own and trusted; any other runs only
after the user agreed to it, and the agreement is for one folder at one content digest, so a
template that changed afterwards asks again. Until then the app only reads it, and renders its
defaults in Jinja's sandbox (see `catalogue.jinja_environment`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder.core.errors import OutsideProjectFolder, TemplateError

if TYPE_CHECKING:
    from scaffolder.core.catalogue import TemplateInfo
    from scaffolder.core.store import Store

HOOK_NAMES = ("pre_prompt", "pre_gen_project", "post_gen_project")
# Never part of what the user reviews: git's own data, and bytecode Python writes beside a local
# extension when cookiecutter imports it (which would otherwise change the digest on first use).
_SKIPPED_DIRS = {".git", "__pycache__"}


@dataclass(frozen=True)
class TemplateCode:
    """What a template would run, and the digest of everything in its folder."""

    digest: str
    hooks: tuple[str, ...]  # file names in hooks/, e.g. "post_gen_project.py"
    local_extensions: tuple[str, ...]  # `_extensions` modules found in the template's folder
    package_extensions: tuple[str, ...]  # `_extensions` imported from installed packages


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _outward_link_problem(link: Path, root: Path) -> OutsideProjectFolder | None:
    target = os.path.realpath(link)
    if _inside(target, str(root)):
        return None
    relative = link.relative_to(root).as_posix()
    return OutsideProjectFolder(
        f"The template file {relative} is a symbolic link to {os.readlink(link)}, outside the template;"
        " a generated project never copies files from elsewhere on your computer.",
        f"Remove or replace the link in {root}, or choose another template.",
    )


def template_digest(root: Path) -> str:
    """SHA-256 over every path, link target and file content under `root` (refusing outward links)."""
    import hashlib  # with OpenSSL, 3.5 MB: not loaded by the app's start, which never hashes a template

    root = Path(os.path.realpath(root))
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
        for name in [*dirs, *sorted(files)]:
            path = Path(folder, name)
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                problem = _outward_link_problem(path, root)
                if problem is not None:
                    raise problem
                digest.update(f"link\0{relative}\0{os.readlink(path)}\0".encode())
            elif path.is_dir():
                digest.update(f"dir\0{relative}\0".encode())
            elif path.is_file():
                digest.update(f"file\0{relative}\0{path.stat().st_size}\0".encode())
                try:
                    with path.open("rb") as stream:
                        while block := stream.read(1 << 16):
                            digest.update(block)
                except OSError as err:
                    raise TemplateError(f"Cannot read the template file {relative}: {err.strerror or err}.") from err
            else:  # a FIFO or a device: never opened
                raise TemplateError(
                    f"The template file {relative} is not a regular file.", "Remove it from the template."
                )
    return digest.hexdigest()


def hook_files(root: Path) -> tuple[str, ...]:
    hooks = root / "hooks"
    if not hooks.is_dir():
        return ()
    return tuple(
        sorted(p.name for p in hooks.iterdir() if p.stem in HOOK_NAMES and not p.name.endswith("~") and p.is_file())
    )


def _extensions(root: Path, context: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    declared = context.get("_extensions")
    names = [str(e) for e in declared] if isinstance(declared, list) else []
    local: list[str] = []
    packaged: list[str] = []
    for name in names:
        module = name.rpartition(".")[0] or name
        top = module.split(".")[0]
        is_local = (root / f"{top}.py").is_file() or (root / top / "__init__.py").is_file()
        (local if is_local else packaged).append(module)
    return tuple(dict.fromkeys(local)), tuple(dict.fromkeys(packaged))


def inspect_template(root: Path, context: dict[str, Any]) -> TemplateCode:
    local, packaged = _extensions(root, context)
    return TemplateCode(template_digest(root), hook_files(root), local, packaged)


def consent_text(template: TemplateInfo) -> str:
    """What agreeing to `template` lets run, in the words every surface shows."""
    lines = [
        f"The template {template.name!r} ({template.path}) is not one of the app's own, and its files are code:"
        " its file contents, file names and the defaults in its cookiecutter.json are Jinja templates that"
        " can run commands on your computer while they are rendered."
    ]
    if template.hook_files:
        lines.append(f"It runs hooks (scripts): {', '.join(f'hooks/{h}' for h in template.hook_files)}.")
    if template.local_extensions:
        lines.append(
            "It imports Python from its own folder as Jinja extensions: " + ", ".join(template.local_extensions) + "."
        )
    if template.package_extensions:
        lines.append(
            "It loads Jinja extensions from installed packages: " + ", ".join(template.package_extensions) + "."
        )
    lines.append("Agree only if you trust whoever wrote it; read it first. A changed template asks again.")
    return "\n".join(lines)


def has_consent(store: Store, template: TemplateInfo) -> bool:
    if template.bundled:
        return True
    if not template.digest:
        return False
    # A read: the store's own connection (settings, timeouts) without taking the write lock.
    with store._connect() as db:
        row = db.execute(
            "SELECT 1 FROM template_consents WHERE template_path = ? AND digest = ?",
            (str(template.path), template.digest),
        ).fetchone()
    return row is not None


def record_consent(store: Store, template: TemplateInfo) -> None:
    if template.bundled or not template.digest:
        return
    with store.transaction() as db:
        db.execute(
            "INSERT OR IGNORE INTO template_consents (template_path, digest, agreed_at) VALUES (?, ?, ?)",
            (str(template.path), template.digest, datetime.now(UTC).isoformat(timespec="seconds")),
        )


def check_unchanged(template: TemplateInfo) -> None:
    """Refuse to run a template whose content changed since it was loaded (and agreed to)."""
    if template.bundled:
        return
    if template_digest(template.path) != template.digest:
        raise TemplateError(
            f"The template {template.name!r} changed since you agreed to run it.",
            "Review it again and agree to the new version (choose it again, or run the command again).",
        )
