"""Throttling: a sliding window per key, and the login throttle built from it.

Kept in memory, which is right for one app process; with several replicas, put it in Redis or
the database (see docs/DEPLOY.md).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self, max_attempts: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_attempts = max_attempts
        self.window = window_seconds
        self.clock = clock
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, key: str) -> deque[float]:
        hits = self._hits[key]
        cutoff = self.clock() - self.window
        while hits and hits[0] <= cutoff:
            hits.popleft()
        return hits

    def retry_after(self, *keys: str) -> int:
        """Seconds until another attempt is allowed for all `keys` (0: allowed now)."""
        with self._lock:
            waits = [
                hits[0] + self.window - self.clock()
                for hits in (self._prune(key) for key in keys)
                if len(hits) >= self.max_attempts
            ]
        return max((int(w) + 1 for w in waits), default=0)

    def hit(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._prune(key).append(self.clock())

    def reset(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._hits.pop(key, None)


class LoginThrottle:
    """Failed logins, limited so that a stranger cannot lock the owner out.

    - One client guessing one account: blocked after `max_attempts` failures in the window,
      but only that client (the owner, elsewhere, is not affected).
    - One client guessing many accounts (password spraying): blocked after four times that.
    - One account guessed from many clients: a growing delay between attempts (1 s, 2 s,
      4 s, ... at most `MAX_ACCOUNT_DELAY`), never a lock-out; the owner can always ask for a
      sign-in link by e-mail instead.
    """

    MAX_ACCOUNT_DELAY = 60.0
    SPRAY_FACTOR = 4

    def __init__(
        self, max_attempts: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_attempts = max_attempts
        self.clock = clock
        self.pairs = RateLimiter(max_attempts, window_seconds, clock)
        self.clients = RateLimiter(max_attempts * self.SPRAY_FACTOR, window_seconds, clock)
        self.accounts = RateLimiter(10**9, window_seconds, clock)  # only counted, never full

    def retry_after(self, client: str, account: str) -> int:
        """Seconds this client must wait before trying this account again (0: now)."""
        waits = [self.pairs.retry_after(f"{client}|{account}"), self.clients.retry_after(client)]
        with self.accounts._lock:
            failures = self.accounts._prune(account)
            excess = len(failures) - self.max_attempts
            if excess >= 0:
                delay = min(2.0**excess, self.MAX_ACCOUNT_DELAY)
                waits.append(int(failures[-1] + delay - self.clock() + 0.999))
        return max(0, *waits)

    def failed(self, client: str, account: str) -> None:
        self.pairs.hit(f"{client}|{account}")
        self.clients.hit(client)
        self.accounts.hit(account)

    def succeeded(self, client: str, account: str) -> None:
        self.pairs.reset(f"{client}|{account}")
        self.accounts.reset(account)
