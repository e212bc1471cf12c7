"""The embedded store: one SQLite file, FTS5 for BM25 keywords, float32 vectors in BLOBs.

Vectors are searched exactly with NumPy (one matrix product) instead of a vector extension:
the standard library's sqlite3 cannot load extensions on many Python builds, and an exact
scan over 10,000-100,000 vectors takes milliseconds. See docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from .base import ChunkInput, StoredChunk, StoredDocument, StoreError, fts_terms, source_matches

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    origin TEXT,
    content_sha TEXT
);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    heading TEXT NOT NULL,
    text TEXT NOT NULL,
    embedding BLOB
);
CREATE INDEX IF NOT EXISTS chunks_document ON chunks(document_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    title, heading, text, tokenize = 'porter unicode61'
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# Version 2 keys documents by where they came from and by what they contain (not by a path
# relative to the working directory), so re-ingesting from elsewhere or uploading finds them.
_TO_V2 = """
ALTER TABLE documents ADD COLUMN origin TEXT;
ALTER TABLE documents ADD COLUMN content_sha TEXT;
"""
_V2_INDEXES = """
CREATE INDEX IF NOT EXISTS documents_origin ON documents(origin);
CREATE INDEX IF NOT EXISTS documents_content_sha ON documents(content_sha);
"""


def sqlite_path(database_url: str) -> str:
    """'sqlite:///data/x.db' -> 'data/x.db'; 'sqlite:////abs/x.db' -> '/abs/x.db'; paths as is."""
    if database_url.startswith("sqlite:///"):
        return database_url.removeprefix("sqlite:///")
    if database_url.startswith("sqlite://"):
        return database_url.removeprefix("sqlite://") or ":memory:"
    if "://" in database_url:
        raise StoreError(
            f"DATABASE_URL {database_url.split('://')[0]}://... is not supported: use "
            "sqlite:///path/to/file.sqlite3 or postgresql://user:pass@host/db"
        )
    return database_url


class SQLiteStore:
    def __init__(self, path: str | Path) -> None:
        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # One connection shared by the server's worker threads, serialised by a lock.
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._vectors: tuple[int, np.ndarray, np.ndarray, list[int]] | None = None
        self._chunk_count: tuple[int, int] | None = None
        self._writes = 0
        with self._lock:
            self._conn.execute("PRAGMA foreign_keys = ON")
            if path != ":memory:":
                self._conn.execute("PRAGMA journal_mode = WAL")
                # With WAL, NORMAL syncs at checkpoints instead of at every commit: a power
                # cut can lose the last documents ingested, never corrupt the file. Ingest
                # commits once per document, and a sync each time was half its run time.
                self._conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()

    def _migrate(self) -> None:
        try:
            self._conn.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x)")
            self._conn.execute("DROP TABLE temp.fts5_probe")
        except sqlite3.OperationalError as exc:  # pragma: no cover - depends on the build
            raise StoreError(
                "this Python's SQLite has no FTS5; use a python.org or distribution Python"
            ) from exc
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was made by a newer version (schema {version}); upgrade the app"
            )
        if version < SCHEMA_VERSION:
            steps = _SCHEMA if version == 0 else _TO_V2
            # One script, one transaction: a crash mid-migration leaves the old version.
            try:
                self._conn.executescript(
                    f"BEGIN IMMEDIATE;\n{steps}\n{_V2_INDEXES}\n"
                    f"PRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;"
                )
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    # -- documents -------------------------------------------------------------------------

    def _doc(self, row: tuple) -> StoredDocument:
        return StoredDocument(
            id=row[0],
            source=row[1],
            title=row[2],
            content_hash=row[3],
            ingested_at=row[4],
            chunk_count=row[5],
            origin=row[6] or "",
            content_sha=row[7] or "",
        )

    _DOC_SELECT = (
        "SELECT d.id, d.source, d.title, d.content_hash, d.ingested_at, "
        "(SELECT count(*) FROM chunks c WHERE c.document_id = d.id), d.origin, d.content_sha "
        "FROM documents d"
    )

    def get_document(self, source: str) -> StoredDocument | None:
        with self._lock:
            row = self._conn.execute(self._DOC_SELECT + " WHERE d.source = ?", (source,)).fetchone()
        return self._doc(row) if row else None

    def find_document(
        self, origin: str | None = None, content_sha: str | None = None
    ) -> StoredDocument | None:
        column, value = ("origin", origin) if origin else ("content_sha", content_sha)
        if not value:
            return None
        with self._lock:
            row = self._conn.execute(
                self._DOC_SELECT + f" WHERE d.{column} = ? ORDER BY d.id LIMIT 1", (value,)
            ).fetchone()
        return self._doc(row) if row else None

    def list_documents(self) -> list[StoredDocument]:
        with self._lock:
            rows = self._conn.execute(self._DOC_SELECT + " ORDER BY d.source").fetchall()
        return [self._doc(r) for r in rows]

    def replace_document(
        self,
        source: str,
        title: str,
        content_hash: str,
        chunks: Sequence[ChunkInput],
        origin: str = "",
        content_sha: str = "",
    ) -> StoredDocument:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._delete(source)
                cur = self._conn.execute(
                    "INSERT INTO documents (source, title, content_hash, ingested_at, origin, "
                    "content_sha) VALUES (?, ?, ?, ?, ?, ?)",
                    (source, title, content_hash, now, origin or None, content_sha or None),
                )
                doc_id = cur.lastrowid
                self._conn.executemany(
                    "INSERT INTO chunks (document_id, position, heading, text, embedding) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [
                        (
                            doc_id,
                            chunk.position,
                            chunk.heading,
                            chunk.text,
                            None
                            if chunk.embedding is None
                            else np.asarray(chunk.embedding, dtype=np.float32).tobytes(),
                        )
                        for chunk in chunks
                    ],
                )
                self._conn.execute(
                    "INSERT INTO chunks_fts (rowid, title, heading, text) "
                    "SELECT c.id, ?, c.heading, c.text FROM chunks c WHERE c.document_id = ?",
                    (title, doc_id),
                )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._writes += 1
        return StoredDocument(
            doc_id or 0, source, title, content_hash, len(chunks), now, origin, content_sha
        )

    def _delete(self, source: str) -> bool:
        row = self._conn.execute("SELECT id FROM documents WHERE source = ?", (source,)).fetchone()
        if not row:
            return False
        self._conn.execute(
            "DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE document_id = ?)",
            (row[0],),
        )
        self._conn.execute("DELETE FROM chunks WHERE document_id = ?", (row[0],))
        self._conn.execute("DELETE FROM documents WHERE id = ?", (row[0],))
        return True

    def delete_document(self, source: str) -> bool:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                deleted = self._delete(source)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._writes += 1
        return deleted

    def clear(self) -> None:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            for table in ("chunks_fts", "chunks", "documents", "meta"):
                self._conn.execute(f"DELETE FROM {table}")
            self._conn.execute("COMMIT")
            self._writes += 1

    # -- chunks ----------------------------------------------------------------------------

    def _data_version(self) -> int:
        """A number that changes whenever this or another connection writes the file."""
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        return int(version) * 1_000_003 + self._writes

    def count_chunks(self) -> int:
        # Every search asks (for IDF); counting 100,000 rows is half a millisecond of each.
        with self._lock:
            version = self._data_version()
            if self._chunk_count is None or self._chunk_count[0] != version:
                count = int(self._conn.execute("SELECT count(*) FROM chunks").fetchone()[0])
                self._chunk_count = (version, count)
            return self._chunk_count[1]

    def get_chunks(self, ids: Sequence[int]) -> dict[int, StoredChunk]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self._lock:
            rows = self._conn.execute(
                "SELECT c.id, c.document_id, d.source, d.title, c.heading, c.position, c.text "
                f"FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id IN ({marks})",
                list(ids),
            ).fetchall()
        return {r[0]: StoredChunk(*r) for r in rows}

    # -- search ----------------------------------------------------------------------------

    @staticmethod
    def _fts_query(terms: Sequence[str]) -> str:
        return " OR ".join(f'"{t}"' for t in fts_terms(terms))

    def keyword_search(
        self, terms: Sequence[str], k: int, sources: Sequence[str] | None = None
    ) -> list[tuple[int, float]]:
        query = self._fts_query(terms)
        if not query:
            return []
        # Title, heading and body weights for BM25: a word in a heading says more. FTS5 scores
        # every matching row either way; ordering by a bm25() call measured a quarter faster
        # than by the `rank` column at 100,000 chunks (its sorted-rank plan costs extra per row).
        if not sources:
            sql = (
                "SELECT rowid, bm25(chunks_fts, 3.0, 2.0, 1.0) AS score FROM chunks_fts "
                "WHERE chunks_fts MATCH ? ORDER BY score LIMIT ?"
            )
            with self._lock:
                rows = self._conn.execute(sql, (query, k)).fetchall()
            return [(int(r[0]), -float(r[1])) for r in rows]
        sql = (
            "SELECT f.rowid, bm25(chunks_fts, 3.0, 2.0, 1.0) AS score, d.source FROM chunks_fts f "
            "JOIN chunks c ON c.id = f.rowid JOIN documents d ON d.id = c.document_id "
            "WHERE chunks_fts MATCH ? ORDER BY score"
        )
        with self._lock:
            rows = self._conn.execute(sql, (query,)).fetchall()
        return [(int(r[0]), -float(r[1])) for r in rows if source_matches(r[2], sources)][:k]

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        with self._lock:
            for term in terms:
                cleaned = fts_terms([term])
                out[term] = (
                    int(
                        self._conn.execute(
                            "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?",
                            (f'"{cleaned[0]}"',),
                        ).fetchone()[0]
                    )
                    if cleaned
                    else 0
                )
        return out

    def _vector_matrix(self) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """All vectors as one normalised matrix, cached until this or another process writes."""
        with self._lock:
            version = self._data_version()
            if self._vectors is None or self._vectors[0] != version:
                rows = self._conn.execute(
                    "SELECT c.id, c.embedding, d.source FROM chunks c "
                    "JOIN documents d ON d.id = c.document_id WHERE c.embedding IS NOT NULL "
                    "ORDER BY c.id"
                ).fetchall()
                if rows:
                    matrix = np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
                    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
                    matrix = matrix / np.where(norms == 0, 1, norms)
                else:
                    matrix = np.zeros((0, 0), dtype=np.float32)
                ids = np.array([r[0] for r in rows], dtype=np.int64)
                self._vectors = (version, matrix, ids, [r[2] for r in rows])
            return self._vectors[1], self._vectors[2], self._vectors[3]

    def vector_search(
        self, vector: np.ndarray, k: int, sources: Sequence[str] | None = None
    ) -> list[tuple[int, float]]:
        matrix, ids, doc_sources = self._vector_matrix()
        if matrix.shape[0] == 0:
            return []
        query = np.asarray(vector, dtype=np.float32)
        if query.shape[0] != matrix.shape[1]:
            raise StoreError(
                f"query vector has {query.shape[0]} dimensions, the index {matrix.shape[1]}: "
                "the embedding model changed; run `ingest --rebuild`"
            )
        norm = float(np.linalg.norm(query))
        # einsum, not `matrix @ query`: BLAS runs a matrix-vector product on several threads
        # that spin-wait, and on a busy 2-core machine that took p95 16 ms instead of 1.3 ms.
        scores = np.einsum("ij,j->i", matrix, query / (norm or 1.0))
        if sources:
            mask = np.array([source_matches(s, sources) for s in doc_sources])
            scores = np.where(mask, scores, -np.inf)
        k = min(k, scores.shape[0])
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(ids[i]), float(scores[i])) for i in top if np.isfinite(scores[i])]

    # -- meta ------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
            self._writes += 1

    def ping(self) -> None:
        with self._lock:
            self._conn.execute("SELECT count(*) FROM documents").fetchone()

    def close(self) -> None:
        with self._lock:
            self._conn.close()
