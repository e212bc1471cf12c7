"""Failed-login throttling: a sliding window per key (client address, and e-mail address).

Kept in memory, which is right for one app process; with several replicas, put it in Redis or
the database (see docs/DEPLOY.md).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class RateLimiter:
    def __init__(self, max_attempts: int, window_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
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
