"""Draft the sections of WRITEUP.md that still hold only the template's prompts.

Each drafted section is built from facts the project's own files hold (see project_facts): the
README's pitch and the answers for Problem and Approach, the Mermaid diagram for Architecture,
the eval results with the command that wrote them for Results, the author's own commits for
What I learned. Offline, the draft is those facts laid out for the author to rewrite; with a
provider, a model turns the same facts into prose and the draft says which model wrote it.

The author's words are never touched: a section with any text of the author's (including a draft
they edited) is left as it is. Drafts are fenced (see drafts.py), so the checklist does not count
them until the author edits them, and a later run replaces an unedited draft rather than adding a
second one. The template's italic prompts stay below the draft as a guide.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scaffolder.core.drafts import draft_blocks, fence
from scaffolder.core.errors import UserError
from scaffolder.core.llm import complete
from scaffolder.core.project_facts import ProjectFacts, read_bounded, read_project_facts
from scaffolder.core.readiness.markdown import mentions, parse_markdown
from scaffolder.core.readiness.writeup import TOPICS

WRITEUP = "WRITEUP.md"
SECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "problem": ("Problem", TOPICS["problem"]),
    "approach": ("Approach", TOPICS["approach"]),
    "architecture": ("Architecture", ("architecture", "how it fits together", "system design")),
    "results": ("Results", TOPICS["results"]),
    "lessons": ("What I learned", TOPICS["lessons"]),
}
SYSTEM_PROMPT = (
    "You help a software engineer draft one section of a blog post about their own project. Write in the first"
    " person, plainly, 80 to 180 words, Markdown allowed. Use only the facts given: never invent a figure, a user,"
    " a company or a result. If a fact is missing, leave it out."
)


@dataclass(frozen=True)
class SectionOutcome:
    section: str
    heading: str
    action: str  # "drafted", "redrafted", "kept" (the author's words), "no facts"
    detail: str = ""


@dataclass(frozen=True)
class DraftResult:
    path: Path
    provider: str
    model: str | None
    sections: tuple[SectionOutcome, ...]

    @property
    def drafted(self) -> list[str]:
        return [s.section for s in self.sections if s.action in {"drafted", "redrafted"}]


# --- what each section says, offline -------------------------------------------------------------


def _problem(facts: ProjectFacts) -> str | None:
    if not facts.pitch:
        return None
    lines = [f"**{facts.title}** — {facts.pitch}"]
    if facts.answers.get("description") and facts.answers["description"] != facts.pitch:
        lines.append(f"\nIn one line: {facts.answers['description']}")
    return "\n".join(lines)


_SHAPING_ANSWERS = (
    "llm_provider",
    "embedding_provider",
    "vector_store",
    "database",
    "deploy_target",
    "auth",
    "frontend",
    "web_search",
    "license",
)


def _approach(facts: ProjectFacts) -> str | None:
    choices = [f"- `{key}`: {facts.answers[key]}" for key in _SHAPING_ANSWERS if key in facts.answers]
    stack = [d for d in facts.dependencies if d not in {"pip", "setuptools", "wheel"}][:10]
    if not choices and not stack:
        return None
    text = []
    if choices:
        text += ["The choices this project was built on:", "", *choices, ""]
    if stack:
        text.append("Built with " + ", ".join(f"`{d}`" for d in stack) + ".")
    return "\n".join(text)


def _architecture(facts: ProjectFacts) -> str | None:
    if not facts.mermaid:
        return None
    return f"```mermaid\n{facts.mermaid}\n```\n\nThe diagram from {facts.mermaid_source}."


def _results(facts: ProjectFacts) -> str | None:
    if not facts.metrics:
        return None
    rows = ["| metric | value | source |", "| --- | --- | --- |"]
    rows += [f"| {m.name} | {m.value} | `{m.source}` |" for m in facts.metrics[:20]]
    produced = f"\n\nProduced by `{facts.eval_command}`." if facts.eval_command else ""
    return "\n".join(rows) + produced


def _lessons(facts: ProjectFacts) -> str | None:
    groups = facts.commit_groups()
    if not groups:
        return None
    text = [f"What changed after the first commit ({len(facts.own_commits)} commits of mine):", ""]
    for label, commits in groups.items():
        text.append(f"**{label}**")
        text += [f"- {c.subject} ({c.sha[:7]})" for c in commits[:12]]
        text.append("")
    return "\n".join(text)


OFFLINE: dict[str, Callable[[ProjectFacts], str | None]] = {
    "problem": _problem,
    "approach": _approach,
    "architecture": _architecture,
    "results": _results,
    "lessons": _lessons,
}


# --- where each section is in the file -----------------------------------------------------------


@dataclass
class _Section:
    key: str
    heading_line: int  # 0-based index of the heading line, or -1 when the file has no such heading
    end: int  # 0-based index one past the section's last line


def _find_sections(lines: list[str]) -> dict[str, _Section]:
    doc = parse_markdown("\n".join(lines))
    found: dict[str, _Section] = {}
    for heading in doc.headings:
        if heading.level != 2:
            continue
        for key, (_title, words) in SECTIONS.items():
            if key not in found and mentions(heading.text, words):
                found[key] = _Section(key, heading.line - 1, min(heading.end_line - 1, len(lines)))
                break
    return found


def _authored_words(body: str) -> int:
    return parse_markdown(body).words


def _replace_section(lines: list[str], section: _Section, draft: str, author: str) -> tuple[list[str], str]:
    """The lines with `draft` in place of the section's unedited draft (or after its heading)."""
    body_start = section.heading_line + 1
    body = "\n".join(lines[body_start : section.end])
    fenced = fence(draft, author).rstrip("\n").split("\n")
    for block in draft_blocks(body):
        if not block.edited:
            first, last = body_start + block.first_line - 1, body_start + block.last_line - 1
            return [*lines[:first], *fenced, *lines[last + 1 :]], "redrafted"
    return [*lines[:body_start], "", *fenced, *lines[body_start:]], "drafted"


