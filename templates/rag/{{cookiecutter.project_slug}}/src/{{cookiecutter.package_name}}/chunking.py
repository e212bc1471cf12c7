"""Split sections into chunks that follow headings and paragraphs.

Rules, in order:
1. A chunk never spans two sections: a heading always starts a new chunk.
2. Inside a section, whole paragraphs are packed into a chunk while they fit `size` characters.
3. A paragraph longer than `size` is cut at sentence ends, then at spaces, never mid-word
   unless a single word is longer than `size`.
4. Each chunk after the first in a section starts with the last `overlap` characters of the
   previous one (snapped to a word boundary), so a fact cut at a boundary is still found whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .loaders import Section


@dataclass(frozen=True)
class Chunk:
    heading_path: tuple[str, ...]
    text: str
    position: int  # 0-based order of the chunk in its document

    @property
    def heading(self) -> str:
        return " > ".join(self.heading_path)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _pieces(paragraph: str, size: int) -> list[str]:
    """Cut one paragraph into pieces of at most `size` characters."""
    if len(paragraph) <= size:
        return [paragraph]
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(paragraph):
        for word_run in _split_long(sentence, size):
            candidate = f"{current} {word_run}".strip()
            if len(candidate) <= size:
                current = candidate
            else:
                if current:
                    pieces.append(current)
                current = word_run
    if current:
        pieces.append(current)
    return pieces


def _split_long(text: str, size: int) -> list[str]:
    if len(text) <= size:
        return [text]
    out: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > size:  # a single huge token: hard cut
            if current:
                out.append(current)
                current = ""
            out.append(word[:size])
            word = word[size:]
        candidate = f"{current} {word}".strip()
        if len(candidate) <= size:
            current = candidate
        else:
            out.append(current)
            current = word
    if current:
        out.append(current)
    return out


def _tail(text: str, overlap: int) -> str:
    """The last `overlap` characters of text, starting at a word boundary."""
    if overlap <= 0 or not text:
        return ""
    if len(text) <= overlap:
        return text
    tail = text[-overlap:]
    space = tail.find(" ")
    return tail[space + 1 :] if 0 <= space < len(tail) - 1 else tail


def chunk_sections(sections: Iterable[Section], size: int = 800, overlap: int = 120) -> list[Chunk]:
    if size <= 0:
        raise ValueError("size must be positive")
    if not 0 <= overlap < size:
        raise ValueError("overlap must be >= 0 and smaller than size")
    chunks: list[Chunk] = []
    for section in sections:
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", section.text)]
        # The overlap prefix must fit too, so body pieces leave room for it.
        room = max(1, size - overlap - 1) if overlap else size
        pieces = [piece for p in paragraphs if p for piece in _pieces(p, room)]
        bodies: list[str] = []
        current = ""
        for piece in pieces:
            joined = f"{current}\n\n{piece}" if current else piece
            if len(joined) <= room:
                current = joined
            else:
                bodies.append(current)
                current = piece
        if current:
            bodies.append(current)
        previous = ""
        for body in bodies:
            prefix = _tail(previous, overlap)
            text = f"{prefix} {body}" if prefix else body
            chunks.append(Chunk(section.heading_path, text, len(chunks)))
            previous = body
    return chunks
