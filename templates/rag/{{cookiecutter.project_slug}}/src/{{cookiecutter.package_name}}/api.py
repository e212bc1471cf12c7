"""The HTTP API and the single-page UI.

POST /ask            JSON answer with structured citations
POST /ask/stream     the same as server-sent events: citations, token..., done
POST /ingest         upload one or more files (multipart/form-data, field "files")
GET  /documents      what is indexed;  DELETE /documents/{source} removes one

Write endpoints (POST /ingest, DELETE /documents/...) need `Authorization: Bearer
$ADMIN_TOKEN` when ADMIN_TOKEN is set, and are switched off with READ_ONLY=true. In production
(APP_ENV=production) the app refuses to start without one of the two.
GET  /health         liveness;  GET /ready: the store answers
GET  /               the web UI (assets served from the package, no CDN)
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, File, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from . import PROJECT_NAME, __version__
from .config import Settings
from .ingest import IngestReport
from .providers.http import ProviderError
from .retrieval import EmptyIndexError
from .service import RagService
from .store import StoreError

log = logging.getLogger(__name__)
STATIC = Path(str(resources.files(__package__) / "static"))


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    top_k: int | None = Field(default=None, ge=1, le=50)
    sources: list[str] | None = Field(
        default=None, description="Only search these sources (exact names or folder prefixes)"
    )


def safe_filename(name: str) -> str:
    """Keep the base name only, in a conservative alphabet (no traversal, no odd characters)."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .")
    return cleaned or f"upload-{uuid.uuid4().hex[:8]}"


def create_app(settings: Settings | None = None, service: RagService | None = None) -> FastAPI:
    """Build the app. Pass `service` in tests; otherwise it is built from the environment.

    Raises ConfigError before serving anything when production has no ADMIN_TOKEN.
    """
    configured = service.settings if service is not None else settings or Settings.from_env()
    configured.check_serving()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = service is None
        app.state.service = service or RagService.from_settings(configured)
        try:
            yield
        finally:
            if owned:
                app.state.service.close()

    app = FastAPI(title=PROJECT_NAME, version=__version__, lifespan=lifespan)
    app.middleware("http")(log_requests)
    app.add_exception_handler(EmptyIndexError, empty_index)  # type: ignore[arg-type]
    app.add_exception_handler(ProviderError, provider_failed)  # type: ignore[arg-type]
    app.add_exception_handler(StoreError, store_refused)  # type: ignore[arg-type]
    app.include_router(routes)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def svc(request: Request) -> RagService:
    return request.app.state.service


def require_admin(request: Request) -> None:
    """Write endpoints: the admin token when one is set; nobody when read-only."""
    current = svc(request).settings
    if current.read_only:
        raise HTTPException(
            403,
            "This deployment is read-only (READ_ONLY=true): uploads and deletes are switched off.",
        )
    if not current.admin_token:
        return  # development without a token: the local owner is the only user
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), current.admin_token.encode()
    ):
        raise HTTPException(
            401,
            "This endpoint changes the index and needs the admin token: send "
            "`Authorization: Bearer <ADMIN_TOKEN>`.",
            headers={"WWW-Authenticate": "Bearer"},
        )


async def log_requests(request: Request, call_next):  # type: ignore[no-untyped-def]
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:12]
    started = time.perf_counter()
    response = await call_next(request)
    response.headers["x-request-id"] = request_id
    log.info(
        "request",
        extra={
            "request_id": request_id,
            "method": request.method,
            "path": request.url.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        },
    )
    return response


async def empty_index(_: Request, exc: EmptyIndexError) -> JSONResponse:
    return JSONResponse(status_code=409, content={"detail": str(exc)})


async def provider_failed(_: Request, exc: ProviderError) -> JSONResponse:
    log.error("provider failed", extra={"error": str(exc)})
    return JSONResponse(status_code=502, content={"detail": f"A provider failed: {exc}"})


