"""Clocks: the system clock, and a frozen one for ``MPDESK_NOW``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


class SystemClock:
    def __init__(self, tz: str = "Europe/Moscow") -> None:
        self.tz = ZoneInfo(tz)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(self.tz).date()

    def local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.tz)


class FrozenClock(SystemClock):
    """Always returns the same instant. A naive value is read in the display time zone."""

    def __init__(self, frozen: datetime, tz: str = "Europe/Moscow") -> None:
        super().__init__(tz)
        if frozen.tzinfo is None:
            frozen = frozen.replace(tzinfo=self.tz)
        self.frozen = frozen.astimezone(UTC)

    def now(self) -> datetime:
        return self.frozen
