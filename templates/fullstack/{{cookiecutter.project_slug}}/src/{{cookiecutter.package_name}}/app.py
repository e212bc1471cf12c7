"""The application factory: `uvicorn --factory {{ cookiecutter.package_name }}.app:create_app`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from . import APP_NAME, account, answers, auth, chat, email_links, logs, oauth
from .config import Settings
from .db import Database
from .mail import make_mailer
from .providers import make_provider
from .ratelimit import LoginThrottle, RateLimiter
from .security import limit_hashing
from .web import (
    PACKAGE_DIR,
    BadInput,
    CsrfError,
    LoginRequired,
    MaybeUser,
    csrf_protect,
    current_user,
    is_htmx,
    reject_nul_bytes,
    render,
)

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app = app
        self.headers = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        if hsts:
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Pages can hold private text (chats, the account): no browser or proxy may keep them.
        # Static files are the same for everyone and are left cacheable.
        private = not scope.get("path", "").startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if not (private and k.lower() == b"cache-control")
                ]
                if private:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = [*headers, *self.headers]
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


def create_app(
    settings: Settings | None = None,
    http_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the app. Tests pass their own settings and an HTTP transport standing in for
    the internet (LLM providers and GitHub)."""
    settings = settings or Settings()
    database = Database(settings.sqlalchemy_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Development upgrades the schema itself; production refuses to run on an old one.
        database.ensure_migrated(auto_upgrade=not settings.is_production)
        # Answers a crash or a hard kill left half-written become failed, with a retry button.
        answers.fail_abandoned(database, settings)
        log.info(
            "started",
            extra={
                "env": settings.app_env,
                "model": settings.model_name,
                "llm_provider": settings.effective_provider,
            },
        )
        yield
        database.dispose()

    app = FastAPI(
        title=APP_NAME,
        lifespan=lifespan,
        dependencies=[Depends(reject_nul_bytes), Depends(csrf_protect)],
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    _attach_state(app, settings, database, http_transport)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.is_production)
    app.add_middleware(logs.RequestIdMiddleware)
    # Outermost: the client address comes from X-Forwarded-For only via a trusted proxy.
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    app.mount("/static", StaticFiles(directory=PACKAGE_DIR / "static"), name="static")
    for router in (auth.router, account.router, chat.router, oauth.router, email_links.router):
        app.include_router(router)
    _add_operational_routes(app, database, settings)
    install_error_pages(app)
    return app


def _attach_state(
    app: FastAPI,
    settings: Settings,
    database: Database,
    http_transport: httpx.AsyncBaseTransport | None,
) -> None:
    app.state.settings = settings
    app.state.db = database
    app.state.provider = make_provider(settings, transport=http_transport)
    app.state.http_transport = http_transport
    app.state.login_throttle = LoginThrottle(
        settings.login_max_attempts, settings.login_window_seconds
    )
    app.state.signup_limiter = RateLimiter(settings.signup_max_per_hour, 3600)
    app.state.mail_limiter = RateLimiter(3, 3600)  # links mailed per address and hour
    app.state.mail_request_limiter = RateLimiter(20, 3600)  # link requests per client and hour
    app.state.mailer = make_mailer(settings)
    limit_hashing(settings.password_hash_concurrency)


def _add_operational_routes(app: FastAPI, database: Database, settings: Settings) -> None:
    @app.get("/")
    def landing(request: Request, user: MaybeUser) -> Response:
        return render(request, "landing.html", user=user)

    @app.get("/health")
    def health() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/ready")
    def ready() -> Response:
        """Readiness: the database answers and its schema is current."""
        try:
            database.ping()
            pending = database.pending_migrations()
        except Exception as exc:
            log.warning("not ready", extra={"error": str(exc)})
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        if pending:
            return JSONResponse({"status": "unavailable", "pending_migrations": pending}, 503)
        return JSONResponse({"status": "ready", "provider": settings.effective_provider})


def install_error_pages(app: FastAPI) -> None:
    """Every failure is a page with a sentence (or an htmx-friendly answer), never a trace."""
    _install_access_errors(app)
    _install_request_errors(app)


def _install_access_errors(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    def login_required(request: Request, exc: LoginRequired) -> Response:
        target = f"/login?next={request.url.path}"
        if is_htmx(request):
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(CsrfError)
    def csrf_failed(request: Request, exc: CsrfError) -> Response:
        return _error_page(
            request,
            403,
            "This form has expired",
            "Reload the page and try again. (The security token was missing "
            "or did not match, which also happens if the form came from "
            "another site.)",
        )

    @app.exception_handler(BadInput)
    def bad_input(request: Request, exc: BadInput) -> Response:
        return _error_page(
            request,
            400,
            "That text can't be stored",
            "It contains a NUL character (\\0), which usually comes from "
            "pasting binary data. Remove it and try again.",
        )


def _install_request_errors(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if any(error["loc"][:1] == ("path",) for error in exc.errors()):
            # An id that cannot exist (too large, negative, not a number) is simply not found.
            return _error_page(
                request, 404, "Page not found", "There is nothing here, or it isn't yours to see."
            )
        return _error_page(
            request,
            422,
            "Something is missing",
            "The form was incomplete or too long. Go back and try again.",
        )

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _error_page(
                request, 404, "Page not found", "There is nothing here, or it isn't yours to see."
            )
        return _error_page(request, exc.status_code, "That didn't work", str(exc.detail))

    @app.exception_handler(Exception)
    def server_error(request: Request, exc: Exception) -> Response:
        log.error("unhandled error", exc_info=exc)
        response = _error_page(
            request,
            500,
            "Something went wrong on our side",
            "The error was logged. Please try again in a moment.",
        )
        # This answer is sent from outside the middleware stack: add what it would have.
        response.headers.update(SECURITY_HEADERS)
        response.headers["cache-control"] = "no-store"
        response.headers["x-request-id"] = request.scope.get("state", {}).get("request_id", "")
        return response


def _error_page(request: Request, status: int, title: str, detail: str) -> Response:
    request_id = request.scope.get("state", {}).get("request_id", "")
    context = {"status": status, "title": title, "detail": detail, "request_id": request_id}
    if status >= 500:  # the database may be the problem: don't touch it
        return render(request, "error.html", context, status_code=status)
    with request.app.state.db.session() as db:  # so the header shows who is signed in
        return render(
            request,
            "error.html",
            context,
            status_code=status,
            user=current_user(request, db),
            db=db,
        )
