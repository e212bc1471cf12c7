"""One contract, two stores: the embedded SQLite store always, PostgreSQL + pgvector when
TEST_DATABASE_URL points at a database where the `vector` extension can be created."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, GOLDEN

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.evaluate import evaluate, load_golden
from {{ cookiecutter.package_name }}.service import RagService
from {{ cookiecutter.package_name }}.store import ChunkInput, SQLiteStore, Store, open_store
from {{ cookiecutter.package_name }}.store.sqlite import sqlite_path

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        store: Store = SQLiteStore(tmp_path / "contract.sqlite3")
    else:
        if not PG_URL:
            pytest.skip("set TEST_DATABASE_URL=postgresql://... to test the PostgreSQL store")
        pytest.importorskip("psycopg")
        store = open_store(PG_URL)
    store.clear()
    yield store
    store.clear()
    store.close()


def chunks(texts: list[str], dim: int = 4) -> list[ChunkInput]:
    rng = np.random.default_rng(len(texts))
    return [
        ChunkInput(
            heading=f"H{i}", position=i, text=t, embedding=rng.normal(size=dim).astype(np.float32)
        )
        for i, t in enumerate(texts)
    ]


def test_documents_round_trip_and_replace(any_store: Store) -> None:
    any_store.replace_document("a/one.md", "One", "h1", chunks(["red apples", "green pears"]))
    any_store.replace_document("b/two.md", "Two", "h2", chunks(["blue grapes"]))
    assert [d.source for d in any_store.list_documents()] == ["a/one.md", "b/two.md"]
    assert any_store.get_document("a/one.md").chunk_count == 2
    any_store.replace_document("a/one.md", "One", "h3", chunks(["yellow bananas"]))
    assert any_store.get_document("a/one.md").content_hash == "h3"
    assert any_store.count_chunks() == 2
    assert any_store.keyword_search(["apples"], 5) == []
    [(cid, score)] = any_store.keyword_search(["bananas"], 5)
    chunk = any_store.get_chunks([cid])[cid]
    assert (chunk.source, chunk.heading, chunk.position, chunk.text) == (
        "a/one.md",
        "H0",
        0,
        "yellow bananas",
    )
    assert score > 0


def test_keyword_ranking_filters_and_frequencies(any_store: Store) -> None:
    any_store.replace_document(
        "a/one.md", "One", "h", chunks(["sync sync sync conflicts", "sync once"])
    )
    any_store.replace_document("b/two.md", "Two", "h", chunks(["sync settings"]))
    hits = any_store.keyword_search(["sync", "conflicts"], 5)
    top = any_store.get_chunks([hits[0][0]])[hits[0][0]]
    assert top.text == "sync sync sync conflicts"
    only_b = any_store.keyword_search(["sync"], 5, sources=["b/"])
    assert [any_store.get_chunks([c])[c].source for c, _ in only_b] == ["b/two.md"]
    assert any_store.document_frequencies(["sync", "conflicts", "absent"]) == {
        "sync": 3,
        "conflicts": 1,
        "absent": 0,
    }
    assert any_store.keyword_search(['"; DROP TABLE x; --', "OR", "NEAR("], 5) == []


def test_vector_search_orders_by_cosine(any_store: Store) -> None:
    items = [
        ChunkInput("", i, f"v{i}", np.array(v, dtype=np.float32))
        for i, v in enumerate([[1, 0, 0], [0.7, 0.7, 0], [0, 1, 0], [-1, 0, 0]])
    ]
    any_store.replace_document("v.md", "V", "h", items)
    hits = any_store.vector_search(np.array([1, 0.1, 0], dtype=np.float32), 3)
    texts = [any_store.get_chunks([c])[c].text for c, _ in hits]
    assert texts == ["v0", "v1", "v2"]
    assert hits[0][1] == pytest.approx(0.995, abs=1e-3)


def test_delete_and_meta(any_store: Store) -> None:
    any_store.replace_document("a.md", "A", "h", chunks(["alpha"]))
    assert any_store.delete_document("a.md") is True
    assert any_store.delete_document("a.md") is False
    assert any_store.count_chunks() == 0
    any_store.set_meta("embedding_model", "x")
    any_store.set_meta("embedding_model", "y")
    assert any_store.get_meta("embedding_model") == "y"
    any_store.ping()


def test_golden_questions_rank_well_on_this_store(any_store: Store, settings: Settings) -> None:
    service = RagService(settings, any_store, None, None)
    service.ingestor.ingest_paths([CORPUS], base=CORPUS)
    result = evaluate(service, load_golden(GOLDEN), k=5)
    # measured keyword-only: SQLite 0.982, PostgreSQL 0.964
    assert result.metrics["hit@3"] >= 0.90, result.metrics
    assert result.metrics["dont_know_accuracy"] == 1.0


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///data/index.sqlite3", "data/index.sqlite3"),
        ("sqlite:////srv/index.sqlite3", "/srv/index.sqlite3"),
        ("index.sqlite3", "index.sqlite3"),
    ],
)
def test_sqlite_urls(url: str, path: str) -> None:
    assert sqlite_path(url) == path


def test_postgres_without_psycopg_or_server_is_a_clear_error() -> None:
    from {{ cookiecutter.package_name }}.store import StoreError

    with pytest.raises(StoreError, match=r"psycopg|PostgreSQL"):
        open_store("postgresql://nobody@127.0.0.1:9/none")
