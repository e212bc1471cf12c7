"""Read Markdown, reStructuredText, plain text, HTML and PDF into sections that keep headings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

SUPPORTED_SUFFIXES = {".md", ".markdown", ".rst", ".txt", ".text", ".html", ".htm", ".pdf"}


class LoadError(Exception):
    """The file could not be read as a document (unreadable, empty, wrong format)."""


@dataclass
class Section:
    """A run of text under one heading path, e.g. ("Install", "On Windows")."""

    heading_path: tuple[str, ...]
    text: str


@dataclass
class LoadedDocument:
    title: str
    sections: list[Section] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(s.text for s in self.sections)


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def unsupported_reason(path: Path) -> str:
    """The sentence an ingest report gives for a file it does not read."""
    kinds = " ".join(sorted(SUPPORTED_SUFFIXES))
    return f"unsupported file type {path.suffix.lower() or '(no extension)'}; reads {kinds}"


def load(path: Path, data: bytes | None = None) -> LoadedDocument:
    """Load one file by its suffix. Raises LoadError with a readable reason."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"unsupported file type {suffix or '(none)'}")
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise LoadError(f"cannot read file: {exc.strerror or exc}") from exc
    if suffix == ".pdf":
        doc = _load_pdf(data, path.stem)
    else:
        text = _decode(data)
        if suffix in {".md", ".markdown"}:
            doc = _load_markdown(text, path.stem)
        elif suffix == ".rst":
            doc = load_rst(text, path.stem)
        elif suffix in {".html", ".htm"}:
            doc = _load_html(text, path.stem)
        else:
            doc = _load_text(text, path.stem)
    doc.sections = [s for s in doc.sections if s.text.strip()]
    if not doc.sections:
        raise LoadError("no text found (empty file)")
    return doc


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise LoadError("looks like a binary file, not text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            continue
    raise LoadError("cannot decode text (not UTF-8)")


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _load_markdown(text: str, fallback_title: str) -> LoadedDocument:
    title = fallback_title
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    lines: list[str] = []
    in_fence = False

    def flush() -> None:
        body = "\n".join(lines).strip()
        if body:
            sections.append(Section(tuple(h for _, h in stack), body))
        lines.clear()

    for line in text.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _MD_HEADING.match(line)
        if match:
            flush()
            level, heading = len(match.group(1)), match.group(2).strip()
            if level == 1 and title == fallback_title:
                title = heading
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, heading))
        else:
            lines.append(line)
    flush()
    return LoadedDocument(title=title, sections=sections)


def _load_text(text: str, fallback_title: str) -> LoadedDocument:
    body = text.strip()
    return LoadedDocument(title=fallback_title, sections=[Section((), body)] if body else [])


def load_rst(text: str, fallback_title: str) -> LoadedDocument:
    from .rst import rst_sections

    title, parts = rst_sections(text)
    return LoadedDocument(
        title=title or fallback_title,
        sections=[Section(heading_path, body) for heading_path, body in parts],
    )


class _HTMLSections(HTMLParser):
    """Collects text blocks, splitting on h1-h6 and keeping the heading path."""

    BLOCKS: ClassVar[set[str]] = {
        "p",
        "li",
        "pre",
        "blockquote",
        "tr",
        "dt",
        "dd",
        "div",
        "section",
        "br",
        "td",
    }
    SKIP: ClassVar[set[str]] = {"script", "style", "noscript", "template", "svg", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.sections: list[Section] = []
        self.stack: list[tuple[int, str]] = []
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.heading_level = 0
        self.heading_text: list[str] = []
        self.skip_depth = 0
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP and tag != "head":
            self.skip_depth += 1
        elif tag == "title":
            self.in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self._end_block()
            self._flush()
            self.heading_level = int(tag[1])
            self.heading_text = []
        elif tag in self.BLOCKS:
            self._end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and tag != "head":
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag == "title":
            self.in_title = False
        elif re.fullmatch(r"h[1-6]", tag) and self.heading_level:
            heading = " ".join("".join(self.heading_text).split())
            level = self.heading_level
            self.heading_level = 0
            if heading:
                if level == 1 and not self.title:
                    self.title = heading
                while self.stack and self.stack[-1][0] >= level:
                    self.stack.pop()
                self.stack.append((level, heading))
        elif tag in self.BLOCKS:
            self._end_block()

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.in_title:
            self.title = self.title or data.strip()
        elif self.heading_level:
            self.heading_text.append(data)
        else:
            self.current.append(data)

    def _end_block(self) -> None:
        block = " ".join("".join(self.current).split())
        if block:
            self.blocks.append(block)
        self.current = []

    def _flush(self) -> None:
        if self.blocks:
            heading_path = tuple(h for _, h in self.stack)
            self.sections.append(Section(heading_path, "\n\n".join(self.blocks)))
        self.blocks = []

    def finish(self) -> None:
        self._end_block()
        self._flush()


def _load_html(text: str, fallback_title: str) -> LoadedDocument:
    parser = _HTMLSections()
    parser.feed(text)
    parser.close()
    parser.finish()
    return LoadedDocument(title=parser.title or fallback_title, sections=parser.sections)


def _load_pdf(data: bytes, fallback_title: str) -> LoadedDocument:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError(f"cannot read PDF: {exc}") from exc
    sections = [
        Section((f"Page {number}",), _tidy_pdf_text(text))
        for number, text in enumerate(pages, start=1)
        if text.strip()
    ]
    return LoadedDocument(title=str(meta_title).strip() or fallback_title, sections=sections)


def _tidy_pdf_text(text: str) -> str:
    """Join the hard-wrapped lines of a PDF page back into paragraphs."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r", ""))
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
