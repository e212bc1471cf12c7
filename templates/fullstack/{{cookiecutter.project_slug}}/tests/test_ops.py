"""Health, readiness, request ids in the logs, security headers, friendly error pages."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.logs import JsonFormatter, request_id_var

from .support import MakeApp, Visitor, make_settings


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json() == {"status": "ready", "provider": "offline"}


def test_not_ready_while_migrations_are_pending(tmp_path: Path, make_app: MakeApp) -> None:
    app = make_app(make_settings(tmp_path), migrate=False)
    client = TestClient(app)  # no `with`: start-up (which would migrate) does not run
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["pending_migrations"] == ["0002", "0001"]
    assert client.get("/health").status_code == 200


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    generated = client.get("/health").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{16}", generated)
    kept = client.get("/health", headers={"X-Request-ID": "trace-abc-123"})
    assert kept.headers["x-request-id"] == "trace-abc-123"
    junk = client.get("/health", headers={"X-Request-ID": "bad id\\n"})
    assert junk.headers["x-request-id"] != "bad id\\n"


def test_logs_are_json_with_the_request_id() -> None:
    token = request_id_var.set("req-42")
    try:
        record = logging.LogRecord("app", logging.INFO, __file__, 1, "request", None, None)
        record.status = 200
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "req-42"
    assert line["message"] == "request"
    assert line["status"] == 200


def test_pages_send_security_headers_and_load_no_third_party_code(client: TestClient) -> None:
    response = client.get("/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    scripts = re.findall(r'<script src="([^"]+)"', response.text)
    assert scripts == ["/static/htmx.min.js", "/static/app.js"]
    assert client.get("/static/htmx.min.js").status_code == 200


def test_friendly_404_page(visitor: Visitor) -> None:
    response = visitor.client.get("/no/such/page")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "Page not found" in response.text
    assert "Back to safety" in response.text
    visitor.sign_up("ada@example.com")
    signed_in = visitor.client.get("/no/such/page").text
    assert "Log out" in signed_in  # the header still knows who you are


def test_friendly_500_page_with_a_reference(app: FastAPI) -> None:
    def explode() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/explode", explode)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/explode")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "boom" not in response.text  # no internals shown to visitors
    assert response.headers["x-request-id"] in response.text


def test_the_landing_page_invites_to_sign_up(client: TestClient) -> None:
    page = client.get("/").text
    assert 'href="/signup"' in page
    assert 'href="/login"' in page
