"""What a project's own files say about it: the facts a write-up draft and a portfolio export are
built from, and nothing else. Every figure here was read from a file the project's own commands
wrote (evals/results.md, docs/BENCHMARKS.md) or from git; a fact that is not there is None or
empty, never guessed.

Reads are bounded (files over MAX_FILE_BYTES and anything that is not a regular file inside the
project are skipped), and git runs with a list argv and configuration that cannot run commands.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.core.readiness.markdown import MarkdownDoc, parse_markdown

MAX_FILE_BYTES = 1_000_000
MAX_COMMITS = 200
_EVAL_COMMAND = re.compile(r"Written by `([^`]+)`")
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)*\s*(?:%|ms|s|x|×)?$")
# Conventional-commit types, worded for a reader of "What I learned".
_COMMIT_GROUPS = {
    "feat": "Features added",
    "fix": "Bugs fixed",
    "perf": "Made faster",
    "refactor": "Restructured",
    "test": "Tests added",
    "docs": "Documentation",
    "eval": "Evaluation",
    "ci": "Build and CI",
    "build": "Build and CI",
    "chore": "Upkeep",
}


@dataclass(frozen=True)
class Metric:
    name: str
    value: str
    source: str  # the file it was read from


@dataclass(frozen=True)
class Commit:
    sha: str
    subject: str


@dataclass(frozen=True)
class ProjectFacts:
    path: Path
    title: str
    pitch: str
    answers: dict[str, Any]
    mermaid: str | None
    mermaid_source: str | None
    metrics: tuple[Metric, ...]
    eval_command: str | None
    own_commits: tuple[Commit, ...]  # the author's commits after the generated first commit, oldest first
    dependencies: tuple[str, ...]
    has_demo_gif: bool
    remote_url: str | None
    extras: dict[str, Any] = field(default_factory=dict)

    def metric(self, *names: str) -> Metric | None:
        wanted = [n.lower() for n in names]
        for name in wanted:
            for metric in self.metrics:
                if metric.name.lower() == name:
                    return metric
        return None

    def commit_groups(self) -> dict[str, list[Commit]]:
        groups: dict[str, list[Commit]] = {}
        for commit in self.own_commits:
            prefix = re.match(r"^(\w+)(?:\([^)]*\))?!?:\s*", commit.subject)
            label = _COMMIT_GROUPS.get(prefix.group(1).lower(), "Other changes") if prefix else "Other changes"
            subject = commit.subject[prefix.end() :] if prefix and label != "Other changes" else commit.subject
            groups.setdefault(label, []).append(Commit(commit.sha, subject))
        return groups


def read_bounded(path: Path, root: Path) -> str | None:
    """The text of a regular file inside `root`, or None (missing, a link out, a FIFO, too large)."""
    try:
        resolved = path.resolve(strict=True)
        if not resolved.is_relative_to(root.resolve()):
            return None
        info = resolved.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        return resolved.read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return None


def _doc(root: Path, relative: str) -> MarkdownDoc | None:
    text = read_bounded(root / relative, root)
    return parse_markdown(text) if text is not None else None


def _table_metrics(text: str, source: str) -> list[Metric]:
    """Rows `| name | value |` of Markdown tables whose value reads as a measured figure."""
    metrics = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or set(cells[1]) <= set("-: "):
            continue
        name, value = cells[0].strip("*` "), cells[1].strip("*` ")
        if name and (_NUMBER.match(value.replace(" ", "")) or re.match(r"^\d+(?:\.\d+)? ?/ ?\d+", value)):
            metrics.append(Metric(name, value, source))
    return metrics


def _git(root: Path, *args: str) -> str | None:
    """git's output in the project, through safe_git (the project may be an imported one)."""
    from scaffolder.core.safe_git import safe_git

    done = safe_git(root, timeout=20).run(*args)
    return done.stdout.decode("utf-8", errors="replace") if done.returncode == 0 else None


