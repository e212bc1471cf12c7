"""Ingest files and folders: load, chunk, embed, store.

A document is keyed by where it came from (its resolved path, or its upload name) and by what
it contains (the sha256 of its bytes), never by a path relative to the working directory: the
same file ingested from another folder, or uploaded, is recognised instead of indexed twice,
and a changed file replaces its old chunks.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .chunking import Chunk, chunk_sections
from .config import Settings
from .embeddings import Embedder
from .loaders import LoadError, is_supported, load, unsupported_reason
from .store import ChunkInput, Store, StoredDocument, StoreError

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
NO_EMBEDDINGS = "none"


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, indexed as)
    chunks_written: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "skipped": [{"source": s, "reason": r} for s, r in self.skipped],
            "duplicates": [{"source": s, "same_as": d} for s, d in self.duplicates],
            "chunks_written": self.chunks_written,
        }

    def merge(self, other: IngestReport) -> None:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.removed += other.removed
        self.skipped += other.skipped
        self.duplicates += other.duplicates
        self.chunks_written += other.chunks_written

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed, "
            f"{len(self.duplicates)} duplicates, {len(self.skipped)} skipped, "
            f"{self.chunks_written} chunks written"
        )

    def details(self) -> list[str]:
        """One line per file that was not indexed, with the reason."""
        lines = [f"skipped {source}: {reason}" for source, reason in self.skipped]
        lines += [f"duplicate {source}: same content as {same}" for source, same in self.duplicates]
        return lines


def source_name(path: Path, base: Path, resolved: bool = False) -> str:
    """How a file is named in the index: relative to `base` when inside it, POSIX slashes.

    `resolved`: both paths are already absolute and resolved (saves two stat walks a file).
    """
    if not resolved:
        path, base = path.resolve(), base.resolve()
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def file_origin(path: Path, resolved: bool = False) -> str:
    """A file's identity in the index: its resolved path (case-folded where the OS is)."""
    return "file:" + Path(os.path.normcase(path if resolved else path.resolve())).as_posix()


def upload_origin(name: str) -> str:
    return f"upload:{name}"


def discover(
    paths: Iterable[Path], base: Path | None = None
) -> tuple[list[Path], list[tuple[str, str]]]:
    """Supported files under the given files/folders, sorted; plus every path passed over
    (missing, hidden, or of a type no loader reads) with the reason, so none vanishes silently.
    """
    found: dict[Path, None] = {}
    passed_over: list[tuple[str, str]] = []

    def _shown(path: Path) -> str:
        return source_name(path, base) if base else path.as_posix()

    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                for name in sorted(d for d in dirs if d.startswith(".")):
                    passed_over.append((_shown(Path(root) / name), "hidden folder, not searched"))
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    candidate = Path(root) / name
                    if name.startswith("."):
                        passed_over.append((_shown(candidate), "hidden file"))
                    elif not is_supported(candidate):
                        passed_over.append((_shown(candidate), unsupported_reason(candidate)))
                    else:
                        found.setdefault(candidate, None)
        elif path.is_file():
            found.setdefault(path, None)
        else:
            passed_over.append((str(path), "no such file or folder"))
    return list(found), passed_over


def fingerprint(data: bytes, settings: Settings, embedder: Embedder | None) -> str:
    """Content hash plus everything that changes the chunks: re-ingest is a no-op only if
    neither the file nor the chunking/embedding settings changed."""
    digest = hashlib.sha256(data).hexdigest()
    model = embedder.name if embedder else NO_EMBEDDINGS
    return f"sha256:{digest}:{settings.chunk_size}:{settings.chunk_overlap}:{model}"


def check_embedding_model(store: Store, embedder: Embedder | None) -> None:
    """One index holds vectors of one model; refuse to mix, and say how to rebuild."""
    wanted = embedder.name if embedder else NO_EMBEDDINGS
    current = store.get_meta("embedding_model")
    if current is None or not store.list_documents():
        store.set_meta("embedding_model", wanted)
    elif current != wanted:
        raise StoreError(
            f"the index was built with embeddings {current!r} but EMBEDDING_PROVIDER now gives "
            f"{wanted!r}; run `ingest --rebuild PATH...` to re-index everything"
        )


EMBED_BATCH = 256  # chunks embedded per call: one tokenizer call per file was a third of ingest


@dataclass
class _Pending:
    """A loaded and chunked file waiting for its vectors and its write."""

    name: str
    origin: str
    title: str
    content_hash: str
    digest: str
    chunks: list[Chunk]
    existing: StoredDocument | None


