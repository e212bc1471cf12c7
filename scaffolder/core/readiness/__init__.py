"""Portfolio readiness: README, Deployment and Write-up checklists (plus the git-history check),
checked automatically where the files, git or an HTTP probe can tell, ticked by hand otherwise,
and climbed as a ladder of levels: Draft → Shareable → Deployed → Portfolio-ready.

Qt-free; the GUI and `scaffolder status` show the same `Report`, each with the fixes worded for
itself (`Surface`): a command to run, or a field or button to use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Each name is imported from its module on first use (PEP 562): the vocabulary in `model` is
# light, and the app unpickles reports with it without importing the engine and the Markdown
# parser (scaffolder/gui/offline_readiness.py).
_MODULE_OF = {
    "ALL_CHECKS": "engine",
    "Check": "model",
    "CheckResult": "model",
    "Checklist": "model",
    "Facts": "model",
    "Finding": "model",
    "InvalidUrl": "urls",
    "Kind": "model",
    "Level": "model",
    "PortfolioReport": "model",
    "RepoSnapshot": "snapshot",
    "Report": "model",
    "Result": "model",
    "Surface": "model",
    "UnknownCheck": "engine",
    "check_portfolio": "engine",
    "check_project": "engine",
    "check_projects": "engine",
    "evaluate": "engine",
    "find_check": "engine",
    "manual_check": "engine",
    "read_snapshot": "snapshot",
    "validate_url": "urls",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


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
