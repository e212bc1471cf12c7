"""The README's badges and links that name the template's placeholder account, fixed to point
at the published repository, in a commit the user confirms."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from scaffolder.core.errors import UserError
from scaffolder.core.git import git_executable

PLACEHOLDER = "your-github-username"
README = "README.md"


@dataclass(frozen=True)
class PlaceholderFix:
    path: Path  # the README
    owner: str
    repo: str
    lines: int  # how many lines change
    new_text: str

    @property
    def summary(self) -> str:
        plural = "s" if self.lines != 1 else ""
        return f"{self.lines} line{plural} of {self.path.name} link to {PLACEHOLDER}; they would point at {self.owner}/{self.repo}."


def replaced(text: str, owner: str, repo: str, slug: str | None) -> str:
    if slug and slug != repo:
        text = text.replace(f"{PLACEHOLDER}/{slug}", f"{owner}/{repo}")
    return text.replace(PLACEHOLDER, owner)


def find_fix(project: Path, owner: str, repo: str, slug: str | None = None) -> PlaceholderFix | None:
    """What fixing the README would change; None when it names no placeholder."""
    readme = project / README
    try:
        text = readme.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if PLACEHOLDER not in text:
        return None
    new_text = replaced(text, owner, repo, slug)
    changed = sum(1 for old, new in zip(text.splitlines(), new_text.splitlines(), strict=False) if old != new)
    return PlaceholderFix(readme, owner, repo, changed, new_text)


def apply_fix(fix: PlaceholderFix) -> str:
    """Write the README and commit only it. Returns the new commit's sha."""
    folder = fix.path.parent
    original = fix.path.read_text(encoding="utf-8")
    fix.path.write_text(fix.new_text, encoding="utf-8")
    result = subprocess.run(
        [
            git_executable(),
            "commit",
            "--quiet",
            "-m",
            f"README: badges and links point at {fix.owner}/{fix.repo}",
            "--",
            fix.path.name,
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )
    if result.returncode != 0:
        fix.path.write_text(original, encoding="utf-8")  # nothing half-done: the file is as it was
        raise UserError(f"Could not commit the README fix: {result.stderr.strip() or result.stdout.strip()}.")
    head = subprocess.run(
        [git_executable(), "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, check=True
    )
    return head.stdout.strip()
