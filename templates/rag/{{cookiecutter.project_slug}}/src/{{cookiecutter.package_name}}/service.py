"""Wires settings to a store, an embedder, a retriever and an answerer: one object per app."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from .answer import Answerer
from .config import Settings
from .embeddings import Embedder, build_embedder
from .ingest import Ingestor
from .llm import LLM, build_llm
from .retrieval import Retriever
from .store import Store, open_store


@dataclass
class RagService:
    settings: Settings
    store: Store
    embedder: Embedder | None
    llm: LLM | None

    @classmethod
    def from_settings(
        cls, settings: Settings, store: Store | None = None, client: httpx.Client | None = None
    ) -> RagService:
        return cls(
            settings=settings,
            store=store or open_store(settings.database_url),
            embedder=build_embedder(settings, client),
            llm=build_llm(settings, client),
        )

    @property
    def ingestor(self) -> Ingestor:
        return Ingestor(self.store, self.settings, self.embedder)

    @property
    def retriever(self) -> Retriever:
        return Retriever(self.store, self.embedder, self.settings.top_k)

    @property
    def answerer(self) -> Answerer:
        return Answerer(self.retriever, self.llm, self.settings.min_relevance)

    def close(self) -> None:
        self.store.close()
