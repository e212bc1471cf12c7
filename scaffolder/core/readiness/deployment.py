"""The Deployment checklist: can a stranger build it, does CI guard it, is it live, and is it
safe to publish (no `.env`, no key in the code)."""

from __future__ import annotations

from scaffolder.core.readiness.leaks import is_env_file, is_env_template
from scaffolder.core.readiness.model import Check, Checklist, Facts, Finding, Level, failed, not_checked, passed
from scaffolder.core.readiness.probe import answered, describe
from scaffolder.core.readiness.snapshot import WORKFLOW_DIR

DOCKERFILE_NAMES = ("Dockerfile", "Containerfile")
PLATFORM_FILES = {
    "fly.toml": "Fly.io",
    "render.yaml": "Render",
    "railway.json": "Railway",
    "railway.toml": "Railway",
    "vercel.json": "Vercel",
    "netlify.toml": "Netlify",
    "Procfile": "a Procfile (Heroku-style platforms)",
    "app.yaml": "Google App Engine",
}
TEST_FOLDERS = ("tests", "test", "__tests__", "spec")


def _untracked_hint(facts: Facts, paths: tuple[str, ...] | list[str]) -> Finding | None:
    on_disk = [p for p in paths if facts.snapshot.untracked_on_disk(p)]
    if on_disk:
        return failed(f"{on_disk[0]} is on disk but not committed", f"git add {on_disk[0]} && git commit")
    return None


def check_dockerfile(facts: Facts) -> Finding:
    found = sorted(
        (p for p in facts.snapshot.tracked if p.rpartition("/")[2] in DOCKERFILE_NAMES or p.endswith(".Dockerfile")),
        key=lambda p: (p.count("/"), p),
    )
    if found:
        return passed(f"{found[0]} in the repository")
    return _untracked_hint(facts, DOCKERFILE_NAMES) or failed("no Dockerfile in the repository")


def _deploy_workflow(path: str, text: str) -> bool:
    """A workflow named for deploying, or with a job whose id starts with `deploy`."""
    if "deploy" in path.rpartition("/")[2].lower():
        return True
    for line in text.splitlines():
        stripped = line.strip()
        if line[:1].isspace() and stripped.endswith(":") and stripped.lower().startswith("deploy"):
            return True
    return False


def check_platform_config(facts: Facts) -> Finding:
    for name, platform in PLATFORM_FILES.items():
        if facts.snapshot.has(name):
            return passed(f"{name} ({platform})")
    for path, text in facts.snapshot.workflows.items():
        if _deploy_workflow(path, text):
            return passed(f"{path} deploys")
    return _untracked_hint(facts, list(PLATFORM_FILES)) or failed(
        f"none of {', '.join(PLATFORM_FILES)} and no deploy workflow in {WORKFLOW_DIR}"
    )


def check_ci(facts: Facts) -> Finding:
    workflows = sorted(facts.snapshot.workflows)
    if workflows:
        return passed(", ".join(workflows))
    return failed(f"no workflow in {WORKFLOW_DIR}")


def check_tests_folder(facts: Facts) -> Finding:
    counts: dict[str, int] = {}
    for path in facts.snapshot.tracked:
        parts = path.split("/")[:-1]
        for i, part in enumerate(parts):
            if part in TEST_FOLDERS:
                folder = "/".join(parts[: i + 1])
                counts[folder] = counts.get(folder, 0) + 1
                break
    if not counts:
        return failed("no tests/ folder with tracked files")
    folder = min(counts, key=lambda f: (f.count("/"), f))
    count = counts[folder]
    return passed(f"{folder}/ with {count} tracked file{'' if count == 1 else 's'}")


def check_env_example(facts: Facts) -> Finding:
    found = sorted(p for p in facts.snapshot.tracked if is_env_template(p))
    if found:
        return passed(f"{found[0]} in the repository")
    return _untracked_hint(facts, (".env.example",)) or failed("no .env.example in the repository")


def check_no_secrets(facts: Facts) -> Finding:
    snapshot = facts.snapshot
    env_files = sorted(p for p in snapshot.tracked if is_env_file(p))
    if env_files:
        return failed(
            f"tracked: {', '.join(env_files)}",
            f"git rm --cached {env_files[0]}, add it to .gitignore, commit, and rotate every key it held (it stays in the history).",
        )
    if snapshot.key_scan_error:
        return not_checked(
            f"the scan for keys did not finish: {snapshot.key_scan_error}",
            "Re-check; if it persists, run git grep yourself.",
        )
    if snapshot.key_hits:
        listed = "; ".join(str(hit) for hit in snapshot.key_hits[:3])
        more = f" (+{len(snapshot.key_hits) - 3} more)" if len(snapshot.key_hits) > 3 else ""
        if all(hit.commit for hit in snapshot.key_hits):
            return failed(
                listed + more,
                "Rotate the key at the provider now: the files no longer hold it, but every clone of the history does.",
            )
        return failed(
            listed + more,
            "Remove the key from the file, read it from an environment variable instead, and rotate it at the provider: it is in the git history.",
        )
    return passed(f"no .env tracked and no key-like string in {len(snapshot.tracked)} tracked files")


