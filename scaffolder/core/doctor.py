"""`scaffolder doctor`: the app's own state, checked and (with `repair=True`) put right.

What it looks at: the portfolio file (SQLite's full `integrity_check`), its backup, rows that
cannot be read in full, projects whose folder is gone, files a killed process left beside the
portfolio, damaged files kept aside by a restore, and leftover generation staging folders.
Examining never changes anything; repairing only does what each finding says it would, and
never deletes a project record or a project's files.
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.core import store_recovery
from scaffolder.core.errors import StoreError
from scaffolder.core.paths import data_dir
from scaffolder.core.store import DB_FILENAME, Store


@dataclass
class Finding:
    area: str  # "portfolio", "backup", "rows", "folders", "leftovers", "damaged-copies", "staging"
    ok: bool
    text: str
    repair: str | None = None  # what --repair does (or did) about it
    repaired: bool = False


@dataclass
class DoctorReport:
    path: Path
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok or f.repaired for f in self.findings)

    def add(self, area: str, ok: bool, text: str, repair: str | None = None) -> Finding:
        finding = Finding(area, ok, text, repair)
        self.findings.append(finding)
        return finding

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "ok": self.ok, "findings": [asdict(f) for f in self.findings]}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def examine(path: Path | None = None, *, repair: bool = False, restore: bool = False) -> DoctorReport:
    """Check the app's state; with `repair`, fix what can be fixed safely; with `restore`, put
    the backup in place of the current portfolio (kept aside) whatever its health."""
    path = Path(path) if path else data_dir() / DB_FILENAME
    report = DoctorReport(path)
    _check_leftover_files(report, repair)
    if restore:
        _restore(report)
    store = _check_portfolio_file(report, repair)
    _check_backup(report, store, repair)
    if store is not None:
        _check_rows_and_folders(report, store)
        _check_staging(report, store, repair)
    _list_damaged_copies(report)
    return report


def _restore(report: DoctorReport) -> None:
    path = report.path
    health = store_recovery.check_health(store_recovery.backup_path(path))
    if not health.ok:
        report.add("backup", False, f"No good backup to restore ({health.problem}).")
        return
    with store_recovery.portfolio_lock(path):
        notice = store_recovery.restore_backup(path, "replaced on request")
    finding = report.add("portfolio", True, notice.replace("was unusable (replaced on request)", "was replaced"))
    finding.repaired = True


def _check_portfolio_file(report: DoctorReport, repair: bool) -> Store | None:
    path = report.path
    if not path.exists():
        report.add("portfolio", True, f"No portfolio yet at {path}: it is made on first use.")
        return None
    health = store_recovery.check_health(path, quick=False)
    if health.ok:
        report.add("portfolio", True, f"{path}: integrity ok, {_count(health.projects or 0, 'project')}.")
    else:
        backup_ok = store_recovery.check_health(store_recovery.backup_path(path)).ok
        finding = report.add(
            "portfolio",
            False,
            f"{path} is unusable: {health.problem}.",
            "restore the last good backup (the damaged file is kept aside)"
            if backup_ok
            else "none possible: there is no good backup. Move the file aside and re-import your projects"
            " (scaffolder import FOLDER)",
        )
        if not (repair and backup_ok and health.damaged):
            return None
        finding.repaired = True  # opening the store restores it
    try:
        store = Store(path, auto_backup=repair)
    except StoreError as err:
        report.add("portfolio", False, str(err))
        return None
    for notice in store.notices:
        report.add("portfolio", True, notice)
    return store


def _check_backup(report: DoctorReport, store: Store | None, repair: bool) -> None:
    backup = store_recovery.backup_path(report.path)
    if not report.path.exists() and not backup.exists():
        return  # nothing to back up yet
    health = store_recovery.check_health(backup, quick=False)
    if health.ok:
        report.add("backup", True, f"{backup.name}: {store_recovery.describe_backup(report.path)}, integrity ok.")
        return
    finding = report.add(
        "backup",
        False,
        f"{backup.name}: {health.problem}.",
        "take a fresh backup of the portfolio" if store is not None else None,
    )
    if repair and store is not None:
        finding.repaired = store.back_up()


def _check_rows_and_folders(report: DoctorReport, store: Store) -> None:
    projects = store.projects()
    if store.row_problems:
        for problem in store.row_problems:
            report.add("rows", False, problem)
    else:
        report.add("rows", True, f"Every row of the {_count(len(projects), 'project')} reads in full.")
    missing = [p for p in projects if not p.exists]
    for project in missing:  # never forgotten automatically: only the user knows where it went
        report.add(
            "folders",
            False,
            f"{project.name}: its folder {project.path} is missing. If it moved, choose Relocate… on its page"
            f" in the app; if it is gone,  scaffolder forget {project.name!r}.",
        )
    if not missing:
        report.add("folders", True, "Every project's folder is where the portfolio says.")


def _check_leftover_files(report: DoctorReport, repair: bool) -> None:
    """Temporary copies a process killed mid-backup, mid-restore or mid-create left behind."""
    for entry in store_recovery.stale_temporary_files(report.path):
        finding = report.add("leftovers", False, f"{entry.name} was left by a process that is gone.", "delete it")
        if repair:
            with contextlib.suppress(OSError):
                entry.unlink()
                finding.repaired = True


def _list_damaged_copies(report: DoctorReport) -> None:
    folder = report.path.parent
    if not folder.is_dir():
        return
    for entry in sorted(folder.glob(f"{report.path.name}.damaged-*")):
        if entry.name.endswith(("-wal", "-shm")):
            continue
        report.add(
            "damaged-copies",
            True,
            f"{entry.name} is a damaged portfolio kept by a restore; delete it when you no longer need it.",
        )


def _check_staging(report: DoctorReport, store: Store, repair: bool) -> None:
    """Staging folders a killed generation left in the folders projects are generated into: each
    registered project's parent and the default projects folder (a first generation killed there
    has no project to point at it)."""
    from scaffolder.core import staging
    from scaffolder.core.settings import load_settings

    candidates = {p.path.parent for p in store.projects()} | {load_settings(store).projects_path}
    parents = sorted(parent for parent in candidates if parent.is_dir())
    found = {Path(folder): parent for parent in parents for folder in staging.leftover_staging_folders(parent)}
    if not found:
        report.add("staging", True, "No leftover staging folders.")
        return
    findings = {
        folder: report.add("staging", False, f"{folder} was left by a generation that did not finish.", "remove it")
        for folder in found
    }
    if repair:
        for parent in sorted(set(found.values())):
            staging.remove_leftover_staging(parent)
        for folder, finding in findings.items():
            finding.repaired = not folder.exists()
