"""Text the app drafted for the author, fenced so that nobody mistakes it for the author's words.

A drafted block sits between two HTML comments (invisible on GitHub). The opening comment holds
a digest of the text as drafted: while the text still matches it, the block is the app's, not the
author's, so the write-up checklist does not count its words and a later draft may replace it.
Once the author edits a single word, the digest no longer matches and the block is theirs: it
counts, and it is never drafted over again.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_OPEN = re.compile(r"^<!-- scaffolder:draft sha256=([0-9a-f]{64})(?: by=(\S+))? .*-->\s*$")
_CLOSE = "<!-- /scaffolder:draft -->"


@dataclass(frozen=True)
class DraftBlock:
    first_line: int  # 1-based, the opening comment
    last_line: int  # the closing comment
    body: str
    author: str  # who drafted it: "offline" or a model's name
    edited: bool


def _digest(body: str) -> str:
    return hashlib.sha256(body.strip().encode("utf-8")).hexdigest()


def fence(body: str, author: str = "offline") -> str:
    """`body` wrapped as an unedited draft block."""
    note = "drafted by the app from your project's files: rewrite it in your own words"
    return f"<!-- scaffolder:draft sha256={_digest(body)} by={author} {note} -->\n{body.strip()}\n{_CLOSE}\n"


def draft_blocks(text: str) -> list[DraftBlock]:
    blocks: list[DraftBlock] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opened = _OPEN.match(lines[index])
        if opened is None:
            index += 1
            continue
        end = next((j for j in range(index + 1, len(lines)) if lines[j].strip() == _CLOSE), None)
        if end is None:  # an opening with no close: the author cut it; what follows is theirs
            break
        body = "\n".join(lines[index + 1 : end])
        blocks.append(
            DraftBlock(index + 1, end + 1, body, opened.group(2) or "offline", _digest(body) != opened.group(1))
        )
        index = end + 1
    return blocks


def unedited_draft_lines(text: str) -> frozenset[int]:
    """The 1-based lines inside draft blocks the author has not touched (markers included)."""
    return frozenset(
        line
        for block in draft_blocks(text)
        if not block.edited
        for line in range(block.first_line, block.last_line + 1)
    )
