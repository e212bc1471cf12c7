"""A Markdown file as the checks need it: headings with the lines their section spans, links and
images (Markdown and inline HTML), code blocks, paragraphs and a word count.

Parsed with markdown-it-py (CommonMark) and, for embedded HTML, the standard library's
HTMLParser: never regular expressions over raw text, which misread code blocks,
reference links and HTML. Parsing never raises: any text gives a document.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from scaffolder.core.drafts import unedited_draft_lines

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# GitHub turns bare URLs into links; CommonMark does not, so text words with these prefixes count.
_BARE_URL_PREFIXES = ("http://", "https://")
_NOT_WORD = re.compile(r"[\W_]+")  # for comparing heading words, not for reading Markdown
_URL_TRAILING_PUNCTUATION = ".,;:!?)]}'\""


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int  # 1-based
    end_line: int  # the section runs up to (not including) this line: the next heading of the same or a higher rank


@dataclass(frozen=True)
class Link:
    target: str
    text: str  # link text, or an image's alt text
    line: int
    image: bool  # an image or a video source, as opposed to a link


@dataclass(frozen=True)
class CodeBlock:
    lang: str  # the fence's info word, lower-cased ("" for none or an indented block)
    content: str
    line: int


@dataclass(frozen=True)
class Paragraph:
    text: str  # plain text without the link targets
    line: int
    media_only: bool  # only images (e.g. a row of badges), no words of its own


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph", "table", "list", "code", "html", "quote"
    line: int


@dataclass(frozen=True)
class MarkdownDoc:
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    code_blocks: tuple[CodeBlock, ...]
    paragraphs: tuple[Paragraph, ...]
    blocks: tuple[Block, ...]
    words: int  # the author's words: not counting wholly italic paragraphs (a template's prompts)
    prompt_words: int = 0  # words in paragraphs that are one italic span, like "_Describe the problem._"

    @property
    def title(self) -> Heading | None:
        """The first level-1 heading, if the document opens with one before any other heading."""
        first = self.headings[0] if self.headings else None
        return first if first is not None and first.level == 1 else None

    def within(self, heading: Heading, line: int) -> bool:
        return heading.line < line < heading.end_line

    def sections(self, *phrases: str) -> list[Heading]:
        """Headings that mention any of `phrases` (whole words, case-insensitive)."""
        return [h for h in self.headings if mentions(h.text, phrases)]


def mentions(text: str, phrases: tuple[str, ...] | list[str]) -> bool:
    """Whether `text` contains one of `phrases` as whole words (case and punctuation ignored)."""
    normal = f" {_words_only(text)} "
    return any(f" {_words_only(p)} " in normal for p in phrases)


@lru_cache(maxsize=4096)
def _words_only(text: str) -> str:
    """Lower-case words separated by single spaces (headings repeat across checks: cached)."""
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


def is_table_source(source: str) -> bool:
    """A GFM table: a header row, then a delimiter row of cells like `---`, `:--`, `--:`."""
    lines = source.split("\n", 2)
    if len(lines) < 2 or "|" not in lines[0] + lines[1]:
        return False
    cells = lines[1].strip().strip("|").split("|")
    return all((cell := c.strip()) and "-" in cell and not cell.strip(":-") for c in cells)


_FILLING_URL_TABLES = threading.Lock()


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    import mdurl
    from markdown_it import MarkdownIt

    # mdurl fills its percent-encoding tables on first use without a lock, and publishes each
    # one before it is full: another thread parsing a link meanwhile failed with an IndexError
    # (the engine reads several projects at a time). They are filled here, once, before any
    # thread gets a parser.
    # markdown-it compiles each rule chain lazily on first use too, and a thread that read a
    # half-compiled chain failed with "none of the block rules matched": one parse here compiles
    # them all before the parser is shared.
    with _FILLING_URL_TABLES:
        mdurl.encode("")
        mdurl.decode("")
        mdurl.decode("", mdurl.DECODE_DEFAULT_CHARS + "%")
        # Not the GFM table rule: it is tried at every line and costs a third of the parse; a
        # paragraph whose second line is a delimiter row is recognised as a table instead.
        parser = MarkdownIt("commonmark")
        parser.parse("# a\n\n[b](c) *d*\n")
    return parser


class _HtmlScan(HTMLParser):
    """Links, images, videos and headings inside a block or span of raw HTML."""

    def __init__(self, first_line: int) -> None:
        super().__init__(convert_charrefs=True)
        self.first_line = first_line
        self.links: list[Link] = []
        self.headings: list[tuple[int, int, list[str]]] = []
        self._heading: tuple[int, int, list[str]] | None = None

    def _line(self) -> int:
        return self.first_line + self.getpos()[0] - 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "img" and values.get("src"):
            self.links.append(Link(values["src"], values.get("alt", ""), self._line(), image=True))
        elif tag in ("video", "source") and values.get("src"):
            self.links.append(Link(values["src"], "", self._line(), image=True))
        elif tag == "a" and values.get("href"):
            self.links.append(Link(values["href"], "", self._line(), image=False))
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self._heading = (int(tag[1]), self._line(), [])

    def handle_endtag(self, tag: str) -> None:
        if self._heading is not None and tag == f"h{self._heading[0]}":
            self.headings.append(self._heading)
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading[2].append(data)


def _scan_html(html: str, first_line: int) -> _HtmlScan:
    scan = _HtmlScan(first_line)
    try:
        scan.feed(html)
        scan.close()
    except (AssertionError, ValueError):  # malformed declarations; keep what was read
        pass
    return scan


def _wholly_emphasised(children: list[Token]) -> bool:
    """Whether an inline run is one italic span from start to end: a template's writing prompt."""
    if len(children) < 3 or children[0].type != "em_open" or children[-1].type != "em_close":
        return False
    depth = 0
    for index, child in enumerate(children):
        depth += {"em_open": 1, "em_close": -1}.get(child.type, 0)
        if depth == 0 and index < len(children) - 1:
            return False
    return True


