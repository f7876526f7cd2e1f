"""The clock: UTC now, and the display time zone (Europe/Moscow by default)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Aware datetime in UTC."""
        ...

    def today(self) -> date:
        """Today in the display time zone (Europe/Moscow by default)."""
        ...

    def local(self, moment: datetime) -> datetime:
        """``moment`` converted to the display time zone."""
        ...
