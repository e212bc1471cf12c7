"""Embedding providers behind one small interface, chosen by EMBEDDING_PROVIDER at run time.

wordllama              offline static word embeddings (256 dimensions) shipped inside the
                       `wordllama` wheel: semantic matching with no download and no key
none                   keyword search only (no vectors are stored)
hashing                offline bag-of-words feature hashing: no model, no semantics, deterministic
openai                 OpenAI embeddings API (OPENAI_API_KEY)
ollama                 a local Ollama server (OLLAMA_HOST)
sentence-transformers  a local model; optional extra, imported only when chosen
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import httpx
import numpy as np

from .config import ConfigError, Settings
from .providers import check_openai_key, openai_headers
from .providers.http import ProviderError, post_json
from .text import stem, words

log = logging.getLogger(__name__)


class Embedder(Protocol):
    name: str  # provider:model:dimensions, stored with the index so a mismatch is caught

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dimensions) float32 matrix."""
        ...


class HashingEmbedder:
    """Feature-hashed word and word-pair counts (the "hashing trick").

    It needs no model and no network, so tests and benchmarks can exercise the vector path
    offline. It captures shared words, not meaning: use a real model for semantic search.
    """

    def __init__(self, dimensions: int = 256) -> None:
        self.dimensions = dimensions
        self.name = f"hashing:v1:{dimensions}"

    def _bucket(self, token: str) -> tuple[int, float]:
        digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self.dimensions, 1.0 if (value >> 63) & 1 else -1.0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            tokens = [stem(w) for w in words(text)]
            for token in tokens + [f"{a}_{b}" for a, b in itertools.pairwise(tokens)]:
                index, sign = self._bucket(token)
                out[row, index] += sign
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


@functools.cache
def _bundled_wordllama() -> object:
    """Load wordllama's bundled l2_supercat model from the wheel itself, never the network.

    `WordLlama.load()` with no arguments looks for the tokenizer under a cache folder and tries
    to download it; pointing `cache_dir` at the package folder, where the wheel keeps
    `weights/` and `tokenizers/`, loads the bundled files (about 0.1 s).
    """
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError as exc:  # pragma: no cover - it is a core dependency
        raise ConfigError(
            "EMBEDDING_PROVIDER=wordllama needs the wordllama package: pip install -e ."
        ) from exc
    folder = Path(wordllama.__file__).parent
    try:
        return WordLlama.load(
            config="l2_supercat", dim=256, cache_dir=folder, disable_download=True
        )
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise ConfigError(
            f"the wordllama model files are missing from {folder} ({exc}); reinstall it with "
            "pip install --force-reinstall wordllama, or set EMBEDDING_PROVIDER=none"
        ) from exc


class WordLlamaEmbedder:
    """Static token embeddings averaged per text: fast on one core (no neural network runs),
    and close enough in meaning that "delete a folder" finds `shutil.rmtree`."""

    name = "wordllama:l2_supercat:256"

    def __init__(self) -> None:
        self._model = _bundled_wordllama()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 256), dtype=np.float32)
        vectors = self._model.embed(list(texts), norm=True)  # type: ignore[attr-defined]
        return np.nan_to_num(np.asarray(vectors, dtype=np.float32))


class OpenAIEmbedder:
    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        self.model = settings.embedding_model or "text-embedding-3-small"
        self.name = f"openai:{self.model}"
        self._settings = settings
        self._client = client or httpx.Client(timeout=settings.request_timeout)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), 64):
            data = post_json(
                self._client,
                f"{self._settings.openai_base_url.rstrip('/')}/embeddings",
                {"model": self.model, "input": list(texts[start : start + 64])},
                headers=openai_headers(self._settings),
                max_retries=self._settings.max_retries,
            )
            items = sorted(data["data"], key=lambda item: item["index"])
            vectors.extend(item["embedding"] for item in items)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


class OllamaEmbedder:
    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        self.model = settings.embedding_model or "nomic-embed-text"
        self.name = f"ollama:{self.model}"
        self._settings = settings
        self._client = client or httpx.Client(timeout=settings.request_timeout)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        try:
            data = post_json(
                self._client,
                f"{self._settings.ollama_host.rstrip('/')}/api/embed",
                {"model": self.model, "input": list(texts)},
                max_retries=self._settings.max_retries,
            )
        except ProviderError as exc:
            raise ProviderError(
                f"Ollama embeddings failed ({exc}). Is `ollama serve` running at "
                f"{self._settings.ollama_host} with `ollama pull {self.model}` done? "
                "Or set EMBEDDING_PROVIDER=none for keyword-only search."
            ) from exc
        return np.asarray(data["embeddings"], dtype=np.float32).reshape(len(texts), -1)


class SentenceTransformerEmbedder:
    def __init__(self, settings: Settings) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                "EMBEDDING_PROVIDER=sentence-transformers needs the optional extra: "
                'pip install -e ".[sentence-transformers]" '
                "(or set EMBEDDING_PROVIDER=none for keyword-only search)"
            ) from exc
        self.model_name = settings.embedding_model or "sentence-transformers/all-MiniLM-L6-v2"
        self._model = SentenceTransformer(self.model_name)
        self.name = f"sentence-transformers:{self.model_name}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(list(texts), normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)


def build_embedder(settings: Settings, client: httpx.Client | None = None) -> Embedder | None:
    """The configured embedder, or None for keyword-only search."""
    provider = settings.embedding_provider
    if provider == "none":
        return None
    if provider == "wordllama":
        return WordLlamaEmbedder()
    if provider == "hashing":
        return HashingEmbedder()
    if provider == "openai":
        check_openai_key(settings, "EMBEDDING_PROVIDER")
        return OpenAIEmbedder(settings, client)
    if provider == "ollama":
        return OllamaEmbedder(settings, client)
    if provider == "sentence-transformers":
        return SentenceTransformerEmbedder(settings)
    raise ConfigError(f"unknown EMBEDDING_PROVIDER {provider!r}")
