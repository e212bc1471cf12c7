"""Open the store named by DATABASE_URL: a SQLite file by default, PostgreSQL when asked."""

from __future__ import annotations

from .base import ChunkInput, Store, StoredChunk, StoredDocument, StoreError
from .sqlite import SQLiteStore, sqlite_path

__all__ = [
    "ChunkInput",
    "SQLiteStore",
    "Store",
    "StoreError",
    "StoredChunk",
    "StoredDocument",
    "open_store",
]


def open_store(database_url: str) -> Store:
    if database_url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        from .postgres import PostgresStore

        return PostgresStore(database_url)
    return SQLiteStore(sqlite_path(database_url))
