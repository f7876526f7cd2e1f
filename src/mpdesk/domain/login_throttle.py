"""The sign-in throttle's rules (pure): how many attempts a key gets, and how long it waits.

Two keys are counted for every attempt, each in one database row updated atomically
(``services/login_throttle.py``):

- the login name *with* the client address: after ``limit`` attempts (5) every further one
  waits 1 s, then 2 s, 4 s … up to 15 min — guessing is slowed, yet nobody elsewhere can lock
  the account (the owner's own address has its own row);
- the client address alone, with a far higher limit (100 an hour): an office behind one NAT
  is not locked by a colleague's typos.

A key is forgotten after ``window`` of quiet following its last attempt or block.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottleRule:
    limit: int
    window: timedelta
    first_delay: timedelta
    max_delay: timedelta

    def delay_after(self, attempts: int) -> timedelta | None:
        """The wait after ``attempts`` counted attempts; None below the limit. The wait
        doubles with every attempt past the limit, up to ``max_delay``."""
        if attempts < self.limit:
            return None
        doublings = min(attempts - self.limit, 30)
        return min(self.max_delay, self.first_delay * (1 << doublings))


def account_rule(limit: int = 5, max_delay: timedelta = timedelta(minutes=15)) -> ThrottleRule:
    return ThrottleRule(limit, max_delay, timedelta(seconds=1), max_delay)


ADDRESS_RULE = ThrottleRule(100, timedelta(hours=1), timedelta(minutes=1), timedelta(hours=1))


@dataclass(frozen=True)
class Attempt:
    """The outcome of claiming one attempt: allowed (counted as ``attempts``), or not before
    ``blocked_until``."""

    allowed: bool
    attempts: int = 0
    blocked_until: datetime | None = None


def seconds_until(moment: datetime | None, now: datetime) -> int:
    """Whole seconds to wait (at least 1)."""
    if moment is None:
        return 1
    return max(1, int((moment - now).total_seconds() + 0.999))
