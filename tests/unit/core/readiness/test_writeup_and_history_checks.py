"""Write-up checks (draft, published, linked, manual ticks) and the git-history check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scaffolder.core.readiness import Result
from scaffolder.core.store import Probe
from tests.unit.core.readiness.conftest import WRITEUP, Repo


def test_a_full_draft_passes_and_names_its_headings(complete_repo: Repo) -> None:
    result = complete_repo.result("writeup-draft")
    assert result.result is Result.PASSED
    assert result.evidence.startswith("WRITEUP.md: ")
    assert result.evidence.endswith("words; Problem (l.3), Approach (l.7), Results (l.11), What I learned (l.15)")


def test_a_short_draft_without_lessons_fails_saying_both(repo: Repo) -> None:
    repo.write(
        "docs/writeup.md", "# Post\n\n## Problem\n\nIt was hard.\n\n## Approach\n\nI tried.\n\n## Results\n\nOK.\n"
    )
    repo.commit()
    result = repo.result("writeup-draft")
    assert (result.result, result.evidence) == (
        Result.FAILED,
        "docs/writeup.md: 10 words of your own (needs 300); no heading for lessons",
    )


def test_words_in_code_blocks_and_comments_do_not_count(repo: Repo) -> None:
    filler = "<!-- " + "replace this prompt with your own words " * 60 + "-->\n\n```text\n" + "code " * 400 + "\n```\n"
    headings = "# P\n\n## Problem\n\n## Approach\n\n## Results\n\n## Lessons learned\n\n"
    repo.write("WRITEUP.md", headings + filler).commit()
    result = repo.result("writeup-draft")
    assert (result.result, result.evidence) == (Result.FAILED, "WRITEUP.md: 6 words of your own (needs 300)")


def test_a_template_draft_of_italic_prompts_is_not_the_authors_writing(repo: Repo) -> None:
    prompt = "_Describe who has this problem and what it costs them today, with one concrete example._\n\n"
    sections = "".join(f"## {h}\n\n{prompt * 4}" for h in ("Problem", "Approach", "Results", "What I learned"))
    repo.write("WRITEUP.md", "# My project\n\nI built this in two weeks.\n\n" + sections).commit()
    result = repo.result("writeup-draft")
    assert result.result is Result.FAILED
    assert result.evidence == "WRITEUP.md: 14 words of your own (needs 300; 240 more are italic prompts to replace)"

    own = "I wrote this paragraph myself, with *one emphasised word*, and it counts in full. " * 25
    repo.write("WRITEUP.md", "# My project\n\n" + sections + own + "\n").commit()
    assert repo.result("writeup-draft").result is Result.PASSED


def test_no_draft(repo: Repo) -> None:
    result = repo.write("a.txt", "a").commit().result("writeup-draft")
    assert (result.result, result.evidence) == (Result.FAILED, "no WRITEUP.md or docs/writeup.md in the repository")


def test_published_needs_a_recorded_url_that_answers(complete_repo: Repo) -> None:
    store, name = complete_repo.store, complete_repo.name
    assert complete_repo.result("writeup-published").evidence == "no published write-up URL recorded"

    url = "https://blog.example.org/docs-qa"
    store.set_writeup_url(name, url)
    unprobed = complete_repo.result("writeup-published")
    assert (unprobed.result, unprobed.evidence) == (Result.NOT_CHECKED, f"{url} not probed yet")

    project = store.get(name)
    when = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    store.record_probe(project.id, Probe(url, 200, 84.0, None, when))
    answered = complete_repo.result("writeup-published")
    assert (answered.result, answered.evidence) == (
        Result.PASSED,
        f"{url} answered HTTP 200 in 84 ms (probed 2026-11-20 09:30 UTC)",
    )
    store.record_probe(project.id, Probe(url, None, None, "connection refused", when))
    down = complete_repo.result("writeup-published")
    assert (down.result, down.evidence) == (Result.FAILED, f"{url}: connection refused (probed 2026-11-20 09:30 UTC)")


def test_the_readme_links_the_draft_until_a_published_url_is_recorded(complete_repo: Repo) -> None:
    draft = complete_repo.result("readme-links-writeup")
    assert (draft.result, draft.evidence) == (
        Result.PASSED,
        "README.md:5 links WRITEUP.md (link the published post once it is out)",
    )
    complete_repo.store.set_writeup_url(complete_repo.name, "https://blog.example.org/docs-qa")
    published = complete_repo.result("readme-links-writeup")
    assert (published.result, published.evidence) == (
        Result.FAILED,
        "README.md does not link the published write-up https://blog.example.org/docs-qa",
    )


def test_a_readme_without_a_write_up_link(repo: Repo) -> None:
    repo.write("README.md", "# X\n\nA tool.\n").write("WRITEUP.md", WRITEUP).commit()
    result = repo.result("readme-links-writeup")
    assert (result.result, result.fix) == (Result.FAILED, "Add to the README:  [Read the write-up](WRITEUP.md)")


def test_manual_checks_are_ticked_with_evidence_and_remembered(repo: Repo) -> None:
    repo.write("a.txt", "a").commit()
    before = repo.result("writeup-shared")
    assert (before.result, before.evidence) == (Result.NOT_CHECKED, "not ticked yet")
    assert "scaffolder check 'Docs Q&A' writeup-shared --evidence" in before.fix

    repo.store.tick(repo.name, "writeup-shared", "https://www.linkedin.com/posts/ada-123")
    after = repo.result("writeup-shared")
    assert after.result is Result.PASSED
    assert after.evidence.startswith("ticked ")
    assert after.evidence.endswith(" — https://www.linkedin.com/posts/ada-123")
    assert after.check.kind.value == "manual"

    repo.store.untick(repo.name, "writeup-shared")
    assert repo.result("writeup-shared").result is Result.NOT_CHECKED


def test_one_generated_commit_is_not_iteration(repo: Repo) -> None:
    result = repo.write("a.txt", "a").commit(when=datetime(2026, 3, 1, 12, tzinfo=UTC)).result("git-iteration")
    assert (result.result, result.evidence) == (Result.FAILED, "1 commit on 1 day (2026-03-01)")
    assert result.fix


def test_many_commits_in_one_day_are_not_iteration_either(repo: Repo) -> None:
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    for i in range(10):
        repo.write("a.txt", str(i)).commit(when=start + timedelta(minutes=i))
    result = repo.result("git-iteration")
    assert (result.result, result.evidence) == (Result.FAILED, "10 commits on 1 day (2026-03-01)")


def test_commits_over_several_days_are_iteration(repo: Repo) -> None:
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    for i in range(7):
        repo.write("a.txt", str(i)).commit(when=start + timedelta(days=i // 3))
    result = repo.result("git-iteration")
    assert (result.result, result.evidence) == (Result.PASSED, "7 commits on 3 days (2026-03-01 → 2026-03-03)")


def test_six_commits_over_days_are_still_a_handful(repo: Repo) -> None:
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    for i in range(6):
        repo.write("a.txt", str(i)).commit(when=start + timedelta(days=i))
    assert repo.result("git-iteration").result is Result.FAILED
