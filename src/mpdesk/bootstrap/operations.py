"""Bootstrap of the operations of a server: schema upgrades, metrics, logs, readiness probes
and the job engine (``mpdesk serve``, ``mpdesk worker``, ``mpdesk migrate``)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from mpdesk.bootstrap import App
from mpdesk.config import Settings
from mpdesk.domain.jobs import Outcome
from mpdesk.services.ports.health import Probe
from mpdesk.services.ports.metrics import Metrics

if TYPE_CHECKING:
    from mpdesk.adapters.job_engine import JobEngine


def migrate_database(settings: Settings) -> tuple[str | None, str]:
    """``mpdesk migrate``: upgrade the schema once, under the database lock; returns the
    revision found before and the head."""
    from mpdesk.adapters.db.migrate import upgrade
    from mpdesk.adapters.db.uow import make_engine

    settings.home.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    try:
        before = upgrade(engine)
    finally:
        engine.dispose()
    return before.current, before.head


def enable_metrics(app: App) -> Metrics:
    """Prometheus metrics for a server process when ``MPDESK_METRICS`` is on; refused when
    nothing guards them (neither a token nor a loopback port)."""
    from mpdesk.domain.errors import UserInputError

    settings = app.settings
    if not settings.metrics:
        return app.ctx.metrics
    if not settings.metrics_token.get_secret_value() and not settings.metrics_port:
        raise UserInputError("metrics_unguarded")
    from mpdesk.adapters.metrics import PrometheusMetrics
    from mpdesk.services import jobs

    if not isinstance(app.ctx.metrics, PrometheusMetrics):
        ages = (lambda: jobs.job_ages(app.ctx)) if app.ctx.jobs is not None else None
        app.ctx.metrics = PrometheusMetrics(ages)
    return app.ctx.metrics


@contextmanager
def serve_metrics(app: App, workers: int) -> Iterator[None]:
    """``mpdesk serve`` with metrics on: checked before binding; several workers share a
    directory of values (prometheus-client's multiprocess mode, the variable is read by the
    workers at start); the loopback port, when set, is served by this process."""
    settings = app.settings
    if not settings.metrics:
        yield
        return
    metrics = enable_metrics(app)
    from mpdesk.adapters.metrics import MULTIPROC_ENV, PrometheusMetrics, serve_on_loopback

    with tempfile.TemporaryDirectory(prefix="mpdesk-metrics-") as shared:
        if workers > 1:
            os.environ[MULTIPROC_ENV] = shared
        if settings.metrics_port and isinstance(metrics, PrometheusMetrics):
            serve_on_loopback(settings.metrics_port, metrics, own=workers == 1)
        yield


def configure_server_logs(settings: Settings) -> None:
    """``MPDESK_LOG_FORMAT=json``: mpdesk's records (a line per request and per job) as JSON."""
    if settings.log_format == "json":
        from mpdesk.adapters.log_format import use_json_logs

        use_json_logs()


def readiness_probes(app: App) -> list[Probe]:
    """What ``/readyz`` checks: the journal's database and the evidence store."""
    from mpdesk.adapters.db.probe import DatabaseProbe
    from mpdesk.services.health import StoreProbe

    assert app.engine is not None, "the web app needs the journal"
    return [DatabaseProbe(app.engine), StoreProbe(app.ctx.files)]


def job_engine(app: App) -> JobEngine:
    """procrastinate on the journal's PostgreSQL, running this application's job kinds; a
    failed run raises so that the engine retries it."""
    from mpdesk.adapters.job_engine import JobEngine
    from mpdesk.services import jobs

    def run(kind: str, shop_id: int | None) -> None:
        done = jobs.run_job(app.ctx, kind, shop_id)
        if done.outcome is Outcome.FAILED:
            raise jobs.JobFailed(done)

    return JobEngine(
        app.settings.effective_database_url,
        run,
        lambda: jobs.due_jobs(app.ctx),
        stalled_after_seconds=app.settings.worker_stalled_seconds,
    )
