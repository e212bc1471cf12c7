"""Hybrid retrieval: BM25 keywords and vector similarity, fused by reciprocal rank (RRF).

Each hit also gets a `relevance` on one scale per retrieval mode, which the answerer compares
with that mode's calibrated "I don't know" threshold (thresholds.py):

keyword   IDF-weighted share of the question's words found in the passage (0..1)
hybrid    the mean of that keyword coverage and the passage's cosine similarity
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .embeddings import Embedder
from .ingest import NO_EMBEDDINGS
from .store import Store, StoredChunk
from .text import content_terms, stem, stems, words

log = logging.getLogger(__name__)

RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of the very top ranks
NEAR_DUPLICATE = 0.8  # word-trigram Jaccard at or above which two passages say the same thing
KEYWORD_MODE = "keyword"
# Ranked OR queries cost time in proportion to the postings of their terms. Past this many,
# the most common terms (the lowest IDF, the least say in BM25) are left out of the keyword
# query; they still count towards the relevance score. Small indexes are never affected.
KEYWORD_POSTINGS_BUDGET = 20_000
# With vectors on, the embedding side recalls what the dropped common words would have: at
# 100,000 chunks a tighter budget cut the hybrid's p95 without changing its hit@3.
HYBRID_KEYWORD_POSTINGS_BUDGET = 8_000


class EmptyIndexError(RuntimeError):
    """Nothing has been ingested yet."""

    def __init__(self) -> None:
        super().__init__(
            "The index is empty: ingest documents first "
            "(`ingest data/sample` on the command line, or POST /ingest)."
        )


@dataclass(frozen=True)
class Hit:
    chunk: StoredChunk
    score: float  # fused RRF score, for ordering
    relevance: float  # on the mode's scale, compared with its "don't know" threshold
    keyword_rank: int | None
    vector_rank: int | None
    vector_similarity: float | None
    coverage: float = 0.0  # IDF-weighted share of question words in the passage


def rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> dict[int, float]:
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


def shingles(text: str) -> frozenset[str]:
    tokens = words(re.sub(r"\s+", " ", text))
    if len(tokens) < 3:
        return frozenset(tokens)
    return frozenset(" ".join(tokens[i : i + 3]) for i in range(len(tokens) - 2))


def near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return a == b
    return len(a & b) / len(a | b) >= NEAR_DUPLICATE


def keyword_query_terms(
    terms: Sequence[str], frequencies: dict[str, int], budget: int = KEYWORD_POSTINGS_BUDGET
) -> list[str]:
    """The rarest terms whose postings fit the budget (always at least the rarest two)."""
    kept: list[str] = []
    postings = 0
    for term in sorted(terms, key=lambda t: frequencies.get(t, 0)):
        df = frequencies.get(term, 0)
        if len(kept) >= 2 and postings + df > budget:
            break
        kept.append(term)
        postings += df
    return [t for t in terms if t in kept]  # in the question's order


def mode_key(embedder: Embedder | None) -> str:
    """The name thresholds are calibrated under: `keyword`, or `hybrid:<embedder name>`."""
    return KEYWORD_MODE if embedder is None else f"hybrid:{embedder.name}"


class Retriever:
    def __init__(
        self,
        store: Store,
        embedder: Embedder | None,
        top_k: int = 5,
        relevance_scale: str | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.top_k = top_k
        # Which scale `Hit.relevance` is on; the answerer's threshold must be for the same.
        self.relevance_scale = relevance_scale or mode_key(embedder)

    @property
    def mode(self) -> str:
        return mode_key(self.embedder if self.vectors_usable(quiet=True) else None)

    def vectors_usable(self, quiet: bool = False) -> bool:
        if self.embedder is None:
            return False
        indexed = self.store.get_meta("embedding_model") or NO_EMBEDDINGS
        if indexed != self.embedder.name:
            if not quiet:
                log.warning(
                    "index has no vectors from the current embedder; using keywords only",
                    extra={"index": indexed, "embedder": self.embedder.name},
                )
            return False
        return True

    def search(
        self, question: str, k: int | None = None, sources: Sequence[str] | None = None
    ) -> list[Hit]:
        total = self.store.count_chunks()
        if total == 0:
            raise EmptyIndexError()
        k = k or self.top_k
        pool = max(4 * k, 20)
        terms = content_terms(question)
        frequencies = self.store.document_frequencies(terms)
        use_vectors = self.vectors_usable()
        budget = HYBRID_KEYWORD_POSTINGS_BUDGET if use_vectors else KEYWORD_POSTINGS_BUDGET
        keyword = self.store.keyword_search(
            keyword_query_terms(terms, frequencies, budget), pool, sources
        )
        vector: list[tuple[int, float]] = []
        if use_vectors:
            assert self.embedder is not None
            query_vector = self.embedder.embed([question])[0]
            vector = self.store.vector_search(query_vector, pool, sources)
        fused = rrf([[cid for cid, _ in keyword], [cid for cid, _ in vector]])
        ranked = sorted(fused, key=lambda cid: fused[cid], reverse=True)
        chunks = self.store.get_chunks(ranked[: 2 * k + 5])
        keyword_rank = {cid: rank for rank, (cid, _) in enumerate(keyword, start=1)}
        vector_rank = {cid: rank for rank, (cid, _) in enumerate(vector, start=1)}
        similarity = dict(vector)
        weights = self._idf(frequencies, total)
        hybrid = use_vectors and self.relevance_scale != KEYWORD_MODE
        hits: list[Hit] = []
        kept: list[frozenset[str]] = []
        for cid in ranked:
            if len(hits) == k:
                break
            if cid not in chunks:
                continue
            chunk = chunks[cid]
            # The same passage indexed twice (a copy under another name, a quoted paragraph)
            # would fill the answer with one source: keep the best-ranked of near-duplicates.
            fingerprint = shingles(chunk.text)
            if any(near_duplicate(fingerprint, other) for other in kept):
                continue
            kept.append(fingerprint)
            coverage = self._coverage(weights, chunk)
            sim = similarity.get(cid)
            relevance = (coverage + max(sim or 0.0, 0.0)) / 2 if hybrid else coverage
            hits.append(
                Hit(
                    chunk=chunk,
                    score=fused[cid],
                    relevance=relevance,
                    keyword_rank=keyword_rank.get(cid),
                    vector_rank=vector_rank.get(cid),
                    vector_similarity=sim,
                    coverage=coverage,
                )
            )
        return hits

    @staticmethod
    def _idf(frequencies: dict[str, int], total: int) -> dict[str, float]:
        """BM25's IDF per query term; words in no chunk weigh the most (they are unmatched)."""
        return {
            stem(term): math.log((total - df + 0.5) / (df + 0.5) + 1.0)
            for term, df in frequencies.items()
        }

    @staticmethod
    def _coverage(weights: dict[str, float], chunk: StoredChunk) -> float:
        """IDF-weighted share of the question's words found in the chunk (0..1)."""
        total = sum(weights.values())
        if not total:
            return 0.0
        present = stems(f"{chunk.title} {chunk.heading} {chunk.text}")
        return sum(w for term, w in weights.items() if term in present) / total
