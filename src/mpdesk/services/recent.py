"""A small per-process memory of answers that change rarely and are asked on every request
(who a session belongs to, the list of shops), kept for a few seconds."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

#: how long an answer is reused without asking the database
RECENT_SECONDS = 5.0


class RecentCache:
    """Answers this process got in the last ``ttl`` seconds, by key.

    The process that changes what an answer depends on clears the cache; a change made by
    another process (another web worker, the CLI) is seen within ``ttl`` seconds. With
    ``ttl <= 0`` nothing is kept.
    """

    def __init__(
        self,
        ttl: float = RECENT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 10_000,
    ) -> None:
        self.ttl = ttl
        self._clock = clock
        self._max = max_entries
        self._items: dict[str, tuple[float, Any]] = {}

    def get(self, key: str) -> Any:
        found = self._items.get(key)
        if found is None:
            return None
        if self._clock() - found[0] >= self.ttl:
            del self._items[key]
            return None
        return found[1]

    def put(self, key: str, value: Any) -> None:
        if self.ttl <= 0:
            return
        if len(self._items) >= self._max:
            self._items.clear()
        self._items[key] = (self._clock(), value)

    def clear(self) -> None:
        self._items.clear()
