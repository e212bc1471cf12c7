"""Failed logins are throttled per client and account, without letting a stranger lock the
owner out; X-Forwarded-For counts only from a configured proxy; sign-ups are limited too."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.ratelimit import LoginThrottle, RateLimiter

from .support import (
    PASSWORD,
    MakeApp,
    Visitor,
    database_url,
    live_visitor,
    make_settings,
    serve_command,
)

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


def test_the_serve_command_ignores_forwarded_for_from_an_untrusted_client(tmp_path: Path) -> None:
    """Password spraying with a new X-Forwarded-For each time: one client, so it is stopped."""
    url = database_url(tmp_path)
    with serve_command(tmp_path, url, FORWARDED_ALLOW_IPS="") as (base, _), live_visitor(base) as v:
        statuses = []
        for i in range(LoginThrottle.SPRAY_FACTOR * 5 + 1):
            response = v.post(
                "/login",
                {"email": f"user{i}@example.com", "password": WRONG},
                headers=from_address(f"198.51.100.{i}"),
            )
            statuses.append(response.status_code)
    assert statuses[:-1] == [401] * (LoginThrottle.SPRAY_FACTOR * 5)
    assert statuses[-1] == 429
