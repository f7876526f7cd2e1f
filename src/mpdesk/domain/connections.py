"""A shop's connection to its marketplace's seller API, and the record of its syncs.

Pure: standard library and ``mpdesk.domain`` only. The credentials themselves never appear here:
a connection keeps what may be shown (fingerprint, WB token expiry and category bits, which API
categories answered the check); the sealed secret stays in the database adapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Access(StrEnum):
    """The answer of one API category to the connection check."""

    OK = "ok"
    FORBIDDEN = "forbidden"  # 403: the token lacks the category
    PAYMENT_REQUIRED = "payment_required"  # 402


@dataclass(frozen=True)
class ShopConnection:
    shop_id: int
    marketplace: str
    fingerprint: str  # names the credential in logs and rate-limit keys, reveals nothing
    connected_at: datetime
    expires_at: datetime | None = None  # WB token expiry (JWT ``exp``); None for Ozon
    category_bits: frozenset[int] = frozenset()  # WB token's ``s`` claim, bit numbers
    access: dict[str, Access] = field(default_factory=dict)  # API category -> check answer

    def days_left(self, now: datetime) -> int | None:
        if self.expires_at is None:
            return None
        return (self.expires_at - now).days

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at


class SyncOutcome(StrEnum):
    RUNNING = "running"  # started and not finished (still running, or the process died)
    OK = "ok"
    FAILED = "failed"


@dataclass
class SyncRun:
    """One sync of one shop: when, how it ended, what it brought."""

    id: int
    shop_id: int
    started_at: datetime
    finished_at: datetime | None = None
    outcome: SyncOutcome = SyncOutcome.RUNNING
    error_code: str = ""
    error_fields: dict[str, Any] = field(default_factory=dict)
    pages: int = 0  # answer pages received
    rows: int = 0  # rows in those pages
    new_files: int = 0  # evidence files not seen before in the shop
    findings_added: int = 0
    findings_updated: int = 0


@dataclass
class StreamState:
    """Where the pulling of one endpoint of one shop stands.

    ``cursor`` is the client's resume point inside the window ``window_from``..``window_to``
    (None: no window is open); ``done_to`` is the end of the last window pulled to its end."""

    shop_id: int
    stream: str
    cursor: dict[str, Any] | None = None
    window_from: datetime | None = None
    window_to: datetime | None = None
    done_to: datetime | None = None


@dataclass(frozen=True)
class PulledFile:
    """An evidence file made from an API answer page (content-addressed by ``sha256``)."""

    shop_id: int
    stream: str
    sha256: str
    name: str
    size: int
    rows: int
    audited: bool
