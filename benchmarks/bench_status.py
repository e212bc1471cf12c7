"""How long `scaffolder status --offline --json` takes over a portfolio of 10, 50 and 100 projects.

The project is generated ONCE (the bundled rag template, rendered with cookiecutter, committed,
then given a few more commits over several days), and copied for the rest: generation is not
what is measured. Each portfolio size gets its own store. Prints the time per project at each
size and how it grows; the target is under 2 s for 100 projects, growing linearly.

    python benchmarks/bench_status.py [--sizes 10 50 100] [--repeat 3] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_S = 2.0
IDENTITY = {"name": "Bench Author", "email": "bench@example.com"}


def _git(path: Path, *args: str, when: datetime | None = None) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": IDENTITY["name"],
        "GIT_AUTHOR_EMAIL": IDENTITY["email"],
        "GIT_COMMITTER_NAME": IDENTITY["name"],
        "GIT_COMMITTER_EMAIL": IDENTITY["email"],
    }
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when.isoformat()
    subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True, env=env)


def generate_once(workdir: Path) -> Path:
    """One rag project, rendered and committed like `scaffolder new rag`, plus some history."""
    from scaffolder.core.catalogue import resolve_template
    from scaffolder.core.generate import generate
    from scaffolder.core.git import Identity
    from scaffolder.core.store import Store

    store = Store(workdir / "generation.sqlite3")
    result = generate(
        resolve_template("rag"),
        {"project_name": "Bench RAG"},
        workdir / "source",
        store=store,
        fallback_identity=Identity(IDENTITY["name"], IDENTITY["email"]),
    )
    path = result.project.path
    start = datetime.now(UTC) - timedelta(days=10)
    for day in range(8):
        with open(path / "CHANGELOG.md", "a", encoding="utf-8") as changelog:
            changelog.write(f"- day {day}: improved retrieval\n")
        _git(path, "add", "CHANGELOG.md")
        _git(
            path,
            "commit",
            "--quiet",
            "--no-verify",
            "--no-gpg-sign",
            "-m",
            f"Improve day {day}",
            when=start + timedelta(days=day),
        )
    return path


def build_portfolio(source: Path, projects_dir: Path, home: Path, count: int) -> None:
    """A store at `home` listing `count` copies of `source` (copies made once, shared by sizes)."""
    from scaffolder.core.store import Store

    store = Store(home / "portfolio.sqlite3")
    kinds = ("rag", "agent", "fullstack")
    for i in range(count):
        copy = projects_dir / f"project-{i:03d}"
        if not copy.exists():
            shutil.copytree(source, copy, symlinks=True)
        store.add_project(
            name=f"Project {i:03d}",
            kind=kinds[i % 3],
            path=copy,
            template="rag",
            template_version=None,
            answers={},
        )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_status(home: Path, expected: int, repeat: int) -> tuple[float, float]:
    """Best wall time and best CPU time (the process and its git children) of
    `scaffolder status --offline --json` in a fresh process. CPU time does not depend on what
    else the machine is doing; wall time does."""
    env = {**os.environ, "SCAFFOLDER_HOME": str(home)}
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        cpu_before = _children_cpu()
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "scaffolder", "status", "--offline", "--json"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, _children_cpu() - cpu_before)
        projects = json.loads(done.stdout)["projects"]
        if len(projects) != expected:
            raise SystemExit(f"expected {expected} projects in the report, got {len(projects)}")
    return best, best_cpu


def time_startup(repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "scaffolder", "--version"], cwd=ROOT, capture_output=True, check=True)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best is kept")
    parser.add_argument("--keep", action="store_true", help="keep the generated portfolio folder")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-status-"))
    os.environ["SCAFFOLDER_HOME"] = str(workdir / "home")  # never the user's portfolio
    try:
        started = time.perf_counter()
        source = generate_once(workdir)
        files = len(
            subprocess.run(["git", "-C", str(source), "ls-files"], capture_output=True, text=True).stdout.split()
        )
        print(
            f"generated {source.name} once ({files} tracked files, 9 commits) in {time.perf_counter() - started:.1f} s"
        )
        projects_dir = workdir / "projects"
        projects_dir.mkdir()
        startup = time_startup(args.repeat)
        print(f"python -m scaffolder --version (start-up alone): {startup * 1000:.0f} ms\n")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        print(
            f"{'projects':>8}  {'wall':>7}  {'wall/project':>12}  {'minus start-up':>14}  {'CPU':>7}  {'CPU/project':>11}"
        )
        timings: dict[int, float] = {}
        for size in args.sizes:
            home = workdir / f"home-{size}"
            build_portfolio(source, projects_dir, home, size)
            timings[size], cpu = time_status(home, size, args.repeat)
            net = (timings[size] - startup) / size
            print(
                f"{size:>8}  {timings[size]:>6.2f}s  {timings[size] / size * 1000:>10.1f}ms  {net * 1000:>12.1f}ms"
                f"  {cpu:>6.2f}s  {cpu / size * 1000:>9.1f}ms"
            )
        small, large = min(timings), max(timings)
        if large != small:
            growth = timings[large] / timings[small]
            marginal = (timings[large] - timings[small]) / (large - small)
            per_project_ratio = (timings[large] / large) / (timings[small] / small)
            print(
                f"\n{large / small:.0f}x the projects took {growth:.1f}x the time "
                f"(per-project time ratio {per_project_ratio:.2f}; marginal cost {marginal * 1000:.1f} ms/project)"
            )
        if 100 in timings:
            verdict = "meets" if timings[100] < TARGET_S else "MISSES"
            print(f"100 projects: {timings[100]:.2f} s — {verdict} the {TARGET_S:.0f} s target")
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
