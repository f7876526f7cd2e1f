"""Token buckets that pace calls to a seller API: in-process, or shared through PostgreSQL.

A caller *reserves* a slot: the bucket takes one token, letting the count go below zero, and
says when the reserved request may be sent (``slot``, on the bucket's own clock) and how long to
wait for it. Reservations queue fairly and two callers never get the same token, so the requests
sent by every worker on the key stay within ``burst + rate * t`` for any span ``t``. After the
request, ``settle`` charges the bucket for the time it finished past its slot: the next request
is paced from this one's completion, which no network or scheduling delay can reorder (the
benchmark ``benchmarks/agency_bench.py`` saw a request leave 1.2 s after its slot under load).

- ``InProcessTokenBucket``: a lock and a dict, for SQLite and single-process use.
- ``PostgresTokenBucket``: one row per key in ``api_rate_buckets`` updated by a single atomic
  ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on the database's clock, so workers on any
  machine share the bucket. The table comes from migration ``0010_api_rate_buckets``.

Keys are built from a credential fingerprint and the endpoint's bucket, never from a token.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine, text

from mpdesk.adapters.marketplaces.endpoints import RateLimit


@dataclass(frozen=True)
class Reservation:
    slot: float
    wait_s: float


class RateLimiter(Protocol):
    def reserve(self, key: str, limit: RateLimit) -> Reservation: ...

    def settle(self, key: str, limit: RateLimit, late_s: float) -> None:
        """The reserved request finished ``late_s`` after its slot: move the bucket as if its
        token had been taken then, so the next request leaves a full interval after this one
        *completed* (the marketplace counts it at arrival, which is no later)."""
        ...


def wait_for(
    limiter: RateLimiter, key: str, limit: RateLimit, sleep: Callable[[float], None]
) -> None:
    """Reserve a slot and sleep until it comes."""
    reservation = limiter.reserve(key, limit)
    if reservation.wait_s > 0:
        sleep(reservation.wait_s)


def _take(tokens: float, elapsed: float, limit: RateLimit) -> float:
    """Tokens left after refilling for ``elapsed`` seconds and taking one (may be negative)."""
    return min(float(limit.burst), tokens + max(0.0, elapsed) * limit.rate) - 1.0


class InProcessTokenBucket:
    """Buckets in this process's memory; thread-safe. ``clock`` is monotonic seconds."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._state: dict[str, tuple[float, float]] = {}

    def reserve(self, key: str, limit: RateLimit) -> Reservation:
        with self._lock:
            now = self._clock()
            tokens, updated = self._state.get(key, (float(limit.burst), now))
            left = _take(tokens, now - updated, limit)
            self._state[key] = (left, max(updated, now))
        wait = 0.0 if left >= 0 else -left / limit.rate
        return Reservation(slot=now + wait, wait_s=wait)

    def settle(self, key: str, limit: RateLimit, late_s: float) -> None:
        with self._lock:
            if key in self._state:
                tokens, updated = self._state[key]
                self._state[key] = (tokens - max(0.0, late_s) * limit.rate, updated)


_SETTLE_SQL = text(
    "UPDATE api_rate_buckets SET tokens = tokens - :late * :rate WHERE bucket_key = :key"
)

_RESERVE_SQL = text(
    """
    INSERT INTO api_rate_buckets AS b (bucket_key, tokens, updated_at)
    VALUES (:key, CAST(:burst AS double precision) - 1,
            EXTRACT(EPOCH FROM clock_timestamp()))
    ON CONFLICT (bucket_key) DO UPDATE SET
        tokens = LEAST(CAST(:burst AS double precision),
                       b.tokens + GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp())
                                              - b.updated_at) * :rate) - 1,
        updated_at = GREATEST(b.updated_at, EXTRACT(EPOCH FROM clock_timestamp()))
    RETURNING tokens, updated_at
    """
)


class PostgresTokenBucket:
    """Buckets in PostgreSQL, shared by every process and machine using the same database."""

    def __init__(self, engine: Engine) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("PostgresTokenBucket needs PostgreSQL; use InProcessTokenBucket")
        self._engine = engine

    def reserve(self, key: str, limit: RateLimit) -> Reservation:
        with self._engine.begin() as conn:
            row = conn.execute(
                _RESERVE_SQL, {"key": key, "burst": limit.burst, "rate": limit.rate}
            ).one()
        left, now = float(row[0]), float(row[1])
        wait = 0.0 if left >= 0 else -left / limit.rate
        return Reservation(slot=now + wait, wait_s=wait)

    def settle(self, key: str, limit: RateLimit, late_s: float) -> None:
        with self._engine.begin() as conn:
            conn.execute(_SETTLE_SQL, {"key": key, "late": max(0.0, late_s), "rate": limit.rate})
