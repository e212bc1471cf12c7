"""The links that name the template's placeholder account (the README's badges and links, the
package's project URLs), fixed to point at the published repository, in a commit the user
confirms."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scaffolder.core.errors import UserError
from scaffolder.core.github.remote import git_in as _git

PLACEHOLDER = "your-github-username"
FILES = ("README.md", "pyproject.toml")  # where the templates link to the repository


@dataclass(frozen=True)
class PlaceholderFix:
    folder: Path
    owner: str
    repo: str
    new_texts: dict[str, str]  # file (relative) -> its fixed text
    lines: int  # how many lines change, in all

    @property
    def summary(self) -> str:
        files = " and ".join(self.new_texts)
        plural = "s" if self.lines != 1 else ""
        return f"{self.lines} line{plural} of {files} link to {PLACEHOLDER}; the fix points them at {self.owner}/{self.repo}."


def replaced(text: str, owner: str, repo: str, slug: str | None) -> str:
    if slug and slug != repo:
        text = text.replace(f"{PLACEHOLDER}/{slug}", f"{owner}/{repo}")
    return text.replace(PLACEHOLDER, owner)


def find_fix(folder: Path, owner: str, repo: str, slug: str | None = None) -> PlaceholderFix | None:
    """What the fix would change; None when no file names the placeholder."""
    new_texts: dict[str, str] = {}
    lines = 0
    for name in FILES:
        try:
            text = (folder / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if PLACEHOLDER in text:
            new_texts[name] = replaced(text, owner, repo, slug)
            lines += sum(1 for line in text.splitlines() if PLACEHOLDER in line)
    return PlaceholderFix(folder, owner, repo, new_texts, lines) if new_texts else None


def apply_fix(fix: PlaceholderFix) -> str:
    """Write the files and commit only them. Returns the new commit's sha. On failure the files
    are put back as they were."""
    originals = {name: (fix.folder / name).read_text(encoding="utf-8") for name in fix.new_texts}
    for name, text in fix.new_texts.items():
        (fix.folder / name).write_text(text, encoding="utf-8")
    message = f"Point the README's badges and links at {fix.owner}/{fix.repo}"
    result = _git(fix.folder, "commit", "--quiet", "-m", message, "--", *fix.new_texts)
    if result.returncode != 0:
        for name, text in originals.items():
            (fix.folder / name).write_text(text, encoding="utf-8")
        raise UserError(f"Could not commit the link fix: {result.stderr.strip() or result.stdout.strip()}.")
    return _git(fix.folder, "rev-parse", "HEAD").stdout.strip()
