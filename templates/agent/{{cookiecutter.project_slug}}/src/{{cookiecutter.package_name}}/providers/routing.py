"""Semantic routing for the offline planner: does a question ask about the shop's own data (SQL)
or about policies, guides and facts (search)?

Keyword rules got this wrong where words carry two meanings: "return window for unused items"
is a policy question although it says "return", and "most expensive product" is about price,
not revenue. Here the question is compared with short descriptions of what each tool answers,
as sentence embeddings, and the closer group wins.

The embeddings are WordLlama's `l2_supercat` static token embeddings (256 dimensions), whose
weights and tokenizer ship inside the `wordllama` wheel: no download, no GPU, about 0.1 s to
load and well under a millisecond a question. `WordLlama.load()` looks for the bundled
tokenizer under another folder name and then tries the network, so the package folder is passed
as the cache and downloads are disabled.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

# What each tool answers, in the words users use, written from the database schema and the
# corpus topics before the held-out evaluation tasks (evals/tasks-heldout.jsonl) were run.
ROUTE_EXAMPLES: dict[str, tuple[str, ...]] = {
    "sql_query": (
        "total revenue in 2024",
        "how many orders were returned",
        "how many customers are in Germany",
        "top customer by revenue",
        "best-selling product",
        "average order value",
        "gross margin by category",
        "revenue by sales channel web versus store",
        "number of orders placed last year",
        "most expensive product we sell",
        "the priciest item we stock",
        "price of a product",
        "how many units did we sell",
        "which customers spent the most",
        "count of cancelled orders",
        "list of products in a category",
        "customers by country",
        "orders per customer",
        "sales figures of the shop",
    ),
    "web_search": (
        "return policy for unused items",
        "how long is the warranty",
        "shipping cost and delivery time",
        "when was the company founded",
        "how to wash a waterproof jacket",
        "sleeping bag temperature rating",
        "loyalty program points and vouchers",
        "what is BM25",
        "how do AI agents work",
        "what is SQLite",
        "refund time after a return",
        "tent weight and fly sheet",
        "discount for clubs",
        "express delivery price",
        "how to store a tent",
        "care instructions",
        "who developed an algorithm",
    ),
}


@dataclass(frozen=True)
class Route:
    tool: str
    scores: dict[str, float]  # mean cosine similarity to each tool's closest examples

    @property
    def margin(self) -> float:
        ranked = sorted(self.scores.values(), reverse=True)
        return ranked[0] - ranked[1] if len(ranked) > 1 else ranked[0]


_lock = threading.Lock()


@lru_cache(maxsize=1)
def load_embedder() -> Any:
    """The bundled WordLlama model, loaded from the installed package with no network."""
    import wordllama
    from wordllama import WordLlama

    with _lock:
        return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def embed(texts: list[str]) -> np.ndarray:
    vectors = np.asarray(load_embedder().embed(texts), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.where(norms == 0, 1, norms))


@lru_cache(maxsize=1)
def _example_matrix() -> dict[str, np.ndarray]:
    return {tool: embed(list(examples)) for tool, examples in ROUTE_EXAMPLES.items()}


def route(question: str, tools: set[str] | None = None, k: int = 3) -> Route | None:
    """The tool (among `tools`) whose examples are closest to the question; None if no tool
    with examples is available."""
    matrices = {t: m for t, m in _example_matrix().items() if tools is None or t in tools}
    if not matrices:
        return None
    vector = embed([question])[0]
    scores = {
        tool: float(np.sort(matrix @ vector)[-k:].mean()) for tool, matrix in matrices.items()
    }
    return Route(max(scores, key=lambda tool: scores[tool]), scores)
