"""Reminders: the seller's own notification channels and the ledger of what was sent."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol


class Notifier(Protocol):
    """Delivers the seller's own reminder digests (e-mail, Telegram bot)."""

    channel: str  # stable id: "email" | "telegram"

    def send(self, subject: str, text: str) -> None:
        """Deliver one digest; raises ``NotificationError`` when delivery failed."""
        ...


class ReminderLog(Protocol):
    """Sent-reminders ledger (unique per event key and channel) and periodic-job bookkeeping."""

    def claim(
        self, events: Sequence[tuple[str, int | None]], channel: str, now: datetime
    ) -> list[str]:
        """Record ``(event_key, ticket_id)`` pairs as being sent on ``channel``; return the keys
        this call recorded (keys recorded before, by any process, are left out)."""
        ...

    def mark_sent(self, keys: Sequence[str], channel: str, now: datetime) -> None: ...

    def release(self, keys: Sequence[str], channel: str) -> None:
        """Forget claimed keys whose delivery failed, so the next run retries them."""
        ...

    def sent_count(self, channel: str | None = None) -> int: ...

    def exclusive(self, job: str) -> AbstractContextManager[bool]:
        """Hold the job's lock across processes (PostgreSQL advisory lock); yields False when
        another process holds it."""
        ...

    def record_run(self, job: str, started: datetime, finished: datetime, result: str) -> None: ...
