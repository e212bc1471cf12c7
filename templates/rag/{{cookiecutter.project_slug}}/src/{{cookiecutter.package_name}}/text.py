"""Small text helpers shared by retrieval, relevance scoring and the offline answerer."""

from __future__ import annotations

import re

_STOPWORD_TEXT = """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves get gets got use used
    using want need tell please let lets also there's what's it's i'm can't don't doesn't
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?", re.UNICODE)


def words(text: str) -> list[str]:
    return [w.lower().replace("\u2019", "'") for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """A light suffix stripper: enough to match 'backups' with 'backup', 'syncing' with 'sync'."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                return word
            if suffix == "es" and not word.endswith(("ses", "xes", "zes", "ches", "shes")):
                continue
            return word[: -len(suffix)] + keep
    return word


def content_terms(text: str) -> list[str]:
    """Distinct non-stopword words of a query, in order (the keyword query's terms)."""
    seen: dict[str, None] = {}
    for word in words(text):
        word = word.split("'")[0]
        if len(word) > 1 and word not in STOPWORDS:
            seen.setdefault(word, None)
    return list(seen)


def stems(text: str) -> set[str]:
    return {stem(w.split("'")[0]) for w in words(text)}


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n{2,}", text)
    return [" ".join(p.split()) for p in parts if p.strip()]
