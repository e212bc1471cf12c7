"""The Write-up checklist: a post about the project, drafted in the repository, published, linked
from the README and shared; and the one thing only the author can tick, being able to explain it."""

from __future__ import annotations

from scaffolder.core.readiness.deployment import probe_finding
from scaffolder.core.readiness.markdown import mentions
from scaffolder.core.readiness.model import Check, Checklist, Facts, Finding, Level, failed, passed
from scaffolder.core.readiness.readme import relative_target
from scaffolder.core.readiness.snapshot import README_NAMES, WRITEUP_NAMES
from scaffolder.core.readiness.urls import same_url

MIN_WORDS = 300
# The four parts a write-up covers, each with the heading words that count for it.
TOPICS: dict[str, tuple[str, ...]] = {
    "problem": ("problem", "motivation", "why", "background", "challenge", "context"),
    "approach": (
        "approach",
        "solution",
        "method",
        "methods",
        "design",
        "how it works",
        "how i built it",
        "implementation",
    ),
    "results": ("results", "result", "evaluation", "outcome", "outcomes", "findings", "impact", "numbers"),
    "lessons": ("lessons", "lesson", "learned", "learnt", "takeaways", "takeaway", "retrospective", "reflections"),
}


def check_draft(facts: Facts) -> Finding:
    draft = facts.snapshot.writeup
    if draft is None:
        skipped = facts.snapshot.skipped_among(WRITEUP_NAMES)
        if skipped:
            return failed(skipped, "Make it a regular text file inside the repository (under 1 MB), then check again.")
        on_disk = next((n for n in WRITEUP_NAMES if facts.snapshot.untracked_on_disk(n)), None)
        if on_disk:
            return failed(f"{on_disk} is on disk but not committed", f"git add {on_disk} && git commit")
        return failed("no WRITEUP.md or docs/writeup.md in the repository")
    doc = draft.doc
    covered = {
        topic: next((h for h in doc.headings if mentions(h.text, words)), None) for topic, words in TOPICS.items()
    }
    missing = [topic for topic, heading in covered.items() if heading is None]
    if doc.words < MIN_WORDS or missing:
        gaps = []
        if doc.words < MIN_WORDS:
            prompts = f"; {doc.prompt_words} more are italic prompts to replace" if doc.prompt_words else ""
            gaps.append(f"{doc.words} words of your own (needs {MIN_WORDS}{prompts})")
        if missing:
            gaps.append(f"no heading for {', '.join(missing)}")
        return failed(
            f"{draft.path}: {'; '.join(gaps)}",
            "Write at least 300 words of your own under headings for the problem, your approach, the results and"
            " what you learned (the template's italic prompts do not count).",
        )
    found = ", ".join(f"{h.text} (l.{h.line})" for h in covered.values() if h is not None)
    return passed(f"{draft.path}: {doc.words} words; {found}")


def check_published(facts: Facts) -> Finding:
    return probe_finding(
        facts.writeup_url,
        facts,
        failed(
            "no published write-up URL recorded",
            "Publish it (your blog, dev.to, Medium, Hashnode, LinkedIn), then record its URL: {record_writeup_url}",
        ),
    )


def check_readme_links_writeup(facts: Facts) -> Finding:
    readme = facts.snapshot.readme
    if readme is None:
        return failed(facts.snapshot.skipped_among(README_NAMES) or "no README.md in the repository")
    if facts.writeup_url:
        for link in readme.doc.links:
            if same_url(link.target, facts.writeup_url):
                return passed(f"{readme.path}:{link.line} links {facts.writeup_url}")
        return failed(
            f"{readme.path} does not link the published write-up {facts.writeup_url}",
            f"Add to the README:  [Read the write-up]({facts.writeup_url})",
        )
    draft = facts.snapshot.writeup
    if draft is not None:
        for link in readme.doc.links:
            if relative_target(readme.path, link.target) == draft.path:
                return passed(f"{readme.path}:{link.line} links {draft.path} (link the published post once it is out)")
    target = draft.path if draft else "WRITEUP.md"
    return failed(f"{readme.path} links no write-up", f"Add to the README:  [Read the write-up]({target})")


CHECKS: tuple[Check, ...] = (
    Check(
        "writeup-draft",
        "A write-up draft of 300+ words: problem, approach, results, lessons",
        Checklist.WRITEUP,
        Level.SHAREABLE,
        "Writing about your work shows you can explain trade-offs: the core of every interview.",
        "Write WRITEUP.md with the headings Problem, Approach, Results and What I learned (300+ words).",
        check_draft,
    ),
    Check(
        "writeup-published",
        "The write-up is published and answers",
        Checklist.WRITEUP,
        Level.PORTFOLIO_READY,
        "A published post is found by search and shared; a draft in a repository is read by nobody.",
        "Publish it, then record its URL: {record_writeup_url}",
        check_published,
    ),
    Check(
        "readme-links-writeup",
        "The README links to the write-up",
        Checklist.WRITEUP,
        Level.PORTFOLIO_READY,
        "A reviewer who likes the code will want the story behind it, one click away.",
        "Add a link to the write-up near the top of the README.",
        check_readme_links_writeup,
    ),
    Check(
        "writeup-shared",
        "Shared publicly (post URL)",
        Checklist.WRITEUP,
        Level.PORTFOLIO_READY,
        "Hiring managers find candidates through what they share; an unshared post reaches nobody.",
        "Share it (LinkedIn, X, a community forum), then {tick_with_url}",
    ),
    Check(
        "explain-architecture",
        "I can explain every part of the architecture in an interview",
        Checklist.WRITEUP,
        Level.PORTFOLIO_READY,
        "Interviewers probe the parts you did not write; a generated project you cannot explain counts against you.",
        "Walk through the diagram aloud, one component at a time, and why each exists; then {tick}",
    ),
)