def _own_commits(root: Path) -> tuple[Commit, ...]:
    """Commits since the template's pristine output (refs/scaffolder/template), else since the root."""
    base = "refs/scaffolder/template" if _git(root, "rev-parse", "-q", "--verify", "refs/scaffolder/template") else None
    if base is None:
        roots = (_git(root, "rev-list", "--max-parents=0", "HEAD") or "").split()
        base = roots[0] if roots else None
    if base is None:
        return ()
    log = _git(
        root, "log", "--no-merges", f"--max-count={MAX_COMMITS}", "--reverse", "--format=%H%x00%s", f"{base}..HEAD"
    )
    commits = []
    for line in (log or "").splitlines():
        sha, _, subject = line.partition("\x00")
        if sha and subject:
            commits.append(Commit(sha, subject))
    return tuple(commits)


def _dependencies(root: Path) -> tuple[str, ...]:
    text = read_bounded(root / "pyproject.toml", root)
    if text is None:
        return ()
    import tomllib

    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError:
        return ()
    names = []
    for spec in project.get("dependencies", []) if isinstance(project, dict) else []:
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", str(spec))
        if match:
            names.append(match.group(1).lower())
    return tuple(names)


def _answers(root: Path) -> dict[str, Any]:
    import json

    for relative in (".scaffolder/answers.json", ".cookiecutter.json"):
        text = read_bounded(root / relative, root)
        if text is None:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("cookiecutter"), dict):
            return {k: v for k, v in data["cookiecutter"].items() if not k.startswith("_")}
    return {}


def _pitch(readme: MarkdownDoc | None, answers: dict[str, Any]) -> str:
    if readme is not None:
        for paragraph in readme.paragraphs:
            if not paragraph.media_only and len(paragraph.text.split()) >= 4:
                return paragraph.text
    return str(answers.get("description", ""))


def _mermaid(root: Path, readme: MarkdownDoc | None) -> tuple[str | None, str | None]:
    for relative, doc in (("README.md", readme), ("docs/ARCHITECTURE.md", _doc(root, "docs/ARCHITECTURE.md"))):
        if doc is None:
            continue
        for block in doc.code_blocks:
            if block.lang == "mermaid":
                return block.content.strip(), relative
    return None, None


def _github_remote(root: Path) -> str | None:
    url = (_git(root, "remote", "get-url", "origin") or "").strip()
    match = re.match(r"^(?:https://(?:[^@/]+@)?github\.com/|git@github\.com:)([^/]+)/(.+?)(?:\.git)?/?$", url)
    return f"https://github.com/{match.group(1)}/{match.group(2)}" if match else None


def read_project_facts(root: Path, name: str | None = None) -> ProjectFacts:
    root = Path(root)
    readme = _doc(root, "README.md")
    answers = _answers(root)
    title = (
        name or (readme.title.text if readme and readme.title else "") or str(answers.get("project_name", root.name))
    )
    metrics: list[Metric] = []
    eval_command = None
    for relative in ("evals/results.md", "docs/BENCHMARKS.md"):
        text = read_bounded(root / relative, root)
        if text is None:
            continue
        metrics += _table_metrics(text, relative)
        found = _EVAL_COMMAND.search(text)
        if found and relative == "evals/results.md":
            eval_command = found.group(1)
    mermaid, mermaid_source = _mermaid(root, readme)
    demo = root / "docs" / "demo.gif"
    return ProjectFacts(
        path=root,
        title=title,
        pitch=_pitch(readme, answers),
        answers=answers,
        mermaid=mermaid,
        mermaid_source=mermaid_source,
        metrics=tuple(metrics),
        eval_command=eval_command,
        own_commits=_own_commits(root),
        dependencies=_dependencies(root),
        has_demo_gif=demo.is_file() and not demo.is_symlink(),
        remote_url=_github_remote(root),
    )
