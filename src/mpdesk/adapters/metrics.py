"""Prometheus metrics (prometheus-client).

One process: the metrics live in the process's own registry. Several worker processes
(``mpdesk serve --workers N``): ``PROMETHEUS_MULTIPROC_DIR`` names a directory set before the
workers start, each worker writes its values there, and any process reads the sum through
prometheus-client's ``MultiProcessCollector`` (the library's documented multiprocess mode).
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
#: request latencies of a web page or an API call, seconds
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def reading_registry() -> CollectorRegistry:
    """The registry to expose: this process's own, or the sum over all worker processes."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry, multiprocess_dir())  # type: ignore[no-untyped-call]
    return registry


class PrometheusMetrics:
    def __init__(self) -> None:
        self._own = CollectorRegistry()
        where: dict[str, Any] = {"registry": self._own}
        self.requests = Histogram(
            "mpdesk_http_request_duration_seconds",
            "Time to answer an HTTP request, by method, route template and status.",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            **where,
        )
        self.jobs = Counter(
            "mpdesk_jobs",
            "Runs of background jobs by kind and outcome (ok, failed).",
            ["kind", "outcome"],
            **where,
        )
        self.job_seconds = Histogram(
            "mpdesk_job_duration_seconds", "Duration of background job runs.", ["kind"], **where
        )
        self.reminders = Counter(
            "mpdesk_reminders_sent",
            "Deadline reminders delivered, by channel.",
            ["channel"],
            **where,
        )

    def request_observed(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).observe(seconds)

    def job_finished(self, kind: str, seconds: float, failed: bool) -> None:
        self.jobs.labels(kind, "failed" if failed else "ok").inc()
        self.job_seconds.labels(kind).observe(seconds)

    def reminders_sent(self, channel: str, count: int) -> None:
        self.reminders.labels(channel).inc(count)

    def registry(self) -> CollectorRegistry:
        return reading_registry() if multiprocess_dir() else self._own

    def exposition(self) -> tuple[bytes, str]:
        return generate_latest(self.registry()), CONTENT_TYPE_LATEST


def serve_on_loopback(port: int, metrics: PrometheusMetrics | None) -> None:
    """The metrics on their own port of 127.0.0.1 (a thread of this process). With worker
    processes the supervisor serves the sum read from the shared directory."""
    registry = metrics.registry() if metrics is not None else reading_registry()
    start_http_server(port, addr="127.0.0.1", registry=registry)
