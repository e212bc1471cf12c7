"""Hybrid retrieval: BM25 keywords and vector similarity, fused by reciprocal rank (RRF)."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

from .embeddings import Embedder
from .ingest import NO_EMBEDDINGS
from .store import Store, StoredChunk
from .text import content_terms, stem, stems

log = logging.getLogger(__name__)

RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of the very top ranks


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
    relevance: float  # 0..1, compared with MIN_RELEVANCE for the "don't know" answer
    keyword_rank: int | None
    vector_rank: int | None
    vector_similarity: float | None


def rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> dict[int, float]:
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


class Retriever:
    def __init__(self, store: Store, embedder: Embedder | None, top_k: int = 5) -> None:
        self.store = store
        self.embedder = embedder
        self.top_k = top_k

    def vectors_usable(self) -> bool:
        if self.embedder is None:
            return False
        indexed = self.store.get_meta("embedding_model") or NO_EMBEDDINGS
        if indexed != self.embedder.name:
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
        keyword = self.store.keyword_search(terms, pool, sources)
        vector: list[tuple[int, float]] = []
        if self.vectors_usable():
            assert self.embedder is not None
            query_vector = self.embedder.embed([question])[0]
            vector = self.store.vector_search(query_vector, pool, sources)
        fused = rrf([[cid for cid, _ in keyword], [cid for cid, _ in vector]])
        best = sorted(fused, key=lambda cid: fused[cid], reverse=True)[:k]
        chunks = self.store.get_chunks(best)
        keyword_rank = {cid: rank for rank, (cid, _) in enumerate(keyword, start=1)}
        vector_rank = {cid: rank for rank, (cid, _) in enumerate(vector, start=1)}
        similarity = dict(vector)
        weights = self._idf(terms, total)
        hits = []
        for cid in best:
            if cid not in chunks:
                continue
            chunk = chunks[cid]
            coverage = self._coverage(weights, chunk)
            sim = similarity.get(cid)
            hits.append(
                Hit(
                    chunk=chunk,
                    score=fused[cid],
                    relevance=max(coverage, sim or 0.0),
                    keyword_rank=keyword_rank.get(cid),
                    vector_rank=vector_rank.get(cid),
                    vector_similarity=sim,
                )
            )
        return hits

    def _idf(self, terms: Sequence[str], total: int) -> dict[str, float]:
        """BM25's IDF per query term; words in no chunk weigh the most (they are unmatched)."""
        frequencies = self.store.document_frequencies(terms)
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
