"""What *Deploy…* can do for a project: which platform its config names, the one-click link
where the platform has one (Render's Blueprint deploy link), the platform's CLI when it is on
PATH, and otherwise how to install it plus the manual steps from the project's docs/DEPLOY.md."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from scaffolder.core.errors import FolderMissing, UserError
from scaffolder.core.git import git_executable
from scaffolder.core.github import remote
from scaffolder.core.store import Project

DEPLOY_DOC = "docs/DEPLOY.md"


@dataclass(frozen=True)
class Platform:
    id: str
    label: str  # as the DEPLOY.md heading names it
    config_files: tuple[str, ...]
    programs: tuple[str, ...]  # the CLI's names, in the order they are looked for on PATH
    deploy_args: tuple[str, ...]
    install_hint: str
    url_pattern: re.Pattern[str] | None  # the line the CLI prints with the app's address


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        "fly",
        "Fly",
        ("fly.toml",),
        ("flyctl", "fly"),
        # --remote-only: Fly's builders build the Dockerfile, so no local Docker is needed.
        ("deploy", "--remote-only"),
        "Install flyctl (https://fly.io/docs/flyctl/install/, e.g. brew install flyctl or curl -L https://fly.io/install.sh | sh),"
        " run fly auth login, then Deploy again.",
        re.compile(r"Visit your newly deployed app at (https?://\S+)|(https://[\w.-]+\.fly\.dev)\b"),
    ),
    Platform(
        "railway",
        "Railway",
        ("railway.json", "railway.toml"),
        ("railway",),
        # --ci: stream the build logs and exit when the deploy is done, instead of attaching.
        ("up", "--ci"),
        "Install the Railway CLI (npm install -g @railway/cli, or brew install railway), run railway login and"
        " railway link in the project folder, then Deploy again.",
        re.compile(r"(https://[\w.-]+\.up\.railway\.app)\S*"),
    ),
    Platform("render", "Render", ("render.yaml",), (), (), "", None),
)


@dataclass(frozen=True)
class DeployPlan:
    project: str
    folder: Path
    platform: Platform
    argv: tuple[str, ...] | None  # the CLI command, when it is on PATH
    link: str | None  # the one-click deploy link (Render, once the repository is pushed)
    sentence: str  # what will happen, or what to do instead
    manual_steps: str  # from docs/DEPLOY.md

    def to_dict(self) -> dict[str, object]:
        return {
            "project": self.project,
            "platform": self.platform.id,
            "argv": list(self.argv) if self.argv else None,
            "link": self.link,
            "sentence": self.sentence,
            "manual_steps": self.manual_steps,
        }


def detect_platform(folder: Path) -> Platform | None:
    for platform in PLATFORMS:
        if any((folder / name).is_file() for name in platform.config_files):
            return platform
    return None


def manual_steps(folder: Path, platform: Platform) -> str:
    """The section of docs/DEPLOY.md whose heading names the platform (the whole file if none does)."""
    try:
        text = (folder / DEPLOY_DOC).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return f"{DEPLOY_DOC} is missing: see the platform's documentation."
    sections = re.split(r"(?m)^(?=## )", text)
    for section in sections:
        heading = section.splitlines()[0] if section else ""
        if heading.startswith("## ") and platform.label.lower() in heading.lower():
            return section.strip()
    return text.strip()


def render_link(folder: Path) -> str | None:
    """Render's Blueprint deploy link for the repository `origin` points at."""
    origin = remote.remote_url(folder)
    web = remote.web_url(origin) if origin else None
    return f"https://render.com/deploy?repo={quote(web, safe=':/')}" if web else None


def _pushed(folder: Path, path: str) -> bool:
    """Whether `path` is in the commit the upstream branch (what GitHub has) points at."""
    result = subprocess.run(
        [git_executable(), "cat-file", "-e", f"@{{upstream}}:{path}"],
        cwd=folder,
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def plan_deploy(project: Project) -> DeployPlan:
    if not project.exists:
        raise FolderMissing(project.name, project.path, then=", then deploy")
    platform = detect_platform(project.path)
    if platform is None:
        names = ", ".join(name for p in PLATFORMS for name in p.config_files)
        raise UserError(
            f"{project.name} has no deploy config ({names}).",
            f"Add the one for your platform (the templates ship one, with {DEPLOY_DOC}), commit it, then deploy.",
        )
    steps = manual_steps(project.path, platform)
    if platform.id == "render":
        link = render_link(project.path)
        if link is None:
            sentence = "Render deploys from the GitHub repository: publish it first (Publish to GitHub), then deploy."
        elif not _pushed(project.path, "render.yaml"):
            sentence = "render.yaml is not on GitHub yet (commit it and publish again), so Render would not find it."
            link = None
        else:
            sentence = "Open the link: Render reads render.yaml from the repository and deploys it. When it is live, record its URL."
        return DeployPlan(project.name, project.path, platform, None, link, sentence, steps)
    program = next((found for name in platform.programs if (found := shutil.which(name))), None)
    if program is None:
        sentence = f"{platform.programs[0]} is not on PATH. {platform.install_hint} Or follow the steps below."
        return DeployPlan(project.name, project.path, platform, None, None, sentence, steps)
    argv = (program, *platform.deploy_args)
    sentence = f"Runs {Path(program).name} {' '.join(platform.deploy_args)} in {project.path}."
    return DeployPlan(project.name, project.path, platform, argv, None, sentence, steps)