async def store_refused(_: Request, exc: StoreError) -> JSONResponse:
    return JSONResponse(status_code=409, content={"detail": str(exc)})


# Every route reaches the service through the request (`svc`), so the routes are plain
# module-level functions and `create_app` only wires them up.
routes = APIRouter()


@routes.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@routes.get("/ready")
def ready(request: Request) -> JSONResponse:
    service = svc(request)
    try:
        service.store.ping()
        chunks = service.store.count_chunks()
    except Exception as exc:
        log.exception("store not ready")
        return JSONResponse(status_code=503, content={"status": "unavailable", "detail": str(exc)})
    return JSONResponse(
        {
            "status": "ready",
            "chunks": chunks,
            "llm": service.answerer.mode,
            "embeddings": service.embedder.name if service.embedder else "none",
        }
    )


@routes.get("/documents")
def documents(request: Request) -> dict[str, object]:
    docs = svc(request).store.list_documents()
    return {
        "documents": [
            {
                "source": d.source,
                "title": d.title,
                "chunks": d.chunk_count,
                "ingested_at": d.ingested_at,
            }
            for d in docs
        ],
        "total_chunks": sum(d.chunk_count for d in docs),
    }


@routes.delete("/documents/{source:path}", dependencies=[Depends(require_admin)])
def delete_document(source: str, request: Request) -> dict[str, str]:
    service = svc(request)
    if not service.store.delete_document(source):
        raise HTTPException(404, f"no document {source!r} in the index")
    if source.startswith("uploads/"):  # its stored copy goes too, or a rebuild revives it
        (Path(service.settings.upload_dir) / safe_filename(source)).unlink(missing_ok=True)
    return {"deleted": source}


@routes.post("/ingest", dependencies=[Depends(require_admin)])
def ingest(request: Request, files: Annotated[list[UploadFile], File()]) -> dict[str, object]:
    service = svc(request)
    limit = service.settings.max_upload_mb * 1024 * 1024
    upload_dir = Path(service.settings.upload_dir)
    upload_dir.mkdir(parents=True, exist_ok=True)
    total = IngestReport()
    for upload in files:
        name = safe_filename(upload.filename or "")
        source = f"uploads/{name}"
        data = upload.file.read(limit + 1)
        if len(data) > limit:
            total.skipped.append((source, f"larger than {service.settings.max_upload_mb} MB"))
            continue
        report = service.ingestor.ingest_bytes(source, data)
        total.merge(report)
        kept = upload_dir / name
        if source in report.added + report.updated + report.unchanged:
            # Keep a copy of what is indexed (for a rebuild); written after the index
            # accepted it, via a temporary name, so a rejected file never lands here.
            partial = upload_dir / f".{name}.{uuid.uuid4().hex[:8]}.part"
            partial.write_bytes(data)
            partial.replace(kept)
        elif source in report.removed or any(s == source for s, _ in report.skipped):
            kept.unlink(missing_ok=True)  # the old copy no longer matches the index
    return total.as_dict()


@routes.post("/ask")
def ask(body: AskRequest, request: Request) -> dict[str, object]:
    answer = svc(request).answerer.ask(body.question, k=body.top_k, sources=body.sources)
    log.info(
        "answered",
        extra={
            "mode": answer.mode,
            "grounded": answer.grounded,
            "citations": len(answer.citations),
            "usage": answer.usage.as_dict() if answer.usage else None,
        },
    )
    return answer.as_dict()


@routes.post("/ask/stream")
def ask_stream(body: AskRequest, request: Request) -> StreamingResponse:
    events = svc(request).answerer.ask_stream(body.question, k=body.top_k, sources=body.sources)

    def sse() -> Iterator[str]:
        for event, data in events:
            yield f"event: {event}\ndata: {json.dumps(data)}\n\n"

    return StreamingResponse(
        sse(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@routes.get("/", include_in_schema=False)
def index() -> FileResponse:
    return FileResponse(STATIC / "index.html")
