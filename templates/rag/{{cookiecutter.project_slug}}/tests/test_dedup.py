"""One document is indexed once: whichever folder it is ingested from, and through uploads;
a changed file replaces its old chunks, and near-duplicate passages show up once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.service import RagService
from {{ cookiecutter.package_name }}.store import SQLiteStore

GUIDE = "# Backups\n\n## Restore\n\nRestore a backup with the restore command and a snapshot id.\n"


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "project" / "docs"
    folder.mkdir(parents=True)
    (folder / "backups.md").write_text(GUIDE, encoding="utf-8")
    (folder / "other.md").write_text("# Other\n\nThe other page is about themes.\n", "utf-8")
    return folder


def _chunk_count(store: SQLiteStore) -> int:
    return store.count_chunks()


def test_reingesting_from_another_working_directory_changes_nothing(
    service: RagService, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(docs.parent)
    first = service.ingestor.ingest_paths([Path("docs")])
    assert sorted(first.added) == ["docs/backups.md", "docs/other.md"]
    chunks = _chunk_count(service.store)
    monkeypatch.chdir(docs)
    again = service.ingestor.ingest_paths([Path(".")])
    assert again.added == [] and sorted(again.unchanged) == ["docs/backups.md", "docs/other.md"]
    monkeypatch.chdir(docs.parent.parent)
    third = service.ingestor.ingest_paths([Path("project/docs/backups.md")])
    assert third.unchanged == ["docs/backups.md"]
    assert len(service.store.list_documents()) == 2 and _chunk_count(service.store) == chunks


def test_a_changed_file_replaces_its_chunks_from_any_directory(
    service: RagService, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(docs.parent)
    service.ingestor.ingest_paths([Path("docs")])
    (docs / "backups.md").write_text(
        GUIDE + "\n## Schedule\n\nBackups run nightly at 02:00.\n", encoding="utf-8"
    )
    monkeypatch.chdir(docs)
    report = service.ingestor.ingest_paths([Path("backups.md")])
    assert report.updated == ["docs/backups.md"] and report.added == []
    assert [d.source for d in service.store.list_documents()] == [
        "docs/backups.md",
        "docs/other.md",
    ]
    hits = service.retriever.search("when do backups run nightly")
    assert [h.chunk.source for h in hits].count("docs/backups.md") >= 1
    texts = [h.chunk.text for h in hits]
    assert len(texts) == len(set(texts))  # no stale copy of the old chunk beside the new one


def test_uploading_a_file_already_ingested_from_disk_does_not_index_it_again(
    service: RagService, docs: Path
) -> None:
    service.ingestor.ingest_paths([docs], base=docs.parent)
    chunks = _chunk_count(service.store)
    report = service.ingestor.ingest_bytes("uploads/backups.md", GUIDE.encode())
    assert report.duplicates == [("uploads/backups.md", "docs/backups.md")]
    assert report.added == [] and _chunk_count(service.store) == chunks
    answer = service.answerer.ask("How do I restore a backup with a snapshot id?")
    assert [c.source for c in answer.citations] == ["docs/backups.md"]


def test_re_uploading_a_changed_file_replaces_the_upload(service: RagService) -> None:
    service.ingestor.ingest_bytes("uploads/notes.md", b"# Notes\n\nThe gate code is 1234.")
    report = service.ingestor.ingest_bytes("uploads/notes.md", b"# Notes\n\nThe gate code is 9876.")
    assert report.updated == ["uploads/notes.md"]
    answer = service.answerer.ask("What is the gate code?")
    assert "9876" in answer.answer and "1234" not in answer.answer


def test_near_duplicate_passages_are_collapsed_in_results(service: RagService) -> None:
    paragraph = (
        "To rotate the signing key, open Settings, choose Security, press Rotate key and "
        "confirm with your password. Old signatures stay valid for seven days."
    )
    service.ingestor.ingest_bytes("a/keys.md", f"# Keys\n\n{paragraph}\n".encode())
    service.ingestor.ingest_bytes("b/keys-copy.md", f"# Keys (copy)\n\n{paragraph} \n".encode())
    service.ingestor.ingest_bytes("c/unrelated.md", b"# Themes\n\nPick a dark or light theme.")
    hits = service.retriever.search("how do I rotate the signing key")
    assert [h.chunk.text for h in hits].count(paragraph) == 1
    answer = service.answerer.ask("how do I rotate the signing key")
    assert len({c.snippet for c in answer.citations}) == len(answer.citations)


def test_an_index_from_the_previous_schema_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE documents (id INTEGER PRIMARY KEY, source TEXT NOT NULL UNIQUE, "
        "title TEXT NOT NULL, content_hash TEXT NOT NULL, ingested_at TEXT NOT NULL);"
        "CREATE TABLE chunks (id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL, "
        "position INTEGER NOT NULL, heading TEXT NOT NULL, text TEXT NOT NULL, embedding BLOB);"
        "CREATE VIRTUAL TABLE chunks_fts USING fts5(title, heading, text);"
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO documents VALUES (1, 'docs/a.md', 'A', 'sha256:x', '2025-01-01');"
        "PRAGMA user_version = 1;"
    )
    old.close()
    store = SQLiteStore(path)
    try:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == 2
        document = store.get_document("docs/a.md")
        assert document is not None and document.origin == "" and document.title == "A"
    finally:
        store.close()
