"""What a server counts for Prometheus (``/metrics``); ``NoMetrics`` when metrics are off."""

from __future__ import annotations

from typing import Protocol


class Metrics(Protocol):
    def request_observed(self, method: str, route: str, status: int, seconds: float) -> None:
        """One HTTP request answered; ``route`` is the route's template, never the raw path."""
        ...

    def job_finished(self, kind: str, seconds: float, failed: bool) -> None:
        """One run of a background job of a kind (``reminders``, …) ended."""
        ...

    def reminders_sent(self, channel: str, count: int) -> None: ...

    def exposition(self) -> tuple[bytes, str]:
        """The current values in the Prometheus text format, and its content type."""
        ...


class NoMetrics:
    """Metrics off: nothing is counted."""

    def request_observed(self, method: str, route: str, status: int, seconds: float) -> None:
        return None

    def job_finished(self, kind: str, seconds: float, failed: bool) -> None:
        return None

    def reminders_sent(self, channel: str, count: int) -> None:
        return None

    def exposition(self) -> tuple[bytes, str]:
        return b"", "text/plain; version=0.0.4; charset=utf-8"
