"""Prometheus metrics (prometheus-client).

One process: the metrics live in the process's own registry. Several worker processes
(``mpdesk serve --workers N``): ``PROMETHEUS_MULTIPROC_DIR`` names a directory set before the
workers start, each worker writes its values there, and any process reads the sum through
prometheus-client's ``MultiProcessCollector`` (the library's documented multiprocess mode).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
#: request latencies of a web page or an API call, seconds
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


#: (job kind, shop id or None, seconds since its last successful run), read at scrape time
JobAges = Callable[[], Sequence[tuple[str, int | None, float]]]


class JobAgeCollector(Collector):
    """Seconds since each job kind last ran well, per shop — sync lag per shop among them —
    read from the job log shared by every machine when Prometheus scrapes."""

    def __init__(self, ages: JobAges) -> None:
        self.ages = ages

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "mpdesk_job_last_success_age_seconds",
            "Seconds since the job kind last finished well, per shop (sync lag for sync).",
            labels=["kind", "shop_id"],
        )
        for kind, shop_id, seconds in self.ages():
            family.add_metric([kind, "" if shop_id is None else str(shop_id)], seconds)
        yield family


def reading_registry(ages: JobAges | None = None) -> CollectorRegistry:
    """The sum over all worker processes (their shared directory), with the job ages."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry, multiprocess_dir())  # type: ignore[no-untyped-call]
    if ages is not None:
        registry.register(JobAgeCollector(ages))
    return registry


class PrometheusMetrics:
    def __init__(self, ages: JobAges | None = None) -> None:
        self.ages = ages
        self._own = CollectorRegistry()
        if ages is not None:
            self._own.register(JobAgeCollector(ages))
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
        return reading_registry(self.ages) if multiprocess_dir() else self._own

    def exposition(self) -> tuple[bytes, str]:
        return generate_latest(self.registry()), CONTENT_TYPE_LATEST


def serve_on_loopback(port: int, metrics: PrometheusMetrics, own: bool) -> None:
    """The metrics on their own port of 127.0.0.1 (a thread of this process): its own values
    (``own``), or — the supervisor of worker processes — the sum read from the shared
    directory."""
    registry = metrics.registry() if own else reading_registry(metrics.ages)
    start_http_server(port, addr="127.0.0.1", registry=registry)
