"""Running the platform's CLI: output streamed line by line, cancellable (its whole process
group), and the app's URL picked out of what it prints."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scaffolder.core.deploy.plan import DeployPlan
from scaffolder.core.errors import UserError
from scaffolder.core.process_group import run_streaming
from scaffolder.core.readiness.probe import probe_url
from scaffolder.core.readiness.urls import InvalidUrl, validate_url
from scaffolder.core.store import Probe, Project, Store


@dataclass(frozen=True)
class DeployOutcome:
    platform: str
    argv: tuple[str, ...]
    url: str | None  # the app's address, when the CLI printed one
    lines: int


def find_app_url(plan: DeployPlan, line: str) -> str | None:
    pattern = plan.platform.url_pattern
    match = pattern.search(line.strip()) if pattern else None
    if match is None:
        return None
    url = next(group for group in match.groups() if group)
    try:
        return validate_url(url.rstrip("/."))
    except InvalidUrl:
        return None


def run_deploy(
    plan: DeployPlan,
    *,
    on_line: Callable[[str], None] = lambda _line: None,
    cancel: threading.Event | None = None,
) -> DeployOutcome:
    """Run the plan's CLI in the project folder. UserError when it is not available or fails."""
    if plan.argv is None:
        raise UserError(plan.sentence, plan.manual_steps)
    found: list[str] = []

    def each_line(line: str) -> None:
        url = find_app_url(plan, line)
        if url:
            found.append(url)
        on_line(line)

    program = Path(plan.argv[0]).name
    finished = run_streaming(plan.argv, plan.folder, on_line=each_line, cancel=cancel, what=f"Deploying with {program}")
    if finished.returncode != 0:
        tail = "\n".join(finished.lines[-5:])
        raise UserError(
            f"{' '.join([program, *plan.argv[1:]])} failed (exit code {finished.returncode}).",
            f"Its last lines:\n{tail}\nFix what it says and deploy again; the manual steps are in docs/DEPLOY.md.",
        )
    return DeployOutcome(plan.platform.id, plan.argv, found[-1] if found else None, len(finished.lines))


def record_live_url(store: Store, name: str, url: str) -> Project:
    """Record the URL the platform printed as the project's live URL (the readiness probe checks it)."""
    return store.set_live_url(name, validate_url(url))


def probe_live_url(store: Store, project: Project) -> Probe | None:
    """Probe the recorded live URL now and record the result, as `scaffolder status` would."""
    if not project.live_url:
        return None
    probe = probe_url(project.live_url)
    store.record_probe(project.id, probe)
    return probe