class Ingestor:
    def __init__(self, store: Store, settings: Settings, embedder: Embedder | None) -> None:
        self.store = store
        self.settings = settings
        self.embedder = embedder

    def ingest_paths(
        self,
        paths: Sequence[Path],
        base: Path | None = None,
        prune: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        base = (base or Path.cwd()).resolve()
        check_embedding_model(self.store, self.embedder)
        files, missing = discover(paths, base)
        report = IngestReport(skipped=list(missing))
        seen: set[str] = set()
        batch = _Batch()
        for index, path in enumerate(files, start=1):
            absolute = path.resolve()
            source = source_name(absolute, base, resolved=True)
            origin = file_origin(absolute, resolved=True)
            seen.add(origin)
            if progress:
                progress(index, len(files), source)
            try:
                data = path.read_bytes()
            except OSError as exc:
                report.skipped.append((source, f"cannot read file: {exc.strerror or exc}"))
                continue
            self._prepare(source, origin, path, data, report, batch)
            if batch.chunk_count >= EMBED_BATCH:
                self._flush(batch, report)
        self._flush(batch, report)
        if prune:
            self._prune([p for p in paths if p.is_dir()], seen, report)
        for source, reason in report.skipped:
            log.warning("skipped file", extra={"source": source, "reason": reason})
        return report

    def _prune(self, folders: Sequence[Path], seen: set[str], report: IngestReport) -> None:
        """Drop documents ingested from under `folders` whose files were not found now."""
        roots = [file_origin(folder).rstrip("/") + "/" for folder in folders]
        for document in self.store.list_documents():
            inside = any(document.origin.startswith(root) for root in roots)
            if inside and document.origin not in seen:
                self.store.delete_document(document.source)
                report.removed.append(document.source)

    def ingest_bytes(self, source: str, data: bytes, origin: str | None = None) -> IngestReport:
        check_embedding_model(self.store, self.embedder)
        report = IngestReport()
        batch = _Batch()
        self._prepare(source, origin or upload_origin(source), Path(source), data, report, batch)
        self._flush(batch, report)
        return report

    def _prepare(
        self,
        source: str,
        origin: str,
        path: Path,
        data: bytes,
        report: IngestReport,
        batch: _Batch,
    ) -> None:
        digest = hashlib.sha256(data).hexdigest()
        content_hash = fingerprint(data, self.settings, self.embedder)
        existing = self.store.find_document(origin=origin)
        if existing is None:
            legacy = self.store.get_document(source)  # indexed before origins were recorded
            existing = legacy if legacy and not legacy.origin else None
        if existing and existing.content_hash == content_hash and existing.origin:
            report.unchanged.append(existing.source)
            return
        twin = self.store.find_document(content_sha=digest)
        twin_name = twin.source if twin and (existing is None or twin.id != existing.id) else None
        twin_name = twin_name or batch.names_by_digest.get(digest)
        if twin_name:
            # The same bytes are indexed under another name: one copy is enough. If this
            # origin held older content, that version is stale now and goes.
            if existing:
                self.store.delete_document(existing.source)
                report.removed.append(existing.source)
            report.duplicates.append((source, twin_name))
            return
        try:
            document = load(path, data)
        except LoadError as exc:
            report.skipped.append((source, str(exc)))
            return
        except Exception as exc:  # a broken file must never stop the run
            log.exception("unexpected error reading a file", extra={"source": source})
            report.skipped.append((source, f"unexpected error: {type(exc).__name__}: {exc}"))
            return
        chunks = chunk_sections(
            document.sections, self.settings.chunk_size, self.settings.chunk_overlap
        )
        name = existing.source if existing else source  # keep the name citations know
        clash = None if existing else self.store.get_document(name)
        if clash is not None or name in batch.names:
            name = origin.removeprefix("file:")  # another file has this relative name
        batch.add(_Pending(name, origin, document.title, content_hash, digest, chunks, existing))

    def _flush(self, batch: _Batch, report: IngestReport) -> None:
        """Embed every pending chunk in one call, then write each document in its own
        transaction (so a failure mid-run leaves whole documents, never half of one)."""
        if not batch.pending:
            return
        vectors = None
        if self.embedder is not None and batch.chunk_count:
            vectors = self.embedder.embed(
                [f"{p.title}\n{c.heading}\n{c.text}" for p in batch.pending for c in p.chunks]
            )
        offset = 0
        for pending in batch.pending:
            self.store.replace_document(
                pending.name,
                pending.title,
                pending.content_hash,
                [
                    ChunkInput(
                        heading=c.heading,
                        position=c.position,
                        text=c.text,
                        embedding=None if vectors is None else vectors[offset + i],
                    )
                    for i, c in enumerate(pending.chunks)
                ],
                origin=pending.origin,
                content_sha=pending.digest,
            )
            offset += len(pending.chunks)
            (report.updated if pending.existing else report.added).append(pending.name)
            report.chunks_written += len(pending.chunks)
        batch.clear()


@dataclass
class _Batch:
    pending: list[_Pending] = field(default_factory=list)
    names_by_digest: dict[str, str] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    chunk_count: int = 0

    def add(self, pending: _Pending) -> None:
        self.pending.append(pending)
        self.names_by_digest[pending.digest] = pending.name
        self.names.add(pending.name)
        self.chunk_count += len(pending.chunks)

    def clear(self) -> None:
        self.pending.clear()
        self.names_by_digest.clear()
        self.names.clear()
        self.chunk_count = 0
