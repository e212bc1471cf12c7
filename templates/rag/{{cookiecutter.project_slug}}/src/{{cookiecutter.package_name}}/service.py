"""Wires settings to a store, an embedder, a retriever and an answerer: one object per app."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .answer import Answerer
from .config import Settings
from .embeddings import Embedder, build_embedder
from .ingest import Ingestor
from .providers import LLM, build_llm
from .retrieval import Retriever, mode_key
from .store import Store, open_store
from .thresholds import THRESHOLDS_FILE, load_thresholds


@dataclass
class RagService:
    settings: Settings
    store: Store
    embedder: Embedder | None
    llm: LLM | None
    thresholds: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_settings(
        cls, settings: Settings, store: Store | None = None, client: httpx.Client | None = None
    ) -> RagService:
        return cls(
            settings=settings,
            store=store or open_store(settings.database_url),
            embedder=build_embedder(settings, client),
            llm=build_llm(settings, client),
            thresholds=load_thresholds(Path(settings.thresholds_file or THRESHOLDS_FILE)),
        )

    def relevance_thresholds(self) -> dict[str, float]:
        """mode -> "I don't know" threshold; MIN_RELEVANCE, when set, wins for every mode."""
        if self.settings.min_relevance is not None:
            return {
                mode_key(self.embedder): self.settings.min_relevance,
                "keyword": self.settings.min_relevance,
            }
        return self.thresholds or load_thresholds()

    @property
    def ingestor(self) -> Ingestor:
        return Ingestor(self.store, self.settings, self.embedder)

    @property
    def retriever(self) -> Retriever:
        # Hybrid relevance only where a threshold was calibrated on its scale; an uncalibrated
        # embedding model is judged on keyword coverage, whose threshold is known.
        calibrated = mode_key(self.embedder) in self.relevance_thresholds()
        return Retriever(
            self.store,
            self.embedder,
            self.settings.top_k,
            relevance_scale=None if calibrated else "keyword",
        )

    @property
    def answerer(self) -> Answerer:
        return Answerer(self.retriever, self.llm, thresholds=self.relevance_thresholds())

    def close(self) -> None:
        self.store.close()
