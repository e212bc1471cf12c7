"""What the readiness view runs on workers, and what it needs to know besides: one check run
(`load_readiness`, which brings back a `ReadinessState`), the two store writes, the paths to
watch on disk, and the placeholders of a fix hint. No widget here: all of it runs off the UI
thread or is plain text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scaffolder.core.readiness import Report, Surface, check_projects
from scaffolder.core.readiness.snapshot import README_NAMES, WRITEUP_NAMES
from scaffolder.core.store import Project, Store, UrlField

# Folders whose new or removed files can change a result (Dockerfile, tests/, workflows, refs…).
WATCHED_DIRS = (
    "",
    "docs",
    "tests",
    ".github",
    ".github/workflows",
    ".git",
    ".git/refs",
    ".git/refs/heads",
    ".git/refs/remotes",
)
# Where each deploy target serves an app, for the live-URL placeholder.
LIVE_URL_HOSTS = {"render": "onrender.com", "fly": "fly.dev", "railway": "up.railway.app"}


def live_url_placeholder(project: Project) -> str:
    slug = str(project.answers.get("project_slug") or "your-app")
    host = LIVE_URL_HOSTS.get(str(project.answers.get("deploy_target", "")), "onrender.com")
    return f"https://{slug}.{host}"


def with_known_names(text: str, project: Project, github_username: str) -> str:
    """A fix hint with its placeholders filled from what the app knows (GitHub user, slug)."""
    slug = str(project.answers.get("project_slug") or project.path.name)
    if github_username:
        text = text.replace("<you>/<repo>", f"{github_username}/{slug}")
    return text.replace("<repo>", slug)


@dataclass(frozen=True)
class ReadinessState:
    """What one check run brings back to the UI thread."""

    report: Report
    project: Project
    github_username: str = ""
    watch: frozenset[str] = frozenset()  # what to watch for the next re-check (see watch_paths)


def load_readiness(store: Store, project_id: int, probe: bool) -> ReadinessState:
    """Runs on a worker: re-read the project, check it, probe its URLs if asked."""
    project = store.get(project_id)
    report = check_projects(store, [project], offline=not probe, surface=Surface.APP)[0]
    watch = frozenset(watch_paths(project.path)) if project.exists else frozenset()
    return ReadinessState(report, project, store.settings().get("github_username", ""), watch)


def save_url(store: Store, project_id: int, field: UrlField, url: str | None) -> None:
    store.set_url(store.get(project_id).name, field, url)


def save_tick(store: Store, project_id: int, check_id: str, ticked: bool, evidence_url: str | None) -> None:
    name = store.get(project_id).name
    if ticked:
        store.tick(name, check_id, evidence_url)
    else:
        store.untick(name, check_id)


# Folders that are never the project's own work: their churn is no reason to re-check.
UNWATCHED_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".mypy_cache", ".pytest_cache", ".tox"}
MAX_WATCHED_FOLDERS = 400  # inotify watches are a per-user budget: a huge tree gets its top levels


def project_folders(root: Path) -> set[Path]:
    """Every folder of the working tree, breadth first (so a cut keeps the top levels): a file
    created, deleted or saved by rename in any of them shows as uncommitted changes."""
    found: set[Path] = set()
    queue = [root]
    while queue and len(found) < MAX_WATCHED_FOLDERS:
        folder = queue.pop(0)
        found.add(folder)
        try:
            children = sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())
        except OSError:
            continue
        queue.extend(p for p in children if p.name not in UNWATCHED_DIRS)
    return found


def watch_paths(root: Path) -> set[str]:
    """The folders and files whose change can change a check or the header, as they exist now.
    Walks the tree: call it on a worker."""
    wanted = {root / d for d in WATCHED_DIRS if (root / d).is_dir()} | project_folders(root)
    remotes = root / ".git" / "refs" / "remotes"
    if remotes.is_dir():
        wanted.update(p for p in remotes.iterdir() if p.is_dir())
    wanted.update(root / name for name in (*README_NAMES, *WRITEUP_NAMES) if (root / name).is_file())
    return {str(p) for p in wanted}
