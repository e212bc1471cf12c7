"""Ingest is idempotent, replaces changed files, prunes deleted ones and survives bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.embeddings import HashingEmbedder
from {{ cookiecutter.package_name }}.ingest import Ingestor
from {{ cookiecutter.package_name }}.service import RagService
from {{ cookiecutter.package_name }}.store import SQLiteStore, StoreError


def _chunk_ids(store: SQLiteStore) -> list[int]:
    return [row[0] for row in store._conn.execute("SELECT id FROM chunks ORDER BY id")]


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "alpha.md").write_text(
        "# Alpha\n\nThe alpha reactor runs on saltwater.\n", encoding="utf-8"
    )
    (folder / "sub" / "beta.txt").write_text(
        "Beta notes: the beta valve is blue.\n", encoding="utf-8"
    )
    return folder


def test_reingesting_the_same_files_changes_nothing(service: RagService, docs: Path) -> None:
    first = service.ingestor.ingest_paths([docs], base=docs.parent)
    assert sorted(first.added) == ["docs/alpha.md", "docs/sub/beta.txt"]
    ids = _chunk_ids(service.store)
    second = service.ingestor.ingest_paths([docs], base=docs.parent)
    assert second.added == second.updated == []
    assert sorted(second.unchanged) == ["docs/alpha.md", "docs/sub/beta.txt"]
    assert second.chunks_written == 0
    assert _chunk_ids(service.store) == ids


def test_a_changed_file_replaces_its_old_chunks(service: RagService, docs: Path) -> None:
    service.ingestor.ingest_paths([docs], base=docs.parent)
    (docs / "alpha.md").write_text(
        "# Alpha\n\nThe alpha reactor now runs on moonlight.\n", encoding="utf-8"
    )
    report = service.ingestor.ingest_paths([docs], base=docs.parent)
    assert report.updated == ["docs/alpha.md"]
    assert report.unchanged == ["docs/sub/beta.txt"]
    assert service.store.keyword_search(["saltwater"], 5) == []
    hits = service.store.keyword_search(["moonlight"], 5)
    assert len(hits) == 1
    assert service.store.get_document("docs/alpha.md").chunk_count == 1
    assert service.store.count_chunks() == 2


def test_prune_removes_files_that_were_deleted(service: RagService, docs: Path) -> None:
    service.ingestor.ingest_paths([docs], base=docs.parent)
    (docs / "sub" / "beta.txt").unlink()
    kept = service.ingestor.ingest_paths([docs], base=docs.parent)
    assert kept.removed == []
    assert service.store.get_document("docs/sub/beta.txt") is not None
    pruned = service.ingestor.ingest_paths([docs], base=docs.parent, prune=True)
    assert pruned.removed == ["docs/sub/beta.txt"]
    assert service.store.get_document("docs/sub/beta.txt") is None
    assert service.store.keyword_search(["valve"], 5) == []


def test_bad_files_are_reported_and_skipped(service: RagService, docs: Path) -> None:
    (docs / "empty.md").write_text("", encoding="utf-8")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7 truncated")
    report = service.ingestor.ingest_paths([docs, docs / "missing.md"], base=docs.parent)
    skipped = dict(report.skipped)
    assert set(skipped) == {"docs/empty.md", "docs/broken.pdf", str(docs / "missing.md")}
    assert "empty" in skipped["docs/empty.md"]
    assert sorted(report.added) == ["docs/alpha.md", "docs/sub/beta.txt"]


def test_changing_the_chunk_size_rechunks(store: SQLiteStore, docs: Path) -> None:
    text = "\n\n".join(f"Paragraph {i} about the gamma engine and its parts." for i in range(30))
    (docs / "alpha.md").write_text(text, encoding="utf-8")
    big = Ingestor(store, Settings(chunk_size=2000, chunk_overlap=0), None)
    big.ingest_paths([docs], base=docs.parent)
    before = store.get_document("docs/alpha.md").chunk_count
    small = Ingestor(store, Settings(chunk_size=300, chunk_overlap=50), None)
    report = small.ingest_paths([docs], base=docs.parent)
    assert "docs/alpha.md" in report.updated
    assert store.get_document("docs/alpha.md").chunk_count > before


def test_pdf_and_html_files_are_ingested_and_searchable(
    service: RagService, tmp_path: Path, make_pdf
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "manual.pdf").write_bytes(
        make_pdf(["Calibrate the zeppelin altimeter", "every ninety days."])
    )
    (folder / "faq.html").write_text(
        "<h1>FAQ</h1><h2>Parking</h2><p>The submarine parks in bay seven.</p>", encoding="utf-8"
    )
    report = service.ingestor.ingest_paths([folder], base=folder)
    assert sorted(report.added) == ["faq.html", "manual.pdf"]
    answer = service.answerer.ask("How often should the zeppelin altimeter be calibrated?")
    assert answer.citations[0].source == "manual.pdf"
    assert answer.citations[0].heading == "Page 1"
    answer = service.answerer.ask("Where does the submarine park?")
    assert answer.citations[0].source == "faq.html"
    assert answer.citations[0].heading == "FAQ > Parking"


def test_progress_is_reported_for_every_file(service: RagService, docs: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    service.ingestor.ingest_paths(
        [docs], base=docs.parent, progress=lambda i, n, s: seen.append((i, n, s))
    )
    assert seen == [(1, 2, "docs/alpha.md"), (2, 2, "docs/sub/beta.txt")]


def test_vectors_are_stored_and_a_model_change_needs_a_rebuild(
    store: SQLiteStore, settings: Settings, docs: Path
) -> None:
    Ingestor(store, settings, HashingEmbedder()).ingest_paths([docs], base=docs.parent)
    blobs = [r[0] for r in store._conn.execute("SELECT embedding FROM chunks")]
    assert all(b is not None and len(b) == 256 * 4 for b in blobs)
    with pytest.raises(StoreError, match="--rebuild"):
        Ingestor(store, settings, None).ingest_paths([docs], base=docs.parent)
    store.clear()
    Ingestor(store, settings, None).ingest_paths([docs], base=docs.parent)
    assert store.get_meta("embedding_model") == "none"
