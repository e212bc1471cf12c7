"""The HTTP API end to end with FastAPI's TestClient: ingest, ask (JSON and SSE), documents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CORPUS
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api import create_app, safe_filename
from {{ cookiecutter.package_name }}.config import ConfigError, Settings
from {{ cookiecutter.package_name }}.embeddings import HashingEmbedder
from {{ cookiecutter.package_name }}.providers.http import ProviderError
from {{ cookiecutter.package_name }}.service import RagService
from {{ cookiecutter.package_name }}.store import SQLiteStore


@pytest.fixture
def api(service: RagService, tmp_path: Path) -> Iterator[TestClient]:
    service.settings = service.settings.with_(upload_dir=str(tmp_path / "uploads"))
    with TestClient(create_app(service=service)) as client:
        yield client


def sse_events(body: str) -> list[tuple[str, dict]]:
    events = []
    for block in body.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def upload_corpus(api: TestClient) -> dict:
    files = [("files", (p.name, p.read_bytes())) for p in sorted(CORPUS.rglob("*.*"))]
    response = api.post("/ingest", files=files)
    assert response.status_code == 200, response.text
    return response.json()


def test_health_and_ready(api: TestClient) -> None:
    assert api.get("/health").json()["status"] == "ok"
    ready = api.get("/ready").json()
    assert ready == {
        "status": "ready",
        "chunks": 0,
        "llm": "offline-extractive",
        "embeddings": "none",
    }


def test_asking_an_empty_index_is_a_clear_4xx(api: TestClient) -> None:
    for path in ("/ask", "/ask/stream"):
        response = api.post(path, json={"question": "How do I sync?"})
        assert response.status_code == 409
        assert "ingest documents first" in response.json()["detail"]


def test_ingest_documents_and_ask_end_to_end(api: TestClient) -> None:
    report = upload_corpus(api)
    assert len(report["added"]) == len(list(CORPUS.rglob("*.*")))
    assert report["skipped"] == [] and report["chunks_written"] > 50
    docs = api.get("/documents").json()
    assert {d["source"] for d in docs["documents"]} == {
        f"uploads/{n}" for n in (p.name for p in CORPUS.rglob("*.*"))
    }
    response = api.post("/ask", json={"question": "How long do deleted notes stay in the trash?"})
    assert response.status_code == 200
    body = response.json()
    assert body["grounded"] is True
    assert body["mode"] == "offline-extractive"
    assert body["citations"][0]["source"] == "uploads/backups.md"
    assert body["citations"][0]["heading"].endswith("The trash")
    assert "60 days" in body["answer"]
    assert set(body["timings_ms"]) == {"retrieval", "generation"}
    assert response.headers["x-request-id"]
    again = upload_corpus(api)
    assert again["added"] == [] and len(again["unchanged"]) == len(report["added"])


def test_streaming_answer_over_server_sent_events(api: TestClient) -> None:
    upload_corpus(api)
    with api.stream(
        "POST", "/ask/stream", json={"question": "What port does Quillstone Server listen on?"}
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        body = "".join(response.iter_text())
    events = sse_events(body)
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "citations" and kinds[-1] == "done" and "token" in kinds
    assert events[0][1]["citations"][0]["source"] == "uploads/self-hosting.md"
    streamed = "".join(data["text"] for kind, data in events if kind == "token")
    assert streamed == events[-1][1]["answer"]
    assert "8443" in streamed


def test_dont_know_and_source_filter_over_http(api: TestClient) -> None:
    upload_corpus(api)
    body = api.post("/ask", json={"question": "What is the capital of Australia?"}).json()
    assert body["grounded"] is False and body["citations"] == []
    assert body["answer"].startswith("I don't know")
    body = api.post(
        "/ask", json={"question": "how long are events kept", "sources": ["uploads/audit-log.md"]}
    ).json()
    assert {c["source"] for c in body["citations"]} == {"uploads/audit-log.md"}


def test_invalid_requests_are_rejected(api: TestClient) -> None:
    assert api.post("/ask", json={"question": ""}).status_code == 422
    assert api.post("/ask", json={"question": "x", "top_k": 0}).status_code == 422
    assert api.post("/ingest").status_code == 422


def test_uploads_cannot_escape_the_upload_folder(api: TestClient, tmp_path: Path) -> None:
    response = api.post("/ingest", files=[("files", ("../../evil.md", b"# Evil\n\nText."))])
    assert response.json()["added"] == ["uploads/evil.md"]
    assert (tmp_path / "uploads" / "evil.md").is_file()
    assert safe_filename("..\\..\\a b?.md") == "a b_.md"
    assert safe_filename("..").startswith("upload-")


def test_bad_uploads_are_reported_not_fatal(
    api: TestClient, service: RagService, tmp_path: Path
) -> None:
    service.settings = service.settings.with_(max_upload_mb=1)
    response = api.post(
        "/ingest",
        files=[
            ("files", ("empty.md", b"")),
            ("files", ("big.txt", b"x" * (1024 * 1024 + 1))),
            ("files", ("good.md", b"# Good\n\nFine text.")),
        ],
    )
    body = response.json()
    assert body["added"] == ["uploads/good.md"]
    assert {s["source"] for s in body["skipped"]} == {"uploads/empty.md", "uploads/big.txt"}
    assert not (tmp_path / "uploads" / "big.txt").exists()
    assert not (tmp_path / "uploads" / "empty.md").exists()  # rejected: not kept either


def test_delete_document(api: TestClient) -> None:
    api.post("/ingest", files=[("files", ("a.md", b"# A\n\nAlpha text."))])
    assert api.delete("/documents/uploads/a.md").status_code == 200
    assert api.delete("/documents/uploads/a.md").status_code == 404
    assert api.get("/documents").json()["documents"] == []


def test_the_web_ui_and_its_local_assets(api: TestClient) -> None:
    page = api.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "/static/app.js" in page.text and "http" not in page.text.replace("http-equiv", "")
    script = api.get("/static/app.js")
    assert script.status_code == 200 and "/ask/stream" in script.text
    assert api.get("/static/style.css").status_code == 200


def test_app_builds_its_own_service_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{(tmp_path / 'env.sqlite3').as_posix()}")
    with TestClient(create_app(Settings.from_env())) as client:
        assert client.get("/ready").json()["chunks"] == 0
    assert (tmp_path / "env.sqlite3").is_file()


class FlakyEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.fail = False

    def embed(self, texts):  # type: ignore[no-untyped-def]
        if self.fail:
            raise ProviderError("embeddings are down")
        return super().embed(texts)


def test_provider_and_store_failures_are_clear_http_errors(
    settings: Settings, store: SQLiteStore
) -> None:
    embedder = FlakyEmbedder()
    service = RagService(settings, store, embedder, None)
    service.ingestor.ingest_bytes("a.md", b"# A\n\nAlpha text.")
    embedder.fail = True
    with TestClient(create_app(service=service)) as client:
        response = client.post("/ask", json={"question": "alpha"})
        assert response.status_code == 502
        assert "embeddings are down" in response.json()["detail"]
        service.embedder = None  # the index has vectors, this embedder gives none: refuse
        response = client.post("/ingest", files=[("files", ("b.md", b"# B\n\nBeta."))])
        assert response.status_code == 409
        assert "--rebuild" in response.json()["detail"]


def test_uploads_that_are_rejected_leave_nothing_in_the_upload_folder(
    api: TestClient, tmp_path: Path
) -> None:
    response = api.post(
        "/ingest",
        files=[
            ("files", ("empty.md", b"")),
            ("files", ("binary.txt", b"\x00\x01\x02 not text")),
            ("files", ("kept.md", b"# Kept\n\nThis one is indexed.")),
        ],
    )
    assert {s["source"] for s in response.json()["skipped"]} == {
        "uploads/empty.md",
        "uploads/binary.txt",
    }
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == ["kept.md"]


def test_an_upload_of_an_indexed_file_is_a_duplicate_not_a_second_copy(api: TestClient) -> None:
    first = api.post("/ingest", files=[("files", ("a.md", b"# A\n\nAlpha text."))]).json()
    again = api.post("/ingest", files=[("files", ("copy-of-a.md", b"# A\n\nAlpha text."))]).json()
    assert first["added"] == ["uploads/a.md"]
    assert again["duplicates"] == [{"source": "uploads/copy-of-a.md", "same_as": "uploads/a.md"}]
    assert [d["source"] for d in api.get("/documents").json()["documents"]] == ["uploads/a.md"]


TOKEN = "s3cret-admin-token-for-tests"


@pytest.fixture
def guarded(service: RagService, tmp_path: Path) -> Iterator[TestClient]:
    service.settings = service.settings.with_(
        upload_dir=str(tmp_path / "uploads"), app_env="production", admin_token=TOKEN
    )
    with TestClient(create_app(service=service)) as client:
        yield client


def test_write_endpoints_need_the_admin_token(guarded: TestClient) -> None:
    upload = [("files", ("a.md", b"# A\n\nAlpha text."))]
    refused = guarded.post("/ingest", files=upload)
    assert refused.status_code == 401 and "ADMIN_TOKEN" in refused.json()["detail"]
    wrong = guarded.post("/ingest", files=upload, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    ok = guarded.post("/ingest", files=upload, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.json()["added"] == ["uploads/a.md"]
    assert guarded.delete("/documents/uploads/a.md").status_code == 401
    assert guarded.get("/documents").json()["documents"]  # still there; reads stay open
    assert guarded.post("/ask", json={"question": "alpha"}).status_code == 200
    deleted = guarded.delete(
        "/documents/uploads/a.md", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert deleted.status_code == 200


def test_production_refuses_to_start_without_an_admin_token(service: RagService) -> None:
    service.settings = service.settings.with_(app_env="production")
    with pytest.raises(ConfigError, match="ADMIN_TOKEN"):
        create_app(service=service)


def test_read_only_mode_serves_questions_and_refuses_writes(service: RagService) -> None:
    service.ingestor.ingest_bytes("a.md", b"# A\n\nAlpha text.")
    service.settings = service.settings.with_(app_env="production", read_only=True)
    with TestClient(create_app(service=service)) as client:
        assert client.post("/ask", json={"question": "alpha"}).status_code == 200
        refused = client.delete("/documents/a.md")
        assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
        files = [("files", ("b.md", b"# B\n\nBeta."))]
        assert client.post("/ingest", files=files).status_code == 403


def test_serve_refuses_production_without_a_token_with_a_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    from {{ cookiecutter.package_name }}.cli import main

    started: list[object] = []
    # If the guard failed, the server would start and this test would never end.
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: started.append(args))
    monkeypatch.setenv("APP_ENV", "production")
    assert main(["serve", "--port", "0"]) == 2
    assert started == []
    err = capsys.readouterr().err
    assert "ADMIN_TOKEN" in err and "READ_ONLY=true" in err and "Traceback" not in err
