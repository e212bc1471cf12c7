"""The git-history check: a project that was generated and never touched again reads as such.

Author dates (not committer dates) are counted, because a rebase rewrites the committer date
to today while the work was done when the author says.
"""

from __future__ import annotations

from datetime import UTC, datetime

from scaffolder.core.readiness.model import Check, Checklist, Facts, Finding, Level, failed, not_checked, passed

MIN_COMMITS_AFTER_INITIAL = 6  # "more than a handful" after the first commit
MIN_DAYS = 2  # "over more than one day": commits on at least two calendar days (UTC)
_GIT_STALLED_FIX = "Run  git status  in the project to see what it waits for (an [include] of a pipe, a hung disk), fix it, then check again."


def _day(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def check_iteration(facts: Facts) -> Finding:
    snapshot = facts.snapshot
    if snapshot.git_error:
        return not_checked(f"git did not answer in this repository: {snapshot.git_error}", _GIT_STALLED_FIX)
    if not snapshot.is_repo:
        return failed(f"{snapshot.root} is not a git repository", "git init and commit your work as you go.")
    commits = snapshot.commits
    if not commits:
        return failed("no commit yet")
    days = sorted({_day(when) for _, when in commits})
    after_initial = len(commits) - 1
    span = f"{days[0]} → {days[-1]}" if len(days) > 1 else days[0]
    evidence = f"{_count(len(commits), 'commit')} on {_count(len(days), 'day')} ({span})"
    if after_initial >= MIN_COMMITS_AFTER_INITIAL and len(days) >= MIN_DAYS:
        return passed(evidence)
    return failed(evidence)


CHECKS: tuple[Check, ...] = (
    Check(
        "git-iteration",
        "The history shows iteration",
        Checklist.HISTORY,
        Level.PORTFOLIO_READY,
        "One commit says 'generated'; a history of fixes and improvements over days says 'I built and maintained this'.",
        f"Keep improving it in small, well-named commits over several days (at least {MIN_COMMITS_AFTER_INITIAL} after the first, on {MIN_DAYS}+ days): an eval run, a bug found in testing, a deploy fix.",
        check_iteration,
    ),
)
