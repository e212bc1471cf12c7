"""Run the checklists: snapshot each project once (in parallel: it is mostly waiting on git),
probe the recorded URLs concurrently unless offline, then evaluate every check against the facts.

Automatic results are recomputed on every run; only manual ticks, URLs and probe results come
from the store. Offline, the last recorded probe of a URL stands in for a new one (its time is
part of the evidence), so the level does not drop just because the network was not asked.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from scaffolder.core.errors import UserError
from scaffolder.core.paths import BUNDLED_KINDS
from scaffolder.core.readiness import deployment, history, ownership, readme, writeup
from scaffolder.core.readiness.model import (
    Check,
    CheckResult,
    Facts,
    Finding,
    Kind,
    PortfolioReport,
    Report,
    Result,
    Surface,
    not_checked,
    passed,
    word_fix,
)
from scaffolder.core.readiness.probe import PROBE_TIMEOUT_S, probe_all
from scaffolder.core.readiness.snapshot import RepoSnapshot, read_snapshot
from scaffolder.core.store import Probe, Project, Store

log = logging.getLogger(__name__)

# Display order: README, Deployment, Write-up, then the history check.
ALL_CHECKS: tuple[Check, ...] = readme.CHECKS + deployment.CHECKS + writeup.CHECKS + history.CHECKS + ownership.CHECKS
_MAX_PARALLEL_SNAPSHOTS = 8


class UnknownCheck(UserError):
    """A check id that does not exist, or an automatic check given where a manual one is needed."""


def find_check(check_id: str) -> Check:
    for check in ALL_CHECKS:
        if check.id == check_id:
            return check
    raise UnknownCheck(f"There is no check {check_id!r}.", f"Checks: {', '.join(c.id for c in ALL_CHECKS)}.")


def manual_check(check_id: str) -> Check:
    """The manual check `check_id`; UnknownCheck if it does not exist or the app decides it itself."""
    check = find_check(check_id)
    if check.kind is not Kind.MANUAL:
        manual = ", ".join(c.id for c in ALL_CHECKS if c.kind is Kind.MANUAL)
        raise UnknownCheck(
            f"{check_id!r} is automatic: the app decides it from the project's files, git and URLs.",
            f"Fix what it says instead. Checks you tick yourself: {manual}.",
        )
    return check


def _manual_finding(check: Check, project: Project) -> Finding:
    tick = project.manual_checks.get(check.id)
    if tick is None:
        return not_checked("not ticked yet")
    when = tick.checked_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return passed(f"ticked {when}" + (f" — {tick.evidence_url}" if tick.evidence_url else ""))


def _evaluate_one(check: Check, facts: Facts, project: Project) -> Finding:
    if check.evaluate is None:
        return _manual_finding(check, project)
    if not facts.snapshot.exists:
        return not_checked(
            f"the project folder {project.path} is missing",
            "Move the folder back, or remove the project from the portfolio: {forget}",
        )
    try:
        return check.evaluate(facts)
    except Exception as err:  # one broken check must not hide the others; the log keeps the traceback
        log.exception("readiness check %s failed on %s", check.id, project.path)
        return not_checked(f"the check itself failed: {err!r}", "This is a bug in the app; the log has the details.")


def evaluate(
    project: Project, snapshot: RepoSnapshot, probes: dict[str, Probe], surface: Surface = Surface.CLI
) -> Report:
    """The report for `project`, from a snapshot already read and the probes of its URLs, with
    its fixes worded for `surface`."""
    facts = Facts(
        name=project.name,
        snapshot=snapshot,
        live_url=project.live_url,
        writeup_url=project.writeup_url,
        manual_checks=project.manual_checks,
        probes=probes,
    )
    results = []
    for check in ALL_CHECKS:
        finding = _evaluate_one(check, facts, project)
        ok = finding.result in (Result.PASSED, Result.NOT_APPLICABLE)
        fix = "" if ok else word_fix(finding.fix or check.fix, surface, project.name, check.id)
        results.append(CheckResult(check, finding.result, finding.evidence, fix))
    return Report(
        project_id=project.id,
        name=project.name,
        kind=project.kind,
        path=project.path,
        exists=snapshot.exists,
        results=tuple(results),
        checked_at=datetime.now(UTC),
        probes=probes,
    )


def _urls(project: Project) -> list[str]:
    return [url for url in (project.live_url, project.writeup_url) if url]


def _probes_for(
    store: Store, projects: Sequence[Project], offline: bool, timeout: float
) -> dict[int, dict[str, Probe]]:
    """Each project's probes by URL: fresh ones (recorded in the store) or, offline, the last recorded."""
    if offline:
        recorded: dict[int, dict[str, Probe]] = {}
        for project in projects:
            urls = _urls(project)  # most projects have none: skip the query
            recorded[project.id] = {u: p for u, p in store.probes(project.id).items() if u in urls} if urls else {}
        return recorded
    fresh = probe_all([url for p in projects for url in _urls(p)], timeout)
    by_project: dict[int, dict[str, Probe]] = {}
    for project in projects:
        by_project[project.id] = {url: fresh[url] for url in _urls(project)}
        for probe in by_project[project.id].values():
            store.record_probe(project.id, probe)
    return by_project


def check_projects(
    store: Store,
    projects: Sequence[Project],
    *,
    offline: bool = False,
    timeout: float = PROBE_TIMEOUT_S,
    surface: Surface = Surface.CLI,
) -> list[Report]:
    """Reports for `projects`, in their order, fixes worded for `surface`. Snapshots and probes
    run at the same time."""
    if not projects:
        return []
    workers = min(_MAX_PARALLEL_SNAPSHOTS, len(projects))
    with ThreadPoolExecutor(max_workers=workers + 1) as pool:
        probes_future = pool.submit(_probes_for, store, projects, offline, timeout)
        snapshots = list(pool.map(read_snapshot, [p.path for p in projects]))
        probes = probes_future.result()
    return [evaluate(p, s, probes[p.id], surface) for p, s in zip(projects, snapshots, strict=True)]


def check_project(store: Store, name: str | int, *, offline: bool = False, timeout: float = PROBE_TIMEOUT_S) -> Report:
    """One project's report (ProjectNotFound if the portfolio has no such project)."""
    return check_projects(store, [store.get(name)], offline=offline, timeout=timeout)[0]


def check_portfolio(store: Store, *, offline: bool = False, timeout: float = PROBE_TIMEOUT_S) -> PortfolioReport:
    """Every project's report, and the portfolio's level (its weakest recommended project's)."""
    reports = check_projects(store, store.projects(), offline=offline, timeout=timeout)
    return PortfolioReport(tuple(reports), BUNDLED_KINDS)
