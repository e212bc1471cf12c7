"""The readiness vocabulary: a `Check` (what is asked and why), the `Finding` a check function
returns, the `CheckResult` the engine records, and the `Report` for one project.

Checks are data: each checklist module is a tuple of `Check` records, and the engine only
walks them. The GUI and the CLI show these same records, so a `Check` is a `Check` everywhere.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder.core.store import ManualCheck, Probe, UrlField
from scaffolder.core.surface import Surface as Surface  # where a fix is read; re-exported
from scaffolder.core.surface import word

if TYPE_CHECKING:
    from scaffolder.core.readiness.snapshot import RepoSnapshot


class Result(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"
    NOT_CHECKED = "not_checked"  # a probe that has not run yet, an unticked manual check, a missing folder


class Kind(StrEnum):
    AUTO = "auto"
    MANUAL = "manual"


class Checklist(StrEnum):
    README = "readme"
    DEPLOYMENT = "deployment"
    WRITEUP = "writeup"
    HISTORY = "history"  # the git-iteration check, kept apart from the three checklists

    @property
    def label(self) -> str:
        return _CHECKLIST_LABELS[self]


_CHECKLIST_LABELS = {
    Checklist.README: "README",
    Checklist.DEPLOYMENT: "Deployment",
    Checklist.WRITEUP: "Write-up",
    Checklist.HISTORY: "Git history",
}


class Level(IntEnum):
    """The readiness ladder. A level counts only when its checks and every lower level's pass."""

    NOT_STARTED = 0  # a recommended project the portfolio does not have yet
    DRAFT = 1
    SHAREABLE = 2
    DEPLOYED = 3
    PORTFOLIO_READY = 4

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]

    @property
    def slug(self) -> str:
        return self.name.lower().replace("_", "-")


_LEVEL_LABELS = {
    Level.NOT_STARTED: "Not started",
    Level.DRAFT: "Draft",
    Level.SHAREABLE: "Shareable",
    Level.DEPLOYED: "Deployed",
    Level.PORTFOLIO_READY: "Portfolio-ready",
}

# Ladder levels a check can gate (Draft is where every project starts: it has no checks).
GATED_LEVELS = (Level.SHAREABLE, Level.DEPLOYED, Level.PORTFOLIO_READY)


@dataclass(frozen=True)
class Finding:
    """What a check function decided: the result, the evidence it saw, and (optionally) a fix
    more specific than the check's own hint."""

    result: Result
    evidence: str
    fix: str = ""


def passed(evidence: str) -> Finding:
    return Finding(Result.PASSED, evidence)


def failed(evidence: str, fix: str = "") -> Finding:
    return Finding(Result.FAILED, evidence, fix)


def not_applicable(evidence: str) -> Finding:
    return Finding(Result.NOT_APPLICABLE, evidence)


def not_checked(evidence: str, fix: str = "") -> Finding:
    return Finding(Result.NOT_CHECKED, evidence, fix)


@dataclass(frozen=True)
class Facts:
    """Everything a check may look at for one project, read once: the repository snapshot, the
    recorded URLs and manual ticks, and the last probe of each URL (None when never probed)."""

    name: str
    snapshot: RepoSnapshot
    live_url: str | None
    writeup_url: str | None
    manual_checks: dict[str, ManualCheck]
    probes: dict[str, Probe]


CheckFunction = Callable[[Facts], Finding]


# action: (command line, app). {name} is the project's name (shell-quoted), {check} the check's id.
ACTIONS: dict[str, tuple[str, str]] = {
    "record_live_url": (f"scaffolder set {{name}} {UrlField.LIVE} https://…", "type it in the Live URL field"),
    "record_writeup_url": (
        f"scaffolder set {{name}} {UrlField.WRITEUP} https://…",
        "type it in the Write-up URL field",
    ),
    "tick": ("tick it: scaffolder check {name} {check}", "tick its box in this list"),
    "tick_with_url": (
        "tick it with its URL: scaffolder check {name} {check} --evidence https://…",
        "double-click its Evidence cell and paste the URL",
    ),
    "recheck": ("run scaffolder status {name}", "press Re-check"),
    "forget": ("scaffolder forget {name}", "press Forget…"),
    "record_demo": ("scaffolder demo {name}", "press Record demo GIF…"),
    "draft_writeup": ("scaffolder writeup {name}", "press Draft write-up…"),
    "publish": ("scaffolder publish {name}", "press Publish to GitHub…"),
    "deploy": ("scaffolder deploy {name}", "press Deploy…"),
}


