"""The README checklist: what a hiring manager reads in the first minute.

Every check reads the README parsed once by the snapshot (markdown-it-py), and names the line
it found or the line it expected something under.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from scaffolder.core.readiness.markdown import Link, MarkdownDoc, mentions
from scaffolder.core.readiness.model import (
    Check,
    Checklist,
    Facts,
    Finding,
    Level,
    failed,
    not_applicable,
    passed,
)
from scaffolder.core.readiness.snapshot import README_NAMES, TextFile
from scaffolder.core.readiness.urls import same_url, url_path

SETUP_PHRASES = (
    "install",
    "installation",
    "installing",
    "setup",
    "set up",
    "quick start",
    "quickstart",
    "getting started",
    "get started",
    "run locally",
    "running locally",
    "local development",
    "development",
)
USAGE_PHRASES = ("usage", "use", "using", "example", "examples", "how to use", "try it", "demo", "api")
EVAL_PHRASES = (
    "evaluation",
    "evaluations",
    "eval",
    "evals",
    "results",
    "benchmark",
    "benchmarks",
    "metrics",
    "performance",
)
DIAGRAM_WORDS = ("architecture", "diagram")
LICENSE_WORDS = ("license", "licence", "licensed", "licenced")
SHELL_LANGS = frozenset(
    {
        "bash",
        "sh",
        "shell",
        "console",
        "zsh",
        "fish",
        "powershell",
        "pwsh",
        "ps1",
        "cmd",
        "bat",
        "batch",
        "shell-session",
        "terminal",
    }
)
# An unlabelled code block counts as shell when its first command is one of these.
SHELL_COMMANDS = (
    "$",
    "pip",
    "pipx",
    "python",
    "python3",
    "py",
    "uv",
    "docker",
    "git",
    "make",
    "npm",
    "pnpm",
    "yarn",
    "cd",
    "export",
    "curl",
    "poetry",
    "conda",
)
VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "loom.com", "asciinema.org", "streamable.com", "wistia.com")
DEMO_EXTENSIONS = (".gif", ".mp4", ".webm")
LICENSE_FILES = (
    "LICENSE",
    "LICENSE.md",
    "LICENSE.txt",
    "LICENSE.rst",
    "LICENCE",
    "LICENCE.md",
    "COPYING",
    "COPYING.md",
)
PITCH_MAX_WORDS = 60
PITCH_MIN_WORDS = 3


def _quote(text: str, limit: int = 70) -> str:
    return f'"{text}"' if len(text) <= limit else f'"{text[: limit - 1]}…"'


_UNREADABLE_FIX = "Make it a regular text file inside the repository (under 1 MB), then check again."


def _no_readme(facts: Facts) -> Finding:
    skipped = facts.snapshot.skipped_among(README_NAMES)
    if skipped:
        return failed(skipped, _UNREADABLE_FIX)
    untracked = [n for n in README_NAMES if facts.snapshot.untracked_on_disk(n)]
    if untracked:
        return failed(f"{untracked[0]} is on disk but not committed", f"git add {untracked[0]} && git commit")
    return failed("no README.md in the repository", "Write a README.md at the top of the repository.")


def _readme(facts: Facts) -> TextFile | None:
    return facts.snapshot.readme


def _at(readme: TextFile, line: int) -> str:
    return f"{readme.path}:{line}"


@dataclass(frozen=True)
class SectionWithCode:
    """A README section that must hold a code block: which headings, which blocks, what to say."""

    phrases: tuple[str, ...]
    shell_only: bool
    headings_named: str  # for "README.md has no … heading"
    block_named: str  # "shell", "example": what the code block must be
    found_named: str  # "shell block", "example": how a found one is named in the evidence
    missing_block_fix: str


def _check_section_code(facts: Facts, rule: SectionWithCode) -> Finding:
    readme = _readme(facts)
    if readme is None:
        return _no_readme(facts)
    doc = readme.doc
    sections = doc.sections(*rule.phrases)
    if not sections:
        return failed(f"{readme.path} has no {rule.headings_named} heading")
    for heading in sections:
        for block in doc.code_blocks:
            if doc.within(heading, block.line) and (not rule.shell_only or _is_shell(block.lang, block.content)):
                return passed(
                    f"{_at(readme, block.line)} {rule.found_named} under {_quote(heading.text, 40)} (line {heading.line})"
                )
    first = sections[0]
    return failed(
        f"{_at(readme, first.line)} {_quote(first.text, 40)} has no {rule.block_named} code block",
        rule.missing_block_fix,
    )


SETUP_SECTION = SectionWithCode(
    SETUP_PHRASES,
    shell_only=True,
    headings_named="Installation / Setup / Quick start",
    block_named="shell",
    found_named="shell block",
    missing_block_fix="Under it, add a ```bash block with the exact commands to install and run.",
)
USAGE_SECTION = SectionWithCode(
    USAGE_PHRASES,
    shell_only=False,
    headings_named="Usage / Examples",
    block_named="example",
    found_named="example",
    missing_block_fix="Add a code block with a real request and its answer (a curl call, a CLI run, a Python snippet).",
)


def _is_shell(lang: str, content: str) -> bool:
    if lang in SHELL_LANGS:
        return True
    if lang:
        return False
    first = next((line.strip() for line in content.splitlines() if line.strip()), "")
    return first.split(" ")[0] in SHELL_COMMANDS if first else False


def check_title_pitch(facts: Facts) -> Finding:
    readme = _readme(facts)
    if readme is None:
        return _no_readme(facts)
    doc = readme.doc
    title = doc.title
    if title is None:
        first = doc.headings[0] if doc.headings else None
        where = f"the first heading is level {first.level} at line {first.line}" if first else "there is no heading"
        return failed(
            f"{readme.path} has no title: {where}", "Start the README with  # Project name  on the first line."
        )
    next_heading = next((h.line for h in doc.headings if h.line > title.line), title.end_line)
    for paragraph in doc.paragraphs:
        if not title.line < paragraph.line < next_heading or paragraph.media_only:
            continue
        words = len(paragraph.text.split())
        if words < PITCH_MIN_WORDS:
            continue
        if words > PITCH_MAX_WORDS:
            return failed(
                f"{_at(readme, paragraph.line)}: the first paragraph after the title is {words} words; a pitch is one line",
                "Put one sentence under the title: what it does and for whom. Move the rest below.",
            )
        return passed(
            f"{_at(readme, title.line)} title {_quote(title.text, 40)}; pitch at line {paragraph.line}: {_quote(paragraph.text)}"
        )
    return failed(
        f"{_at(readme, title.line)} title {_quote(title.text, 40)} has no sentence under it before the next heading",
        "Under the title, write one sentence: what it does and for whom.",
    )


def check_setup(facts: Facts) -> Finding:
    return _check_section_code(facts, SETUP_SECTION)


def check_usage(facts: Facts) -> Finding:
    return _check_section_code(facts, USAGE_SECTION)


def check_diagram(facts: Facts) -> Finding:
    readme = _readme(facts)
    if readme is None:
        return _no_readme(facts)
    for block in readme.doc.code_blocks:
        if block.lang == "mermaid":
            return passed(f"{_at(readme, block.line)} ```mermaid diagram")
    for link in readme.doc.links:
        if link.image and (
            mentions(link.text, DIAGRAM_WORDS) or mentions(PurePosixPath(url_path(link.target)).stem, DIAGRAM_WORDS)
        ):
            return passed(f"{_at(readme, link.line)} image {link.target}")
    return failed(f"{readme.path} has no ```mermaid block and no image named or described as architecture/diagram")


def _video_host(target: str) -> str | None:
    try:
        host = (urlsplit(target).hostname or "").lower()
    except ValueError:
        return None
    return next((h for h in VIDEO_HOSTS if host == h or host.endswith(f".{h}")), None)


def check_demo(facts: Facts) -> Finding:
    media = sorted(p for p in facts.snapshot.tracked if p.lower().endswith(DEMO_EXTENSIONS))
    if media:
        more = f" (+{len(media) - 1} more)" if len(media) > 1 else ""
        return passed(f"{media[0]} in the repository{more}")
    readme = _readme(facts)
    if readme is not None:
        for link in readme.doc.links:
            host = _video_host(link.target)
            if host:
                return passed(f"{_at(readme, link.line)} links a video on {host}")
    return failed("no .gif, .mp4 or .webm in the repository and no link to a video host in the README")


def check_live_url_linked(facts: Facts) -> Finding:
    if not facts.live_url:
        return failed(
            "no live URL recorded for this project",
            "Deploy it, record the URL ({record_live_url}) and link it in the README.",
        )
    readme = _readme(facts)
    if readme is None:
        return _no_readme(facts)
    for link in readme.doc.links:
        if not link.image and same_url(link.target, facts.live_url):
            return passed(f"{_at(readme, link.line)} links {facts.live_url}")
    return failed(
        f"{readme.path} does not link the live URL {facts.live_url}",
        f"Under the title, add:  [Live demo]({facts.live_url})",
    )


def check_evaluation(facts: Facts) -> Finding:
    readme = _readme(facts)
    if readme is None:
        return _no_readme(facts)
    doc = readme.doc
    sections = doc.sections(*EVAL_PHRASES)
    for heading in sections:
        content = [b for b in doc.blocks if doc.within(heading, b.line)]
        if content:
            kinds = sorted({b.kind for b in content})
            return passed(f"{_at(readme, heading.line)} {_quote(heading.text, 40)} section ({', '.join(kinds)})")
    if sections:
        return failed(f"{_at(readme, sections[0].line)} {_quote(sections[0].text, 40)} section is empty")
    return failed(f"{readme.path} has no Evaluation / Results section")


def _license_file(facts: Facts) -> str | None:
    return next((name for name in LICENSE_FILES if facts.snapshot.has(name)), None)


def _mentions_license(doc: MarkdownDoc, license_file: str) -> int | None:
    for link in doc.links:
        if PurePosixPath(url_path(link.target)).name == license_file:
            return link.line
    for heading in doc.headings:
        if mentions(heading.text, LICENSE_WORDS):
            return heading.line
    for paragraph in doc.paragraphs:
        if mentions(paragraph.text, LICENSE_WORDS):
            return paragraph.line
    return None


def check_license(facts: Facts) -> Finding:
    license_file = _license_file(facts)
    if license_file is None:
        return failed(
            "no LICENSE file in the repository",
            "Add a LICENSE file (MIT or Apache-2.0 are common) and a License section in the README.",
        )
    readme = _readme(facts)
    if readme is None:
        return _no_readme(facts)
    line = _mentions_license(readme.doc, license_file)
    if line is None:
        return failed(
            f"{license_file} is there but {readme.path} never mentions it",
            f"End the README with a License section that links [{license_file}]({license_file}).",
        )
    return passed(f"{license_file} in the repository; mentioned at {_at(readme, line)}")


def relative_target(readme_path: str, target: str) -> str | None:
    """The repository path a README link points to, or None for URLs, anchors and paths outside the repo."""
    try:
        parts = urlsplit(target.strip())
    except ValueError:
        return None
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(readme_path), path)
    normal = posixpath.normpath(joined)
    if normal.startswith("..") or normal == ".":
        return None  # outside the repository (e.g. GitHub's ../../issues), or the root itself
    return normal


def _broken(facts: Facts, readme: TextFile) -> tuple[list[tuple[Link, str]], int]:
    tracked, folders = facts.snapshot.tracked, facts.snapshot.tracked_dirs
    broken, total = [], 0
    for link in readme.doc.links:
        path = relative_target(readme.path, link.target)
        if path is None:
            continue
        total += 1
        if path not in tracked and path not in folders:
            broken.append((link, path))
    return broken, total


def check_links_resolve(facts: Facts) -> Finding:
    readme = _readme(facts)
    if readme is None:
        return _no_readme(facts)
    broken, total = _broken(facts, readme)
    if total == 0:
        return not_applicable(f"{readme.path} has no relative links or images")
    if not broken:
        return passed(f"all {total} relative links and images in {readme.path} resolve to files in the repository")
    listed = ", ".join(
        f"line {link.line} {path}{' (on disk, not committed)' if facts.snapshot.untracked_on_disk(path) else ''}"
        for link, path in broken[:5]
    )
    more = f" and {len(broken) - 5} more" if len(broken) > 5 else ""
    return failed(
        f"{len(broken)} of {total} relative links in {readme.path} do not resolve: {listed}{more}",
        "Fix each path (it is relative to the README's folder), or add and commit the missing file.",
    )


CHECKS: tuple[Check, ...] = (
    Check(
        "readme-title-pitch",
        "A title and a one-line pitch",
        Checklist.README,
        Level.SHAREABLE,
        "A reviewer decides in seconds whether to read on; the first line must say what it is and for whom.",
        "Start the README with  # Project name  and one sentence under it.",
        check_title_pitch,
    ),
    Check(
        "readme-setup",
        "Setup instructions with a shell code block",
        Checklist.README,
        Level.SHAREABLE,
        "If a reviewer cannot run it in two commands, they assume it does not run.",
        "Add a  ## Quick start  section with a ```bash block: install, then run.",
        check_setup,
    ),
    Check(
        "readme-usage",
        "A usage section with an example",
        Checklist.README,
        Level.SHAREABLE,
        "An example request and answer shows what the project does without running it.",
        "Add a  ## Usage  section with a code block: a real command or request and what it returns.",
        check_usage,
    ),
    Check(
        "readme-license",
        "A license file, mentioned in the README",
        Checklist.README,
        Level.SHAREABLE,
        "Without a license nobody may legally reuse the code; it signals you know how open source works.",
        "Add a LICENSE file and a  ## License  section that links it.",
        check_license,
    ),
    Check(
        "readme-links-resolve",
        "Images and relative links resolve",
        Checklist.README,
        Level.SHAREABLE,
        "A broken image on the first screen looks careless, and reviewers notice.",
        "Fix or remove each broken link; paths are relative to the README's folder.",
        check_links_resolve,
    ),
    Check(
        "readme-live-url",
        "The live URL is linked in the README",
        Checklist.README,
        Level.DEPLOYED,
        "A link that opens a working app is worth more than any description of it.",
        "Link the live URL under the title:  [Live demo](https://…)",
        check_live_url_linked,
    ),
    Check(
        "readme-diagram",
        "An architecture diagram",
        Checklist.README,
        Level.PORTFOLIO_READY,
        "A diagram shows you think in systems, and gives the interviewer something to ask about.",
        "Add a ```mermaid flowchart of the components (GitHub renders it), or an image named architecture.png.",
        check_diagram,
    ),
    Check(
        "readme-demo",
        "A demo GIF or video",
        Checklist.README,
        Level.PORTFOLIO_READY,
        "Most reviewers will not run your code; a 20-second GIF shows it working.",
        "Record a short GIF (e.g. with peek or ScreenToGif) into docs/demo.gif and show it in the README.",
        check_demo,
    ),
    Check(
        "readme-evaluation",
        "An evaluation / results section",
        Checklist.README,
        Level.PORTFOLIO_READY,
        "Numbers show you measure AI systems instead of trusting a demo; it is the senior signal.",
        "Add a  ## Evaluation  section with a table of your eval results (dataset, metric, score).",
        check_evaluation,
    ),
)
