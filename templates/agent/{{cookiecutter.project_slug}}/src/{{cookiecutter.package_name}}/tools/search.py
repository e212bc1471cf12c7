"""`web_search` with a pluggable backend.

- `local` (offline): BM25 over the Markdown corpus shipped in `data/corpus/`.
- `tavily` and `brave`: real search APIs, chosen with `SEARCH_BACKEND` and their key.
Every backend returns the same shape: a list of {title, url, snippet}.
"""

from __future__ import annotations

import contextlib
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Annotated, Any, Protocol

import httpx
from pydantic import Field

from ..config import Settings
from .registry import ToolContext, ToolError, tool

log = logging.getLogger(__name__)
_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "our",
        "the",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    snippet: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url, "snippet": self.snippet}


class SearchBackend(Protocol):
    name: str

    def search(self, query: str, max_results: int) -> list[SearchResult]: ...


def tokenize(text: str) -> list[str]:
    return [word for word in _WORD.findall(text.lower()) if word not in _STOPWORDS]


@dataclass(frozen=True)
class Document:
    title: str
    url: str
    text: str
    paragraphs: tuple[str, ...]


def load_corpus() -> list[Document]:
    """The Markdown files in `data/corpus/`: first line `# Title`, second `Source: URL`."""
    corpus_dir = resources.files(__package__.rsplit(".", 1)[0]).joinpath("data", "corpus")
    documents = []
    for entry in sorted(corpus_dir.iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".md"):
            continue
        lines = entry.read_text(encoding="utf-8").splitlines()
        title = lines[0].lstrip("# ").strip()
        url = lines[1].removeprefix("Source:").strip() if len(lines) > 1 else entry.name
        body = "\n".join(lines[2:]).strip()
        paragraphs = tuple(p.strip() for p in body.split("\n\n") if p.strip())
        documents.append(Document(title=title, url=url, text=body, paragraphs=paragraphs))
    return documents


class LocalCorpusSearch:
    """Okapi BM25 over the bundled corpus: offline, deterministic, no index files."""

    name = "local"

    def __init__(
        self, documents: list[Document] | None = None, k1: float = 1.5, b: float = 0.75
    ) -> None:
        self.documents = documents if documents is not None else load_corpus()
        self.k1, self.b = k1, b
        self._terms = [Counter(tokenize(doc.title + " " + doc.text)) for doc in self.documents]
        self._lengths = [sum(terms.values()) for terms in self._terms]
        self._avg_length = sum(self._lengths) / max(len(self._lengths), 1)
        frequency: Counter[str] = Counter()
        for terms in self._terms:
            frequency.update(terms.keys())
        n = len(self.documents)
        self._idf = {
            term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in frequency.items()
        }

    def score(self, query: str) -> list[tuple[float, int]]:
        query_terms = tokenize(query)
        scores = []
        for index, terms in enumerate(self._terms):
            score = 0.0
            for term in query_terms:
                tf = terms.get(term, 0)
                if tf:
                    norm = tf + self.k1 * (
                        1 - self.b + self.b * self._lengths[index] / self._avg_length
                    )
                    score += self._idf[term] * tf * (self.k1 + 1) / norm
            if score > 0:
                scores.append((score, index))
        return sorted(scores, key=lambda pair: (-pair[0], pair[1]))

    def search(self, query: str, max_results: int) -> list[SearchResult]:
        results = []
        for _, index in self.score(query)[:max_results]:
            doc = self.documents[index]
            results.append(SearchResult(doc.title, doc.url, self._best_paragraph(doc, query)))
        return results

    @staticmethod
    def _best_paragraph(doc: Document, query: str, limit: int = 400) -> str:
        wanted = set(tokenize(query))
        best = max(
            doc.paragraphs,
            key=lambda p: (len(wanted & set(tokenize(p))), -doc.paragraphs.index(p)),
            default=doc.text,
        )
        return best if len(best) <= limit else best[:limit].rsplit(" ", 1)[0] + "..."


