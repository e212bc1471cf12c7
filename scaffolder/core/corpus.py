"""A folder of the user's own documents, as a RAG project will see it: what is there (files, pages,
words, headings) and what will be skipped and why, before anything is generated.

Reads are bounded: at most MAX_FILES files and MAX_FILE_BYTES a file; links that leave the folder,
FIFOs, devices and anything unreadable are skipped with the reason, never opened blocking.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from scaffolder.core.errors import UserError

SUPPORTED = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".rst": "rst",
}
MAX_FILES = 5000
MAX_FILE_BYTES = 50_000_000
MAX_HEADINGS_PER_FILE = 40
_MD_HEADING = re.compile(r"^(#{1,4})\s+(.+?)\s*#*\s*$")
_RST_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+])\1{2,}\s*$")


@dataclass(frozen=True)
class Section:
    heading: str
    text: str  # the section's text up to the next heading, whitespace folded


@dataclass(frozen=True)
class Document:
    path: str  # relative to the corpus root, with '/'
    kind: str
    bytes: int
    words: int
    pages: int | None
    title: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class CorpusReport:
    root: Path
    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...]
    truncated: bool = False  # more than MAX_FILES files: the rest were not read
    topics: tuple[str, ...] = field(default=())

    @property
    def words(self) -> int:
        return sum(d.words for d in self.documents)

    @property
    def pages(self) -> int:
        return sum(d.pages or 0 for d in self.documents)

    def summary(self) -> str:
        kinds: dict[str, int] = {}
        for doc in self.documents:
            kinds[doc.kind] = kinds.get(doc.kind, 0) + 1
        parts = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        pages = f", {self.pages} PDF pages" if self.pages else ""
        count = f"{len(self.documents)} document{'' if len(self.documents) == 1 else 's'}"
        text = f"{count} ({parts}){pages}, {self.words:,} words in {self.root}"
        if self.skipped:
            text += f"; {len(self.skipped)} skipped"
        if self.truncated:
            text += f"; only the first {MAX_FILES} files were read"
        return text


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._skip = 0
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        elif tag in {"h1", "h2", "h3", "h4"}:
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1
        elif tag in {"h1", "h2", "h3", "h4"} and self._heading is not None:
            self.lines.append("## " + " ".join("".join(self._heading).split()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._heading is not None:
            self._heading.append(data)
        elif data.strip():
            self.lines.append(data.strip())


def _as_markdownish(kind: str, raw: str) -> str:
    """Headings as '## …' lines for every format, so sections are found one way."""
    if kind == "html":
        parser = _HtmlText()
        parser.feed(raw)
        return "\n".join(parser.lines)
    if kind == "rst":
        lines = raw.splitlines()
        out: list[str] = []
        for i, line in enumerate(lines):
            if _RST_UNDERLINE.match(line) and out and out[-1].strip() and len(line.strip()) >= len(out[-1].strip()):
                out[-1] = "## " + out[-1].strip()
            elif not (_RST_UNDERLINE.match(line) and i + 2 < len(lines) and _RST_UNDERLINE.match(lines[i + 2])):
                out.append(line)
        return "\n".join(out)
    return raw


def _sections(text: str, kind: str) -> tuple[str, tuple[Section, ...]]:
    """Sections split at headings; plain text has none ('#' there is a comment, not a heading)."""
    if kind == "text" or kind == "pdf":
        return _first_line_title(text) if kind == "pdf" else "", (Section("", " ".join(text.split())),)
    title = ""
    sections: list[Section] = []
    heading, body = "", list[str]()
    for line in text.splitlines():
        match = _MD_HEADING.match(line)
        if match:
            if heading or body:
                sections.append(Section(heading, " ".join(" ".join(body).split())))
            heading, body = match.group(2).strip(), []
            if not title:
                title = heading
        else:
            body.append(line)
    if heading or body:
        sections.append(Section(heading, " ".join(" ".join(body).split())))
    return title, tuple(s for s in sections if s.heading or s.text)[:MAX_HEADINGS_PER_FILE]


def _first_line_title(text: str) -> str:
    """A PDF's first line, when it is short enough to be its title (a PDF has no marked headings)."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= 80 and len(first.split()) <= 10 else ""


def _pdf(path: Path) -> tuple[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = [page.extract_text() or "" for page in reader.pages]
    return "\n\n".join(pages), len(pages)


def _read(path: Path, kind: str) -> tuple[str, int | None]:
    if kind == "pdf":
        return _pdf(path)
    return _as_markdownish(kind, path.read_text(encoding="utf-8", errors="replace")), None


def _candidates(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in {"node_modules", "__pycache__"})
        found += [Path(folder) / name for name in sorted(files) if not name.startswith(".")]
        if len(found) > MAX_FILES:
            break
    return found


def scan_corpus(root: Path) -> CorpusReport:
    root = Path(root).expanduser()
    if not root.is_dir():
        raise UserError(f"{root} is not a folder.", "Choose the folder that holds your documents.")
    root = root.resolve()
    documents: list[Document] = []
    skipped: list[Skipped] = []
    candidates = _candidates(root)
    for path in candidates[:MAX_FILES]:
        relative = path.relative_to(root).as_posix()
        kind = SUPPORTED.get(path.suffix.lower())
        if kind is None:
            skipped.append(Skipped(relative, f"{path.suffix or 'no extension'} is not a supported format"))
            continue
        try:
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                target = path.resolve()
                if not target.is_relative_to(root):
                    skipped.append(Skipped(relative, "a link that leaves the folder"))
                    continue
                info = target.stat()
            if not stat.S_ISREG(info.st_mode):
                skipped.append(Skipped(relative, "not a regular file"))
                continue
            if info.st_size > MAX_FILE_BYTES:
                skipped.append(Skipped(relative, f"larger than {MAX_FILE_BYTES // 1_000_000} MB"))
                continue
            text, pages = _read(path, kind)
        except ImportError:
            skipped.append(Skipped(relative, "PDF support needs pypdf (pip install pypdf)"))
            continue
        except Exception as err:
            skipped.append(Skipped(relative, f"cannot be read: {type(err).__name__}: {err}"[:160]))
            continue
        words = len(text.split())
        if words == 0:
            skipped.append(Skipped(relative, "no text (a scanned PDF needs OCR first)" if kind == "pdf" else "empty"))
            continue
        title, sections = _sections(text, kind)
        documents.append(Document(relative, kind, info.st_size, words, pages, title or path.stem, sections))
    return CorpusReport(root, tuple(documents), tuple(skipped), len(candidates) > MAX_FILES, _topics(documents))


def _topics(documents: list[Document], count: int = 6) -> tuple[str, ...]:
    """The corpus's topics: its documents' titles, most words first."""
    seen: list[str] = []
    for doc in sorted(documents, key=lambda d: -d.words):
        if doc.title and doc.title.lower() not in {t.lower() for t in seen}:
            seen.append(doc.title)
        if len(seen) == count:
            break
    return tuple(seen)


def require_readable(report: CorpusReport) -> CorpusReport:
    """The report itself, or the sentence that says why nothing in the folder can be used."""
    if not report.documents:
        raise UserError(
            f"No document in {report.root} can be read ({len(report.skipped)} skipped).",
            "Use Markdown, HTML, text, reStructuredText or PDF files.",
        )
    return report
