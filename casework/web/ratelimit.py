"""A small in-process rate limit per client address (the public form's abuse guard)."""

from __future__ import annotations

import threading
import time
from collections import deque


class RateLimit:
    """At most `limit` hits per `window` seconds per key (sliding window, in memory)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def exhausted(self, key: str, now: float | None = None) -> bool:
        """Whether `key` has used up its hits (without counting this question as one)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.get(key) or deque()
            return sum(1 for t in hits if t > now - self.window) >= self.limit

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 10000:  # forget idle clients so memory stays bounded
                for other in [k for k, v in self._hits.items() if not v]:
                    del self._hits[other]
            return True
