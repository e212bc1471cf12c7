"""Portfolio readiness: README, Deployment and Write-up checklists (plus the git-history check),
checked automatically where the files, git or an HTTP probe can tell, ticked by hand otherwise,
and climbed as a ladder of levels: Draft → Shareable → Deployed → Portfolio-ready.

Qt-free; the GUI and `scaffolder status` show the same `Report`, each with the fixes worded for
itself (`Surface`): a command to run, or a field or button to use.
"""

from scaffolder.core.readiness.engine import (
    ALL_CHECKS,
    UnknownCheck,
    check_portfolio,
    check_project,
    check_projects,
    evaluate,
    find_check,
    manual_check,
)
from scaffolder.core.readiness.model import (
    Check,
    Checklist,
    CheckResult,
    Facts,
    Finding,
    Kind,
    Level,
    PortfolioReport,
    Report,
    Result,
    Surface,
)
from scaffolder.core.readiness.snapshot import RepoSnapshot, read_snapshot
from scaffolder.core.readiness.urls import InvalidUrl, validate_url

__all__ = [
    "ALL_CHECKS",
    "Check",
    "CheckResult",
    "Checklist",
    "Facts",
    "Finding",
    "InvalidUrl",
    "Kind",
    "Level",
    "PortfolioReport",
    "RepoSnapshot",
    "Report",
    "Result",
    "Surface",
    "UnknownCheck",
    "check_portfolio",
    "check_project",
    "check_projects",
    "evaluate",
    "find_check",
    "manual_check",
    "read_snapshot",
    "validate_url",
]