def check_remote_pushed(facts: Facts) -> Finding:
    snapshot, remote = facts.snapshot, facts.snapshot.remote
    if snapshot.git_error:
        return not_checked(
            f"git did not answer in this repository: {snapshot.git_error}",
            "Run  git status  in the project to see what it waits for, fix it, then check again.",
        )
    if not snapshot.is_repo:
        return failed(f"{snapshot.root} is not a git repository", "git init, commit, and push to GitHub.")
    if remote.head is None:
        return failed("no commit yet", "Commit your work, then push it.")
    if remote.branch is None:
        return failed(
            f"HEAD is detached at {remote.head[:7]}, not on a branch", "git switch main (or the branch you publish)"
        )
    branch = remote.branch
    if not remote.remotes:
        return failed(
            "no git remote",
            f"Create an empty GitHub repository, then: git remote add origin https://github.com/<you>/<repo>.git && git push -u origin {branch}"
            "; or let the app do both: {publish}",
        )
    if remote.compared_with is None:
        return failed(
            f"remote {remote.remotes[0]} is set but {branch} was never pushed to it",
            f"git push -u {remote.remotes[0]} {branch}",
        )
    if remote.gone:
        return failed(
            f"{remote.compared_with} no longer exists on the remote", f"git push -u {remote.remotes[0]} {branch}"
        )
    if remote.ahead is None:
        return failed(
            f"HEAD {remote.head[:7]} is not {remote.compared_with} ({(remote.remote_sha or '')[:7]}), and the app cannot tell which is ahead",
            f"git push -u {remote.remotes[0]} {branch} (set the upstream so the app can compare)",
        )
    if remote.ahead > 0:
        plural = "s" if remote.ahead > 1 else ""
        return failed(f"HEAD is {remote.ahead} commit{plural} ahead of {remote.compared_with}", "git push")
    behind = f"; {remote.behind} behind (pull)" if remote.behind else ""
    return passed(f"HEAD {remote.head[:7]} is on {remote.compared_with}{behind}")


def probe_finding(url: str | None, facts: Facts, missing: Finding) -> Finding:
    """The live-URL and write-up checks alike: the last probe of the recorded URL."""
    if not url:
        return missing
    probe = facts.probes.get(url)
    if probe is None:
        return not_checked(f"{url} not probed yet", "Re-check online: {recheck}.")
    if answered(probe):
        return passed(describe(probe))
    return failed(
        describe(probe),
        "Open the URL yourself; check the platform's logs (a free instance may be asleep, or the last deploy failed).",
    )


def check_live_url_answers(facts: Facts) -> Finding:
    return probe_finding(
        facts.live_url,
        facts,
        failed("no live URL recorded", "Deploy it ({deploy}), then record the URL: {record_live_url}"),
    )


CHECKS: tuple[Check, ...] = (
    Check(
        "ci-workflow",
        "A CI workflow in .github/workflows/",
        Checklist.DEPLOYMENT,
        Level.SHAREABLE,
        "A green CI badge tells a reviewer the tests actually run, on every change.",
        "Add .github/workflows/ci.yml that installs the project and runs the linter and the tests.",
        check_ci,
    ),
    Check(
        "tests-folder",
        "A tests folder",
        Checklist.DEPLOYMENT,
        Level.SHAREABLE,
        "Tests are the first thing a senior engineer opens to judge how you work.",
        "Add a tests/ folder with tests that check behaviour, not just imports.",
        check_tests_folder,
    ),
    Check(
        "no-secrets",
        "No tracked .env and no API key in the code",
        Checklist.DEPLOYMENT,
        Level.SHAREABLE,
        "A leaked key in a public repository is abused within minutes, and it is a red flag in review.",
        "Keep keys in an untracked .env (listed in .gitignore) and read them from the environment.",
        check_no_secrets,
    ),
    Check(
        "dockerfile",
        "A Dockerfile",
        Checklist.DEPLOYMENT,
        Level.DEPLOYED,
        "A container shows you can ship, not just run code on your laptop.",
        "Add a multi-stage Dockerfile that runs as a non-root user with a HEALTHCHECK.",
        check_dockerfile,
    ),
    Check(
        "platform-config",
        "A deployment platform config",
        Checklist.DEPLOYMENT,
        Level.DEPLOYED,
        "Deployment as code means anyone can redeploy it, and shows you know the platform.",
        "Add the config of your platform (render.yaml, fly.toml, railway.json, vercel.json, Procfile) or a deploy workflow.",
        check_platform_config,
    ),
    Check(
        "env-example",
        "A .env.example",
        Checklist.DEPLOYMENT,
        Level.DEPLOYED,
        "It documents every setting the app needs, so someone else can configure and deploy it.",
        "Add .env.example listing every environment variable, with empty or safe example values.",
        check_env_example,
    ),
    Check(
        "remote-pushed",
        "Pushed to a git remote",
        Checklist.DEPLOYMENT,
        Level.DEPLOYED,
        "Reviewers read GitHub, not your disk: unpushed work does not exist to them.",
        "Add a remote and push: git push -u origin main",
        check_remote_pushed,
    ),
    Check(
        "live-url-answers",
        "The live URL answers",
        Checklist.DEPLOYMENT,
        Level.DEPLOYED,
        "A dead demo link is worse than none: it is the one thing a reviewer will click.",
        "Deploy it and record the URL: {record_live_url}",
        check_live_url_answers,
    ),
)
