"""The Markdown model the checks read, and every check fed arbitrary text without crashing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from scaffolder.core.readiness import ALL_CHECKS, Result, evaluate
from scaffolder.core.readiness.markdown import mentions, parse_markdown
from scaffolder.core.readiness.snapshot import RepoSnapshot, TextFile
from scaffolder.core.store import Project


def test_headings_know_where_their_section_ends() -> None:
    doc = parse_markdown("# T\n\n## A\n\ntext\n\n### A.1\n\nmore\n\n## B\n")
    assert [(h.level, h.text, h.line, h.end_line) for h in doc.headings] == [
        (1, "T", 1, 12),
        (2, "A", 3, 11),
        (3, "A.1", 7, 11),
        (2, "B", 11, 12),
    ]


def test_links_images_and_html_with_their_lines() -> None:
    doc = parse_markdown(
        '# T\n\nSee [docs](docs/a.md)\nand ![shot](img/s.png "title").\n\n'
        '<p align="center">\n  <img src="docs/arch.svg" alt="Architecture">\n</p>\n\n'
        "Bare https://example.org/x. and <https://auto.example.org>\n"
    )
    assert [(link.target, link.text, link.line, link.image) for link in doc.links] == [
        ("docs/a.md", "docs", 3, False),
        ("img/s.png", "shot", 4, True),
        ("docs/arch.svg", "Architecture", 7, True),
        ("https://example.org/x", "https://example.org/x", 10, False),
        ("https://auto.example.org", "https://auto.example.org", 10, False),
    ]


def test_code_blocks_and_the_word_count_leave_out_code() -> None:
    doc = parse_markdown(
        "# Title here\n\n```Bash {.numberLines}\necho a b c\n```\n\n    indented code\n\nFour words are here.\n"
    )
    assert [(c.lang, c.line) for c in doc.code_blocks] == [("bash", 3), ("", 7)]
    assert doc.words == 6


def test_mentions_matches_whole_words_only() -> None:
    assert mentions("Quick-start guide", ("quick start",))
    assert mentions("What I learned", ("learned",))
    assert not mentions("Prerequisites", ("setup",))
    assert not mentions("Reusage", ("usage",))


MARKDOWN_PIECES = st.sampled_from(
    [
        "# ",
        "## ",
        "\n",
        "\n\n",
        "```",
        "```bash\n",
        "```mermaid\n",
        "~~~",
        "    ",
        "> ",
        "- ",
        "1. ",
        "| a | b |\n|---|---|\n",
        "[",
        "](",
        ")",
        "![",
        "<img src=",
        '"',
        "<a href='x'>",
        "</a>",
        "<h1>",
        "</h1>",
        "<!--",
        "-->",
        "<![CDATA[",
        "<!",
        "&#",
        "http://",
        "https://",
        "../",
        "#",
        "%",
        "Usage",
        "Install",
        "Results",
        "License",
        "architecture",
        "demo.gif",
        "WRITEUP.md",
    ]
)
MARKDOWNISH = st.lists(st.one_of(MARKDOWN_PIECES, st.text(max_size=12)), max_size=40).map("".join)
NOWHERE = Path("/nonexistent/readiness-hypothesis")
PROJECT = Project(
    id=1,
    name="Fuzz",
    kind="rag",
    path=NOWHERE,
    template=None,
    template_version=None,
    answers={},
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
    live_url="https://fuzz.example.org",
    writeup_url=None,
)


@settings(max_examples=300, deadline=None)
@given(readme=st.one_of(st.text(), MARKDOWNISH), writeup=st.one_of(st.text(), MARKDOWNISH))
def test_every_check_survives_arbitrary_markdown(readme: str, writeup: str) -> None:
    snapshot = RepoSnapshot(
        root=NOWHERE,
        exists=True,
        is_repo=True,
        tracked=frozenset({"README.md", "WRITEUP.md", "LICENSE", "docs/demo.gif"}),
        readme=TextFile("README.md", readme, parse_markdown(readme)),
        writeup=TextFile("WRITEUP.md", writeup, parse_markdown(writeup)),
    )
    report = evaluate(PROJECT, snapshot, {})
    assert len(report.results) == len(ALL_CHECKS)
    crashed = [(r.check.id, r.evidence) for r in report.results if r.evidence.startswith("the check itself failed")]
    assert crashed == []
    assert all(r.result in Result for r in report.results)
    assert 0 <= report.score <= 100
