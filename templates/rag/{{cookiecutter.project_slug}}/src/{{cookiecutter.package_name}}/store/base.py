"""The store interface: one contract for the embedded SQLite store and for PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np


class StoreError(RuntimeError):
    """The store cannot do what was asked; the message says why and what to do."""


@dataclass(frozen=True)
class StoredDocument:
    id: int
    source: str
    title: str
    content_hash: str
    chunk_count: int
    ingested_at: str
    origin: str = ""  # where it came from, independent of the working directory
    content_sha: str = ""  # sha256 of the file's bytes


@dataclass(frozen=True)
class StoredChunk:
    id: int
    document_id: int
    source: str
    title: str
    heading: str
    position: int
    text: str


@dataclass(frozen=True)
class ChunkInput:
    heading: str
    position: int
    text: str
    embedding: np.ndarray | None = None


def source_matches(source: str, filters: Sequence[str] | None) -> bool:
    """A filter names a source exactly, or a folder prefix of sources ("sample/")."""
    if not filters:
        return True
    return any(source == f or source.startswith(f.rstrip("/") + "/") for f in filters)


def fts_terms(terms: Sequence[str]) -> list[str]:
    """Keep only word characters so no user text reaches a full-text query's syntax."""
    cleaned = ("".join(ch for ch in t if ch.isalnum()) for t in terms)
    return [t for t in dict.fromkeys(cleaned) if t]


class Store(Protocol):
    """Documents, their chunks, a keyword index and (optional) chunk vectors."""

    def get_document(self, source: str) -> StoredDocument | None: ...

    def find_document(
        self, origin: str | None = None, content_sha: str | None = None
    ) -> StoredDocument | None:
        """The document ingested from `origin`, or one whose bytes hash to `content_sha`."""
        ...

    def replace_document(
        self,
        source: str,
        title: str,
        content_hash: str,
        chunks: Sequence[ChunkInput],
        origin: str = "",
        content_sha: str = "",
    ) -> StoredDocument:
        """Insert or replace a document and all its chunks in one transaction."""
        ...

    def delete_document(self, source: str) -> bool: ...

    def list_documents(self) -> list[StoredDocument]: ...

    def count_chunks(self) -> int: ...

    def get_chunks(self, ids: Sequence[int]) -> dict[int, StoredChunk]: ...

    def keyword_search(
        self, terms: Sequence[str], k: int, sources: Sequence[str] | None = None
    ) -> list[tuple[int, float]]:
        """(chunk id, score) best first; higher is better (BM25 or ts_rank)."""
        ...

    def vector_search(
        self, vector: np.ndarray, k: int, sources: Sequence[str] | None = None
    ) -> list[tuple[int, float]]:
        """(chunk id, cosine similarity) best first, over chunks that have a vector."""
        ...

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """How many chunks match each term (for IDF weights)."""
        ...

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    def clear(self) -> None: ...

    def ping(self) -> None:
        """Raise if the store cannot answer (used by /ready)."""
        ...

    def close(self) -> None: ...
