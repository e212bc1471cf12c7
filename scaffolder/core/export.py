"""The portfolio as others read it: a GitHub profile README, résumé bullets, or JSON for tools.

Only facts the app measured or the user recorded: the README's pitch, the recorded live URL, the
GitHub remote, a committed demo GIF, figures from the project's own evals/results.md and
docs/BENCHMARKS.md, the stack from pyproject.toml, and the readiness the checklists found. A fact
that is missing is left out of the text, never filled in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from scaffolder.core.project_facts import Metric, ProjectFacts, read_project_facts
from scaffolder.core.readiness.model import PortfolioReport, Report
from scaffolder.core.store import Project

FORMATS = ("profile-readme", "resume", "json")
# The figures that say most about each kind of project, best first; other figures follow.
HEADLINE_METRICS = (
    "hit@3",
    "task success",
    "mrr",
    "tool-call accuracy",
    "citation accuracy",
    "p95 retrieval",
    "p95",
)
KIND_PHRASES = {
    "rag": "a RAG service",
    "agent": "an AI agent",
    "fullstack": "a full-stack AI product",
}
# Stack badges for dependencies a reader recognises (shields.io static badges: no request at export).
BADGES = {
    "fastapi": ("FastAPI", "009688"),
    "sqlalchemy": ("SQLAlchemy", "D71F00"),
    "alembic": ("Alembic", "6BA81E"),
    "numpy": ("NumPy", "013243"),
    "openai": ("OpenAI", "412991"),
    "anthropic": ("Anthropic", "191919"),
    "httpx": ("HTTPX", "2F6FB0"),
    "pydantic": ("Pydantic", "E92063"),
    "uvicorn": ("Uvicorn", "499848"),
    "pypdf": ("pypdf", "EC1C24"),
    "wordllama": ("WordLlama", "6E56CF"),
    "argon2-cffi": ("Argon2", "4B8BBE"),
    "psycopg": ("PostgreSQL", "4169E1"),
}


@dataclass(frozen=True)
class ExportedProject:
    name: str
    kind: str
    pitch: str
    level: str
    score: int
    live_url: str | None
    repo_url: str | None
    demo_gif_url: str | None
    writeup_url: str | None
    headline: tuple[Metric, ...]
    stack: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "pitch": self.pitch,
            "level": self.level,
            "score": self.score,
            "live_url": self.live_url,
            "repo_url": self.repo_url,
            "demo_gif_url": self.demo_gif_url,
            "writeup_url": self.writeup_url,
            "figures": [{"name": m.name, "value": m.value, "source": m.source} for m in self.headline],
            "stack": list(self.stack),
        }


def _headline(facts: ProjectFacts, count: int = 2) -> tuple[Metric, ...]:
    chosen: list[Metric] = []
    for name in HEADLINE_METRICS:
        metric = facts.metric(name)
        if metric is not None and metric not in chosen:
            chosen.append(metric)
    return tuple(chosen[:count])


def export_project(project: Project, report: Report | None) -> ExportedProject:
    facts = read_project_facts(project.path, project.name)
    demo = f"{facts.remote_url}/raw/HEAD/docs/demo.gif" if facts.has_demo_gif and facts.remote_url else None
    return ExportedProject(
        name=project.name,
        kind=project.kind,
        pitch=facts.pitch,
        level=report.level.label if report else "unknown",
        score=report.score if report else 0,
        live_url=project.live_url,
        repo_url=facts.remote_url,
        demo_gif_url=demo,
        writeup_url=project.writeup_url,
        headline=_headline(facts),
        stack=tuple(d for d in facts.dependencies if d in BADGES),
    )


def export_portfolio(projects: list[Project], portfolio: PortfolioReport) -> list[ExportedProject]:
    """Every project whose folder is there, most ready first."""
    reports = {r.project_id: r for r in portfolio.reports}
    present = [p for p in projects if p.exists]
    exported = [(export_project(p, reports.get(p.id)), reports.get(p.id)) for p in present]
    exported.sort(key=lambda pair: (int(pair[1].level), pair[1].score) if pair[1] else (0, 0), reverse=True)
    return [e for e, _report in exported]


def _figures(project: ExportedProject) -> str:
    return ", ".join(f"{m.name} {m.value}" for m in project.headline)


def profile_readme(projects: list[ExportedProject]) -> str:
    lines = ["## Projects", ""]
    for p in projects:
        title = f"[{p.name}]({p.repo_url})" if p.repo_url else p.name
        lines.append(f"### {title}")
        lines.append("")
        if p.pitch:
            lines += [p.pitch, ""]
        if p.stack:
            lines.append(
                " ".join(
                    f"![{BADGES[d][0]}](https://img.shields.io/badge/-{BADGES[d][0]}-{BADGES[d][1]})" for d in p.stack
                )
            )
            lines.append("")
        facts = []
        if p.headline:
            facts.append(f"**Measured:** {_figures(p)}")
        if p.live_url:
            facts.append(f"**Live:** {p.live_url}")
        if p.writeup_url:
            facts.append(f"**Write-up:** {p.writeup_url}")
        if facts:
            lines += [" · ".join(facts), ""]
        if p.demo_gif_url:
            lines += [f"![{p.name} demo]({p.demo_gif_url})", ""]
    return "\n".join(lines).rstrip() + "\n"


def resume_bullets(projects: list[ExportedProject]) -> str:
    bullets = []
    for p in projects:
        what = KIND_PHRASES.get(p.kind, "a project")
        text = f"Built {what}, {p.name}"
        if p.pitch:
            text += f": {p.pitch.rstrip('.')}"
        if p.headline:
            text += f" ({_figures(p)})"
        where = p.live_url or p.repo_url
        if where:
            text += f"; {where}"
        bullets.append(f"- {text}.")
    return "\n".join(bullets) + ("\n" if bullets else "")


def render_export(projects: list[ExportedProject], fmt: str) -> str:
    if fmt == "profile-readme":
        return profile_readme(projects)
    if fmt == "resume":
        return resume_bullets(projects)
    return json.dumps({"projects": [p.to_dict() for p in projects]}, indent=2) + "\n"