def _model_draft(provider: str, key: str, offline_text: str, facts: ProjectFacts) -> tuple[str, str]:
    title = SECTIONS[key][0]
    prompt = (
        f"Project: {facts.title}\nPitch: {facts.pitch}\n\nWrite the section '{title}'. The facts for it, as the"
        f" project's files state them:\n\n{offline_text}"
    )
    completion = complete(provider, SYSTEM_PROMPT, prompt)
    return completion.text, completion.model


def draft_writeup(root: Path, *, provider: str = "offline", name: str | None = None) -> DraftResult:
    root = Path(root)
    path = root / WRITEUP
    text = read_bounded(path, root) if path.exists() else ""
    if text is None:
        raise UserError(
            f"{path} cannot be read as a write-up (not a regular file, or over 1 MB).",
            "Move it aside and draft again.",
        )
    facts = read_project_facts(root, name)
    lines = text.splitlines() or [f"# {facts.title}", ""]
    outcomes: list[SectionOutcome] = []
    model: str | None = None
    for key, (title, _words) in SECTIONS.items():
        sections = _find_sections(lines)
        section = sections.get(key)
        if section is not None and _authored_words("\n".join(lines[section.heading_line + 1 : section.end])):
            outcomes.append(SectionOutcome(key, title, "kept", "your own words"))
            continue
        offline_text = OFFLINE[key](facts)
        if offline_text is None:
            outcomes.append(SectionOutcome(key, title, "no facts", _MISSING[key]))
            continue
        draft, author = offline_text, "offline"
        if provider != "offline":
            draft, model = _model_draft(provider, key, offline_text, facts)
            author = model
        if section is None:
            lines += ["", f"## {title}"]
            section = _Section(key, len(lines) - 1, len(lines))
        lines, action = _replace_section(lines, section, draft, author.replace(" ", "_"))
        outcomes.append(SectionOutcome(key, title, action))
    _write_atomically(path, "\n".join(lines).rstrip("\n") + "\n")
    return DraftResult(path, provider, model, tuple(outcomes))


_MISSING = {
    "problem": "no pitch in the README and no description answer",
    "approach": "no recorded answers and no dependencies in pyproject.toml",
    "architecture": "no Mermaid diagram in README.md or docs/ARCHITECTURE.md",
    "results": "no figures in evals/results.md (run the project's eval command first)",
    "lessons": "no commits of yours after the generated first commit yet",
}


def _write_atomically(path: Path, text: str) -> None:
    """Write next to the file and rename over it: an interrupted draft never half-writes it."""
    fd, temp = tempfile.mkstemp(prefix=".writeup-", suffix=".md", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
