"""Failed logins are throttled per client and account, without letting a stranger lock the
owner out; X-Forwarded-For counts only from a configured proxy; sign-ups are limited too."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }} import security
from {{ cookiecutter.package_name }}.ratelimit import LoginThrottle, RateLimiter

from .support import PASSWORD, MakeApp, Visitor, make_settings

WRONG = "wrong password!!"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def from_address(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def log_in(visitor: Visitor, password: str, address: str | None = None) -> int:
    headers = from_address(address) if address else None
    return visitor.post(
        "/login", {"email": "ada@example.com", "password": password}, headers=headers
    ).status_code


def test_limiter_counts_within_the_window_only() -> None:
    clock = FakeClock()
    limiter = RateLimiter(max_attempts=3, window_seconds=60, clock=clock)
    for _ in range(3):
        assert limiter.retry_after("k") == 0
        limiter.hit("k")
    assert 0 < limiter.retry_after("k") <= 61
    assert limiter.retry_after("other") == 0
    clock.now += 61
    assert limiter.retry_after("k") == 0
    limiter.hit("k")
    limiter.reset("k")
    assert limiter.retry_after("k") == 0


def test_rotating_x_forwarded_for_does_not_escape_the_limit(app: FastAPI, visitor: Visitor) -> None:
    """Nobody is a trusted proxy by default, so the header is ignored."""
    app.state.login_throttle = LoginThrottle(5, 900, clock=FakeClock())
    visitor.sign_up("ada@example.com")
    visitor.post("/logout", page="/app")
    statuses = [log_in(visitor, WRONG, f"10.0.0.{i}") for i in range(8)]
    assert statuses[:5] == [401] * 5
    assert set(statuses[5:]) == {429}


def test_behind_a_configured_proxy_each_client_is_limited_on_its_own(
    tmp_path: Path, make_app: MakeApp
) -> None:
    # TestClient connects from "testclient": here that is the proxy we were told to trust.
    app = make_app(make_settings(tmp_path, forwarded_allow_ips="testclient"))
    clock = FakeClock()
    app.state.login_throttle = LoginThrottle(5, 900, clock=clock)
    with TestClient(app) as client:
        ada = Visitor(client)
        ada.sign_up("ada@example.com")
        ada.post("/logout", page="/app")
        attacker = "203.0.113.9"
        assert [log_in(ada, WRONG, attacker) for _ in range(5)] == [401] * 5
        locked = ada.post(
            "/login",
            {"email": "ada@example.com", "password": PASSWORD},
            headers=from_address(attacker),
        )
        assert locked.status_code == 429
        assert "Too many attempts" in locked.text
        assert int(locked.headers["retry-after"]) > 60  # the attacker waits the window out

        # The owner, from her own address, is not locked out: at most a short delay.
        owner = "198.51.100.7"
        first = ada.post(
            "/login",
            {"email": "ada@example.com", "password": PASSWORD},
            headers=from_address(owner),
        )
        if first.status_code == 429:
            assert int(first.headers["retry-after"]) <= 2
            clock.now += 2
        assert log_in(ada, PASSWORD, owner) == 303


def test_many_strangers_only_slow_an_account_down_never_lock_it(
    tmp_path: Path, make_app: MakeApp
) -> None:
    app = make_app(make_settings(tmp_path, forwarded_allow_ips="testclient"))
    clock = FakeClock()
    app.state.login_throttle = LoginThrottle(5, 900, clock=clock)
    with TestClient(app) as client:
        ada = Visitor(client)
        ada.sign_up("ada@example.com")
        ada.post("/logout", page="/app")
        for i in range(12):  # a botnet: every guess from a new address, waiting as told
            clock.now += LoginThrottle.MAX_ACCOUNT_DELAY
            assert log_in(ada, WRONG, f"203.0.113.{i}") == 401
        blocked = ada.post(
            "/login",
            {"email": "ada@example.com", "password": PASSWORD},
            headers=from_address("198.51.100.7"),
        )
        assert blocked.status_code == 429
        assert int(blocked.headers["retry-after"]) <= LoginThrottle.MAX_ACCOUNT_DELAY
        assert "E-mail me a sign-in link" in blocked.text  # and the owner has a way in now
        clock.now += LoginThrottle.MAX_ACCOUNT_DELAY
        assert log_in(ada, PASSWORD, "198.51.100.7") == 303


def test_a_successful_login_clears_the_account_counter(app: FastAPI, visitor: Visitor) -> None:
    app.state.login_throttle = LoginThrottle(3, 900, clock=FakeClock())
    visitor.sign_up("ada@example.com")
    for _ in range(4):
        visitor.post("/logout", page="/app")
        assert log_in(visitor, WRONG) == 401
        assert log_in(visitor, PASSWORD) == 303


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
        super().__init__()
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

        def sign_up(i: int) -> None:
            form = {
                "csrf_token": token.group(1),
                "email": f"user{i}@example.com",
                "password": PASSWORD,
                "password_confirm": PASSWORD,
            }
            statuses.append(client.post("/signup", data=form, follow_redirects=False).status_code)

        threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert statuses == [303] * 16
    assert hasher.peak == 2  # 2 x 64 MiB, not 16 x 64 MiB
