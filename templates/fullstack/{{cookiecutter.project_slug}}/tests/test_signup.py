"""Sign-up holds up: a real e-mail validator, a rate limit per client, and password hashing
bounded so a burst of sign-ups cannot exhaust a small server's memory."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }} import security

from .support import PASSWORD, MakeApp, Visitor, make_settings


@pytest.mark.parametrize(
    "address",
    ["a@.", "x@@x.co", "ada@example", "ada example@x.co", "@example.com", "ada@-example.com"],
)
def test_malformed_email_addresses_are_refused_at_sign_up(visitor: Visitor, address: str) -> None:
    response = visitor.post(
        "/signup",
        {"email": address, "password": PASSWORD, "password_confirm": PASSWORD},
        page="/signup",
    )
    assert response.status_code == 422
    assert "Enter a valid e-mail address" in response.text


def test_sign_ups_are_rate_limited_per_client(tmp_path: Path, make_app: MakeApp) -> None:
    app = make_app(make_settings(tmp_path, signup_max_per_hour=3))
    with TestClient(app) as client:
        for i in range(3):
            Visitor(client).sign_up(f"user{i}@example.com")
            client.cookies.delete("session")
        blocked = Visitor(client).post(
            "/signup",
            {"email": "more@example.com", "password": PASSWORD, "password_confirm": PASSWORD},
            page="/signup",
        )
        assert blocked.status_code == 429
        assert "Too many attempts" in blocked.text
        assert int(blocked.headers["retry-after"]) > 0


class CountingHasher(PasswordHasher):
    """The real Argon2id hasher, counting how many hashes run at the same moment."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8192)
        self.lock = threading.Lock()
        self.running = self.peak = 0

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            return super().hash(password, salt=salt)
        finally:
            with self.lock:
                self.running -= 1


def test_sixteen_simultaneous_sign_ups_hash_two_passwords_at_a_time(
    tmp_path: Path, make_app: MakeApp, monkeypatch: object
) -> None:
    hasher = CountingHasher()
    monkeypatch.setattr(security, "_hasher", hasher)  # type: ignore[attr-defined]
    app = make_app(make_settings(tmp_path, signup_max_per_hour=100))
    statuses: list[int] = []
    with TestClient(app) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signup").text)
        assert token

        def sign_up(i: int) -> None:  # sixteen browsers with the same form open
            form = {
                "csrf_token": token.group(1),
                "email": f"user{i}@example.com",
                "password": PASSWORD,
                "password_confirm": PASSWORD,
            }
            browser = TestClient(app, cookies=dict(client.cookies))  # no `with`: app is running
            try:
                response = browser.post("/signup", data=form, follow_redirects=False)
            finally:
                browser.close()
            statuses.append(response.status_code)

        threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert statuses == [303] * 16
    assert hasher.peak == 2  # 2 x 64 MiB, not 16 x 64 MiB
