"""The offline model: a rule-based text checker that says plainly that it is one.

It needs no key and no network, answers deterministically (so tests can assert every token), and
is still useful: it measures sentences, spots the product's flagged words, repetition and passive
voice. The rules are the same for every product; what it flags and how it words its answer come
from `product.PRODUCT`.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import AsyncIterator, Sequence

from ..product import PRODUCT, Product
from . import ChatMessage, Usage

LONG_SENTENCE_WORDS = 25
STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "so",
        "that",
        "the",
        "this",
        "to",
        "was",
        "we",
        "were",
        "will",
        "with",
        "you",
        "your",
        "my",
        "our",
        "they",
        "their",
        "them",
        "he",
        "she",
        "his",
        "her",
        "not",
        "can",
        "do",
        "does",
    }
)
_WORD = re.compile(r"[A-Za-z']+")
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_PASSIVE = re.compile(
    r"\b(?:is|are|was|were|be|been|being)\s+"
    r"(?:\w+ed|\w+en|made|done|built|sent|found|held|kept|left|paid|said|told|bought|brought|"
    r"caught|taught|thought|sold|put|set|won|shown)\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"\S+\s*")


def count_tokens(text: str) -> int:
    """Whitespace tokens: the offline model's honest stand-in for a tokenizer."""
    return len(_TOKEN.findall(text))


def _occurrences(phrase: str, lowered: str) -> int:
    """Whole-word (or whole-phrase) matches, so "just" is not found inside "adjust"."""
    return len(re.findall(rf"(?<![a-z']){re.escape(phrase.lower())}(?![a-z'])", lowered))


def check_text(text: str, product: Product = PRODUCT) -> str:
    wording = product.wording
    words = _WORD.findall(text)
    sentences = [s.strip() for s in _SENTENCE.findall(text) if _WORD.search(s)]
    lines = [wording.title, ""]
    if not words:
        lines.append(wording.nothing_to_check)
        return "\n".join(lines)
    average = len(words) / max(len(sentences), 1)
    lines.append(wording.length.format(words=len(words), sentences=len(sentences), average=average))
    longest = max(sentences, key=lambda s: len(_WORD.findall(s)), default="")
    longest_words = len(_WORD.findall(longest))
    if longest_words > LONG_SENTENCE_WORDS:
        lines.append(wording.long_sentence.format(count=longest_words, sentence=longest))
    lowered_text = text.lower()
    flagged = {p: n for p in product.flagged_words if (n := _occurrences(p, lowered_text))}
    if flagged:
        found = ", ".join(f'"{p}" ({n}x)' for p, n in sorted(flagged.items()))
        lines.append(wording.flagged.format(found=found))
    else:
        lines.append(wording.none_flagged)
    lowered = [w.lower() for w in words]
    repeated = [
        (w, n)
        for w, n in Counter(w for w in lowered if w not in STOPWORDS and len(w) > 3).most_common(3)
        if n >= 3
    ]
    if repeated:
        found = ", ".join(f'"{w}" ({n}x)' for w, n in repeated)
        lines.append(wording.repeated.format(found=found))
    passive = sorted({m.group(0).lower() for m in _PASSIVE.finditer(text)})
    if passive:
        found = ", ".join(f'"{p}"' for p in passive)
        lines.append(wording.passive.format(found=found))
    lines += ["", wording.closing]
    return "\n".join(lines)


class OfflineProvider:
    name = "offline"
    model = PRODUCT.offline_model

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay

    async def stream(
        self, messages: Sequence[ChatMessage], max_tokens: int
    ) -> AsyncIterator[str | Usage]:
        question = next((m.content for m in reversed(messages) if m.role == "user"), "")
        pieces = _TOKEN.findall(check_text(question))[:max_tokens]
        for piece in pieces:
            if self.delay:
                await asyncio.sleep(self.delay)
            yield piece
        prompt_tokens = sum(count_tokens(m.content) for m in messages)
        yield Usage(input_tokens=prompt_tokens, output_tokens=len(pieces))
