"""Chunks follow headings and paragraphs, respect the size limit and overlap as configured."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.chunking import chunk_sections
from {{ cookiecutter.package_name }}.loaders import Section, load

LONG = "\n\n".join(
    f"Paragraph {i} talks about topic {i}. " + " ".join(f"word{i}x{j}" for j in range(25))
    for i in range(12)
)


def test_a_heading_always_starts_a_new_chunk() -> None:
    sections = [
        Section(("Install",), "Short install text."),
        Section(("Install", "On Linux"), "Short Linux text."),
        Section(("Usage",), "Short usage text."),
    ]
    chunks = chunk_sections(sections, size=500, overlap=50)
    assert [c.heading for c in chunks] == ["Install", "Install > On Linux", "Usage"]
    assert [c.text for c in chunks] == [s.text for s in sections]
    assert [c.position for c in chunks] == [0, 1, 2]


def test_chunks_fit_the_size_and_consecutive_chunks_overlap() -> None:
    chunks = chunk_sections([Section(("Long",), LONG)], size=400, overlap=80)
    assert len(chunks) > 5
    assert all(len(c.text) <= 400 for c in chunks)
    for previous, current in itertools.pairwise(chunks):
        shared = current.text.split(" ", 1)[0]
        # the next chunk starts with the end of the previous one: at most `overlap` characters
        prefix_len = next(n for n in range(80, 0, -1) if previous.text.endswith(current.text[:n]))
        assert 0 < prefix_len <= 80, (previous.text, current.text)
        assert shared and previous.text.endswith(current.text[:prefix_len])


def test_without_overlap_chunks_partition_the_text_in_order() -> None:
    chunks = chunk_sections([Section((), LONG)], size=300, overlap=0)
    assert " ".join(" ".join(c.text.split()) for c in chunks) == " ".join(LONG.split())


def test_paragraphs_that_fit_are_never_split() -> None:
    paragraphs = [f"Paragraph number {i} is a complete thought, medium length." for i in range(20)]
    chunks = chunk_sections([Section(("P",), "\n\n".join(paragraphs))], size=200, overlap=0)
    for paragraph in paragraphs:
        assert sum(paragraph in c.text for c in chunks) == 1


def test_a_word_longer_than_the_chunk_is_cut_hard() -> None:
    chunks = chunk_sections([Section((), "x" * 250)], size=100, overlap=0)
    assert [len(c.text) for c in chunks] == [100, 100, 50]


@pytest.mark.parametrize(("size", "overlap"), [(0, 0), (100, 100), (100, -1)])
def test_invalid_sizes_are_refused(size: int, overlap: int) -> None:
    with pytest.raises(ValueError):
        chunk_sections([Section((), "text")], size=size, overlap=overlap)


def test_markdown_headings_give_heading_paths_but_code_fences_do_not(tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_text(
        "# Guide\n\nIntro.\n\n## Setup\n\nSteps.\n\n```sh\n# not a heading\n```\n\n"
        "### Windows\n\nUse the installer.\n\n## Usage\n\nRun it.\n",
        encoding="utf-8",
    )
    document = load(path)
    assert document.title == "Guide"
    assert [s.heading_path for s in document.sections] == [
        ("Guide",),
        ("Guide", "Setup"),
        ("Guide", "Setup", "Windows"),
        ("Guide", "Usage"),
    ]
    assert "# not a heading" in document.sections[1].text
