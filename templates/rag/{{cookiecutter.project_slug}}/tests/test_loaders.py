"""HTML, PDF, text and Markdown files load into sections; bad files fail with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.loaders import LoadError, load


def test_html_sections_follow_headings_and_skip_scripts(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Page title</title><style>p {color: red}</style></head><body>"
        "<h1>Main</h1><p>First paragraph.</p><script>alert('no')</script>"
        "<h2>Details</h2><ul><li>One &amp; two</li><li>Three</li></ul></body></html>",
        encoding="utf-8",
    )
    document = load(path)
    assert document.title == "Page title"
    assert [(s.heading_path, s.text) for s in document.sections] == [
        (("Main",), "First paragraph."),
        (("Main", "Details"), "One & two\n\nThree"),
    ]


def test_pdf_text_is_extracted_per_page(tmp_path: Path, make_pdf) -> None:
    path = tmp_path / "manual.pdf"
    path.write_bytes(
        make_pdf(["The flux capacitor needs", "1.21 gigawatts of power."], title="Flux manual")
    )
    document = load(path)
    assert document.title == "Flux manual"
    assert document.sections[0].heading_path == ("Page 1",)
    assert "1.21 gigawatts" in document.sections[0].text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.md", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("binary.txt", b"\x00\x01\x02binary", "binary"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
        ("image.png", b"\x89PNG", "unsupported"),
    ],
)
def test_bad_files_raise_load_error_with_a_reason(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(LoadError, match=reason):
        load(path)


def test_windows_line_endings_and_cp1252_text_are_read(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes("Caf\xe9 notes\r\nsecond line\r\n".encode("cp1252"))
    assert load(path).sections[0].text == "Café notes\nsecond line"


RST = """\
Options
=======

.. currentmodule:: click

Options are added with the :func:`option` decorator.

Counting
--------

Some options count how often they were given:

.. click:example::

    @click.option('-v', '--verbose', count=True)
    def log(verbose):
        click.echo(f"Verbosity: {verbose}")

.. versionadded:: 8.0
    Counting works with flags.

.. include:: /etc/passwd
"""


def test_restructuredtext_loads_into_sections_with_sphinx_markup_kept_as_text(
    tmp_path: Path,
) -> None:
    path = tmp_path / "options.rst"
    path.write_text(RST, encoding="utf-8")
    document = load(path)
    assert document.title == "Options"
    assert [s.heading_path for s in document.sections] == [("Options",), ("Options", "Counting")]
    intro, counting = (s.text for s in document.sections)
    assert "added with the option decorator" in intro
    # An unknown Sphinx directive keeps its example code searchable.
    assert "count=True" in counting and "Counting works with flags" in counting
    # File inclusion is off: an uploaded .rst cannot pull server files into the index.
    assert "root:" not in document.text


def test_every_file_a_folder_ingest_passes_over_is_reported_with_its_reason(
    tmp_path: Path,
) -> None:
    from {{ cookiecutter.package_name }}.ingest import discover

    folder = tmp_path / "docs"
    (folder / ".git").mkdir(parents=True)
    (folder / "guide.rst").write_text("Guide\n=====\n\nText.\n", encoding="utf-8")
    (folder / "report.docx").write_bytes(b"PK\x03\x04")
    (folder / ".env").write_text("SECRET=1\n", encoding="utf-8")
    found, passed_over = discover([folder, tmp_path / "missing"], base=folder)
    assert [p.name for p in found] == ["guide.rst"]
    reasons = dict(passed_over)
    assert reasons[".git"] == "hidden folder, not searched"
    assert reasons[".env"] == "hidden file"
    assert reasons["report.docx"].startswith("unsupported file type .docx")
    assert reasons[str(tmp_path / "missing")] == "no such file or folder"
