"""Failed logins are throttled per address and per account."""

from __future__ import annotations

from fastapi import FastAPI

from {{ cookiecutter.package_name }}.ratelimit import RateLimiter

from .support import PASSWORD, Visitor


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


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


def test_too_many_wrong_passwords_lock_the_login_for_a_while(
    app: FastAPI, visitor: Visitor
) -> None:
    clock = FakeClock()
    app.state.login_limiter = RateLimiter(max_attempts=5, window_seconds=900, clock=clock)
    visitor.sign_up("ada@example.com")
    visitor.post("/logout", page="/app")
    for _ in range(5):
        assert visitor.log_in("ada@example.com", "wrong password!!").status_code == 401
    blocked = visitor.log_in("ada@example.com")  # even the right password waits
    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.text
    assert int(blocked.headers["retry-after"]) > 0
    clock.now += 901
    assert visitor.log_in("ada@example.com").status_code == 303


def test_a_successful_login_clears_the_account_counter(app: FastAPI, visitor: Visitor) -> None:
    app.state.login_limiter = RateLimiter(max_attempts=3, window_seconds=900, clock=FakeClock())
    visitor.sign_up("ada@example.com")
    for _ in range(2):
        visitor.post("/logout", page="/app")
        assert visitor.log_in("ada@example.com", "wrong password!!").status_code == 401
        assert visitor.log_in("ada@example.com", PASSWORD).status_code == 303
    assert app.state.login_limiter.retry_after("email:ada@example.com") == 0
