"""Shared fixtures. Every test runs offline: no provider keys, and no socket may leave loopback."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.service import RagService
from {{ cookiecutter.package_name }}.store import SQLiteStore

PROJECT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT / "data" / "sample"
GOLDEN = PROJECT / "evals" / "golden.jsonl"

_ENV = (
    "LLM_PROVIDER",
    "LLM_MODEL",
    "EMBEDDING_PROVIDER",
    "EMBEDDING_MODEL",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "OLLAMA_HOST",
    "DATABASE_URL",
    "CHUNK_SIZE",
    "CHUNK_OVERLAP",
    "TOP_K",
    "MIN_RELEVANCE",
    "UPLOAD_DIR",
    "THRESHOLDS_FILE",
    "APP_ENV",
    "ADMIN_TOKEN",
    "READ_ONLY",
)


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            return False
    return True  # AF_UNIX and friends


@pytest.fixture(autouse=True)
def offline(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No keys, a private working directory, and no network beyond 127.0.0.1 (unless `live`)."""
    if request.node.get_closest_marker("live"):
        return
    for key in _ENV:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LLM_PROVIDER", "offline")
    monkeypatch.setenv("EMBEDDING_PROVIDER", "none")
    monkeypatch.chdir(tmp_path)  # so no test reads the developer's .env or index
    real_connect = socket.socket.connect

    def guarded_connect(sock: socket.socket, address: object) -> object:
        if not _is_loopback(address):
            raise OSError(f"tests are offline: connection to {address!r} blocked")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture
def settings() -> Settings:
    return Settings.from_env({"LLM_PROVIDER": "offline", "EMBEDDING_PROVIDER": "none"})


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "index.sqlite3")
    yield s
    s.close()


@pytest.fixture
def service(settings: Settings, store: SQLiteStore) -> RagService:
    return RagService.from_settings(settings, store=store)


@pytest.fixture
def indexed(service: RagService) -> RagService:
    """A service with the sample corpus ingested (sources named relative to the corpus)."""
    report = service.ingestor.ingest_paths([CORPUS], base=CORPUS)
    assert [source for source, _ in report.skipped] == ["LICENSE"], report.skipped
    return service


@pytest.fixture
def make_pdf() -> object:
    return minimal_pdf


def minimal_pdf(lines: list[str], title: str = "") -> bytes:
    """A small valid PDF with one page of text (Helvetica), built by hand for tests."""

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = (
        "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(f"({esc(line)}) Tj T*" for line in lines) + " ET"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        f"<< /Title ({esc(title)}) >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)