class TavilySearch:
    """Tavily's search API: `POST /search` with a bearer key."""

    name = "tavily"

    def __init__(self, api_key: str, base_url: str, client: httpx.Client) -> None:
        self.api_key, self.base_url, self.client = api_key, base_url.rstrip("/"), client

    def search(self, query: str, max_results: int) -> list[SearchResult]:
        response = self.client.post(
            f"{self.base_url}/search",
            headers={"Authorization": f"Bearer {self.api_key}"},
            json={"query": query, "max_results": max_results, "search_depth": "basic"},
        )
        _raise_for_status(response, "Tavily")
        items = response.json().get("results", [])
        return [
            SearchResult(item.get("title", ""), item.get("url", ""), item.get("content", ""))
            for item in items[:max_results]
        ]


class BraveSearch:
    """Brave Search API: `GET /res/v1/web/search` with an `X-Subscription-Token` header."""

    name = "brave"

    def __init__(self, api_key: str, base_url: str, client: httpx.Client) -> None:
        self.api_key, self.base_url, self.client = api_key, base_url.rstrip("/"), client

    def search(self, query: str, max_results: int) -> list[SearchResult]:
        response = self.client.get(
            f"{self.base_url}/res/v1/web/search",
            params={"q": query, "count": max_results},
            headers={"X-Subscription-Token": self.api_key, "Accept": "application/json"},
        )
        _raise_for_status(response, "Brave")
        items = response.json().get("web", {}).get("results", [])
        return [
            SearchResult(
                item.get("title", ""), item.get("url", ""), _strip_tags(item.get("description", ""))
            )
            for item in items[:max_results]
        ]


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def _raise_for_status(response: httpx.Response, service: str) -> None:
    if response.status_code in (401, 403):
        raise ToolError(f"{service} refused the API key (HTTP {response.status_code})")
    if response.status_code == 429:
        raise ToolError(f"{service} rate limit reached (HTTP 429); try again later")
    if response.status_code >= 400:
        raise ToolError(f"{service} search failed with HTTP {response.status_code}")


@lru_cache(maxsize=1)
def _local_backend() -> LocalCorpusSearch:
    return LocalCorpusSearch()


def make_backend(settings: Settings, client: httpx.Client) -> SearchBackend:
    """The backend `SEARCH_BACKEND` names; the local corpus when that backend has no key."""
    if settings.search_backend == "tavily":
        if settings.tavily_api_key:
            return TavilySearch(settings.tavily_api_key, settings.tavily_base_url, client)
        log.warning("SEARCH_BACKEND=tavily but TAVILY_API_KEY is not set: using the local corpus")
    elif settings.search_backend == "brave":
        if settings.brave_api_key:
            return BraveSearch(settings.brave_api_key, settings.brave_base_url, client)
        log.warning("SEARCH_BACKEND=brave but BRAVE_API_KEY is not set: using the local corpus")
    return _local_backend()


@tool
def web_search(
    query: Annotated[
        str,
        Field(description="What to search for, in a few keywords", min_length=2, max_length=300),
    ],
    ctx: ToolContext,
    max_results: Annotated[int, Field(description="How many results", ge=1, le=10)] = 3,
) -> dict[str, Any]:
    """Search the web (or, offline, the bundled corpus about Trailhead Outfitters and AI
    engineering) and return results as title, url and snippet."""
    with contextlib.ExitStack() as stack:
        client = ctx.http_client or stack.enter_context(
            httpx.Client(timeout=ctx.settings.http_timeout_s)
        )
        backend = make_backend(ctx.settings, client)
        try:
            results = backend.search(query, min(max_results, ctx.settings.search_max_results))
        except httpx.HTTPError as exc:
            raise ToolError(f"search backend {backend.name} unreachable: {exc}") from None
    return {"backend": backend.name, "results": [result.as_dict() for result in results]}
