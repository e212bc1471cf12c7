"""Time `scaffolder new TEMPLATE --no-input` as a whole process against the bare tools doing the
same job: `cookiecutter --no-input` + `git init -b main` + `git add -A` + `git commit`.

Both run on the same bundled template, interleaved (so drifts in machine load hit both), N
times each, in isolated HOME / SCAFFOLDER_HOME / GIT_CONFIG_GLOBAL. Prints the medians and the
ratio; the target is a ratio <= 1.0 (the app is not slower than the tools it wraps).

    python benchmarks/bench_new.py            # 10 repeats of rag
    python benchmarks/bench_new.py -n 20 --template agent --json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
COOKIECUTTER = [sys.executable, "-m", "cookiecutter", "--no-input"]


def isolated_env(root: Path) -> dict[str, str]:
    home = root / "home"
    home.mkdir()
    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[user]\n\tname = Bench Mark\n\temail = bench@example.com\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "SCAFFOLDER_"))}
    env.update(
        HOME=str(home),
        USERPROFILE=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        SCAFFOLDER_HOME=str(root / "scaffolder-home"),
        PYTHONPATH=os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p),
    )
    return env


def children_cpu() -> float:
    """User + system CPU seconds of the finished child processes so far (0 where unsupported)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(commands: list[tuple[list[str], Path]], env: dict[str, str]) -> tuple[float, float]:
    """(wall, cpu) seconds of running the commands one after the other; fails loudly if one fails.
    CPU time is less disturbed by other load on the machine than wall time."""
    cpu = children_cpu()
    start = time.perf_counter()
    for argv, cwd in commands:
        done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"benchmark command failed: {argv}\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - start, children_cpu() - cpu


def scaffolder_run(template: str, out: Path, name: str) -> list[tuple[list[str], Path]]:
    argv = [sys.executable, "-m", "scaffolder", "new", template, "--no-input", "-o", str(out)]
    return [([*argv, "--set", f"project_name={name}"], out.parent)]


def bare_tools_run(template: str, out: Path, name: str, slug: str) -> list[tuple[list[str], Path]]:
    project = out / slug
    return [
        (
            [*COOKIECUTTER, str(REPO_ROOT / "templates" / template), "-o", str(out), f"project_name={name}"],
            out.parent,
        ),
        (["git", "init", "-q", "-b", "main"], project),
        (["git", "add", "-A"], project),
        (["git", "commit", "-q", "--no-verify", "-m", f"Initial commit from {template} template"], project),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--repeat", type=int, default=10, help="runs of each (default 10)")
    parser.add_argument("--template", default="rag", choices=["rag", "agent", "fullstack"])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="bench-new-"))
    try:
        env = isolated_env(root)
        app_times: list[tuple[float, float]] = []
        bare_times: list[tuple[float, float]] = []
        for i in range(args.repeat + 1):  # run 0 warms caches and is not counted
            name = f"Bench {i}"
            slug = f"bench-{i}"
            app = (app_times, scaffolder_run(args.template, root / f"app-{i}", name))
            bare = (bare_times, bare_tools_run(args.template, root / f"bare-{i}", name, slug))
            for times, commands in (app, bare) if i % 2 == 0 else (bare, app):
                for _, cwd in commands[:1]:
                    cwd.mkdir(parents=True, exist_ok=True)
                elapsed = timed(commands, env)
                if i > 0:
                    times.append(elapsed)
            for folder in (root / f"app-{i}" / slug, root / f"bare-{i}" / slug):
                if not (folder / ".git").is_dir():
                    raise SystemExit(f"expected a repository at {folder}")
        app_median, bare_median = (statistics.median(wall for wall, _ in t) for t in (app_times, bare_times))
        app_cpu, bare_cpu = (statistics.median(cpu for _, cpu in t) for t in (app_times, bare_times))
        ratio = app_median / bare_median
        cpu_ratio = app_cpu / bare_cpu if bare_cpu else float("nan")
        if args.json:
            print(
                json.dumps(
                    {
                        "template": args.template,
                        "repeat": args.repeat,
                        "scaffolder_median_s": round(app_median, 4),
                        "bare_tools_median_s": round(bare_median, 4),
                        "ratio": round(ratio, 3),
                        "scaffolder_cpu_median_s": round(app_cpu, 4),
                        "bare_tools_cpu_median_s": round(bare_cpu, 4),
                        "cpu_ratio": round(cpu_ratio, 3),
                        "scaffolder_s": [round(wall, 4) for wall, _ in app_times],
                        "bare_tools_s": [round(wall, 4) for wall, _ in bare_times],
                    },
                    indent=2,
                )
            )
        else:
            print(f"template {args.template}, {args.repeat} runs each, interleaved")
            print(f"{'':35} {'wall':>9} {'cpu':>9}   (medians)")
            print(f"{'scaffolder new --no-input':35} {app_median * 1000:6.1f} ms {app_cpu * 1000:6.1f} ms")
            print(f"{'cookiecutter + git init/add/commit':35} {bare_median * 1000:6.1f} ms {bare_cpu * 1000:6.1f} ms")
            print(f"ratio {ratio:.2f}x wall (target <= 1.00x), {cpu_ratio:.2f}x cpu")
        if args.keep:
            print(f"kept {root}", file=sys.stderr)
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