class _Builder:
    def __init__(self, drafted_lines: frozenset[int] = frozenset()) -> None:
        self.drafted_lines = drafted_lines  # text the app drafted and the author has not edited
        self.headings: list[tuple[int, str, int]] = []
        self.links: list[Link] = []
        self.code_blocks: list[CodeBlock] = []
        self.paragraphs: list[Paragraph] = []
        self.blocks: list[Block] = []
        self.words = 0
        self.prompt_words = 0

    def inline(self, token: Token, line: int) -> tuple[str, bool]:
        """Collect the links of an inline token; return its plain text and whether it is only media."""
        parts: list[str] = []
        has_media = False
        link_stack: list[tuple[str, int, list[str]]] = []
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
                parts.append(" ")
            elif child.type in ("text", "code_inline"):
                parts.append(child.content)
                if link_stack:
                    link_stack[-1][2].append(child.content)
                elif child.type == "text":
                    self._bare_urls(child.content, line)
            elif child.type == "link_open":
                link_stack.append((str(child.attrs.get("href", "")), line, []))
            elif child.type == "link_close" and link_stack:
                href, at, link_text = link_stack.pop()
                self.links.append(Link(href, "".join(link_text), at, image=False))
            elif child.type == "image":
                has_media = True
                self.links.append(Link(str(child.attrs.get("src", "")), child.content, line, image=True))
            elif child.type == "html_inline":
                scan = _scan_html(child.content, line)
                self.links.extend(scan.links)
                has_media = has_media or any(link.image for link in scan.links)
        text = " ".join("".join(parts).split())
        if _wholly_emphasised(token.children or []) or line in self.drafted_lines:
            self.prompt_words += len(text.split())
        else:
            self.words += len(text.split())
        return text, has_media and not text

    def _bare_urls(self, text: str, line: int) -> None:
        for word in text.split():
            if word.startswith(_BARE_URL_PREFIXES):
                url = word.rstrip(_URL_TRAILING_PUNCTUATION)
                if len(url) > len("https://"):
                    self.links.append(Link(url, url, line, image=False))

    def _relabel_table(self, line: int) -> None:
        if self.blocks and self.blocks[-1] == Block("paragraph", line):
            self.blocks[-1] = Block("table", line)

    def build(self, tokens: list[Token], total_lines: int) -> MarkdownDoc:
        heading_level: int | None = None
        paragraph_line = 0
        for token in tokens:
            line = token.map[0] + 1 if token.map else 0
            if token.level == 0 and token.map:
                kind = _BLOCK_KINDS.get(token.type)
                if kind:
                    self.blocks.append(Block(kind, line))
            if token.type == "heading_open":
                heading_level = int(token.tag[1])
            elif token.type == "paragraph_open":
                paragraph_line = line
            elif token.type == "inline":
                text, media_only = self.inline(token, line)
                if heading_level is not None:
                    self.headings.append((heading_level, text, line))
                    heading_level = None
                elif paragraph_line:
                    if is_table_source(token.content):
                        self._relabel_table(paragraph_line)
                    else:
                        self.paragraphs.append(Paragraph(text, paragraph_line, media_only))
                    paragraph_line = 0
            elif token.type in ("fence", "code_block"):
                lang = token.info.strip().split(" ")[0].lower() if token.info.strip() else ""
                self.code_blocks.append(CodeBlock(lang, token.content, line))
            elif token.type == "html_block":
                scan = _scan_html(token.content, line)
                self.links.extend(scan.links)
                for level, at, pieces in scan.headings:
                    self.headings.append((level, " ".join("".join(pieces).split()), at))
        ordered = sorted(self.headings, key=lambda h: h[2])
        headings = tuple(
            Heading(
                level,
                text,
                at,
                next((later[2] for later in ordered[i + 1 :] if later[0] <= level), total_lines + 1),
            )
            for i, (level, text, at) in enumerate(ordered)
        )
        return MarkdownDoc(
            headings=headings,
            links=tuple(self.links),
            code_blocks=tuple(self.code_blocks),
            paragraphs=tuple(self.paragraphs),
            blocks=tuple(self.blocks),
            words=self.words,
            prompt_words=self.prompt_words,
        )


_BLOCK_KINDS = {
    "paragraph_open": "paragraph",
    "table_open": "table",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "fence": "code",
    "code_block": "code",
    "html_block": "html",
    "blockquote_open": "quote",
}


def parse_markdown(text: str) -> MarkdownDoc:
    """The document model of `text`; any input gives one."""
    tokens = _parser().parse(text)
    return _Builder(unedited_draft_lines(text)).build(tokens, len(text.splitlines()))