def word_fix(fix: str, surface: Surface, name: str, check_id: str) -> str:
    """A fix as `surface` shows it: its actions worded for that surface, the names filled in."""
    worded = word(fix, surface, name, check_id, actions=ACTIONS)
    return worded.replace("{name}", shlex.quote(name)).replace("{check}", check_id)


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    checklist: Checklist
    level: Level  # the rung of the ladder this check gates
    why: str  # one line: why it matters to a hiring manager
    fix: str  # how to fix it, shown when it does not pass; actions as {action} (see ACTIONS)
    evaluate: CheckFunction | None = None  # None: a manual check, ticked by the user

    @property
    def kind(self) -> Kind:
        return Kind.AUTO if self.evaluate is not None else Kind.MANUAL


@dataclass(frozen=True)
class CheckResult:
    check: Check
    result: Result
    evidence: str
    fix: str  # empty when passed or not applicable

    @property
    def ok(self) -> bool:
        """Passed or not applicable: does not hold a level back."""
        return self.result in (Result.PASSED, Result.NOT_APPLICABLE)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.check.id,
            "title": self.check.title,
            "kind": self.check.kind.value,
            "result": self.result.value,
            "evidence": self.evidence,
            "fix": self.fix,
            "why": self.check.why,
            "level": self.check.level.slug,
        }


@dataclass(frozen=True)
class Report:
    """One project's readiness, computed now from its files and the store."""

    project_id: int
    name: str
    kind: str
    path: Path
    exists: bool
    results: tuple[CheckResult, ...]
    checked_at: datetime
    probes: dict[str, Probe] = field(default_factory=dict)

    @cached_property
    def level(self) -> Level:
        """The highest level whose checks, and every lower level's, all pass."""
        reached = Level.DRAFT
        for level in GATED_LEVELS:
            if not all(r.ok for r in self.results if r.check.level == level):
                break
            reached = level
        return reached

    @cached_property
    def score(self) -> int:
        """Share of applicable checks passed, 0–100."""
        applicable = [r for r in self.results if r.result is not Result.NOT_APPLICABLE]
        if not applicable:
            return 100
        return round(100 * sum(r.result is Result.PASSED for r in applicable) / len(applicable))

    def result(self, check_id: str) -> CheckResult:
        for r in self.results:
            if r.check.id == check_id:
                return r
        raise KeyError(check_id)

    def checklist(self, checklist: Checklist) -> list[CheckResult]:
        return [r for r in self.results if r.check.checklist is checklist]

    def next_checks(self, count: int = 3) -> list[CheckResult]:
        """The first checks to do, climbing the ladder: lowest level first, in checklist order."""
        todo = [r for r in self.results if not r.ok]
        return sorted(todo, key=lambda r: r.check.level)[:count]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "path": str(self.path),
            "exists": self.exists,
            "level": self.level.slug,
            "level_label": self.level.label,
            "score": self.score,
            "checked_at": self.checked_at.isoformat(timespec="seconds"),
            "next": [r.check.id for r in self.next_checks()],
            "checklists": {c.value: [r.to_dict() for r in self.checklist(c)] for c in Checklist},
            "probes": {
                url: {
                    "status": p.status,
                    "latency_ms": p.latency_ms,
                    "error": p.error,
                    "probed_at": p.probed_at.isoformat(timespec="seconds"),
                }
                for url, p in self.probes.items()
            },
        }


@dataclass(frozen=True)
class PortfolioReport:
    """The portfolio's level is its weakest recommended project's; a missing one is not started."""

    reports: tuple[Report, ...]
    recommended_kinds: tuple[str, ...]

    @cached_property
    def best_by_kind(self) -> dict[str, Report]:
        best: dict[str, Report] = {}
        for report in self.reports:
            current = best.get(report.kind)
            if current is None or (report.level, report.score) > (current.level, current.score):
                best[report.kind] = report
        return best

    @property
    def missing_kinds(self) -> list[str]:
        return [kind for kind in self.recommended_kinds if kind not in self.best_by_kind]

    @property
    def level(self) -> Level:
        best = self.best_by_kind
        return min(
            (best[k].level if k in best else Level.NOT_STARTED for k in self.recommended_kinds), default=Level.DRAFT
        )

    @property
    def weakest(self) -> str | None:
        """The kind holding the portfolio's level back (a missing kind first)."""
        if self.missing_kinds:
            return self.missing_kinds[0]
        best = self.best_by_kind
        kinds = [k for k in self.recommended_kinds if k in best]
        return min(kinds, key=lambda k: (best[k].level, best[k].score)) if kinds else None

    def to_dict(self) -> dict[str, Any]:
        best = self.best_by_kind
        return {
            "level": self.level.slug,
            "level_label": self.level.label,
            "weakest": self.weakest,
            "missing": self.missing_kinds,
            "recommended": {k: (best[k].name if k in best else None) for k in self.recommended_kinds},
        }
