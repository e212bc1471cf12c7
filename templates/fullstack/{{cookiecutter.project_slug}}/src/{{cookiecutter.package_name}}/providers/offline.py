"""The offline model: a rule-based writing checker that says plainly that it is one.

It needs no key and no network, answers deterministically (so tests can assert every token), and
is still useful: it measures sentences, spots filler words, repetition and passive voice.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import AsyncIterator, Sequence

from . import ChatMessage, Usage

FILLERS = ("very", "really", "just", "actually", "basically", "quite", "literally", "totally")
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


def check_writing(text: str) -> str:
    words = _WORD.findall(text)
    sentences = [s.strip() for s in _SENTENCE.findall(text) if _WORD.search(s)]
    lines = [
        "Offline writing check (rule-based; no language model is connected).",
        "",
    ]
    if not words:
        lines.append("I found no words to check. Paste a paragraph and ask again.")
        return "\n".join(lines)
    average = len(words) / max(len(sentences), 1)
    lines.append(
        f"- Length: {len(words)} words in {len(sentences)} sentence(s), "
        f"{average:.1f} words per sentence on average."
    )
    longest = max(sentences, key=lambda s: len(_WORD.findall(s)), default="")
    longest_words = len(_WORD.findall(longest))
    if longest_words > 25:
        lines.append(f'- Long sentence ({longest_words} words): consider splitting "{longest}"')
    lowered = [w.lower() for w in words]
    fillers = Counter(w for w in lowered if w in FILLERS)
    if fillers:
        found = ", ".join(f'"{w}" ({n}x)' for w, n in sorted(fillers.items()))
        lines.append(f"- Filler words you could cut: {found}.")
    else:
        lines.append("- No filler words found.")
    repeated = [
        (w, n)
        for w, n in Counter(w for w in lowered if w not in STOPWORDS and len(w) > 3).most_common(3)
        if n >= 3
    ]
    if repeated:
        found = ", ".join(f'"{w}" ({n}x)' for w, n in repeated)
        lines.append(f"- Repeated words: {found}; try a synonym or a pronoun.")
    passive = sorted({m.group(0).lower() for m in _PASSIVE.finditer(text)})
    if passive:
        found = ", ".join(f'"{p}"' for p in passive)
        lines.append(f"- Possible passive voice: {found}; name who does the action.")
    lines += ["", "Set LLM_PROVIDER to openai, anthropic or ollama for a model's answers."]
    return "\n".join(lines)


class OfflineProvider:
    name = "offline"
    model = "writing-checker"

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay

    async def stream(
        self, messages: Sequence[ChatMessage], max_tokens: int
    ) -> AsyncIterator[str | Usage]:
        question = next((m.content for m in reversed(messages) if m.role == "user"), "")
        pieces = _TOKEN.findall(check_writing(question))[:max_tokens]
        for piece in pieces:
            if self.delay:
                await asyncio.sleep(self.delay)
            yield piece
        prompt_tokens = sum(count_tokens(m.content) for m in messages)
        yield Usage(input_tokens=prompt_tokens, output_tokens=len(pieces))
