"""The job engine on PostgreSQL: two workers never run a job twice; a killed worker's job is
run again by another worker; the planner defers what is due."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from tests.conftest import FROZEN_NOW

from mpdesk.bootstrap import App, bootstrap
from mpdesk.bootstrap.operations import job_engine
from mpdesk.config import Settings
from mpdesk.domain.jobs import Outcome
from mpdesk.services import jobs
from mpdesk.services.context import JobKind, ServiceContext
from mpdesk.services.shops import add_shop

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[3]


def _app(home: Path, pg_url: str, **changes: object) -> App:
    return bootstrap(
        Settings(home=home, database_url=pg_url, now=FROZEN_NOW, **changes)  # type: ignore[arg-type]
    )


def test_two_workers_run_each_job_once(home: Path, pg_url: str) -> None:
    executed: Counter[int | None] = Counter()
    guard = threading.Lock()

    def count(ctx: ServiceContext, shop_id: int | None) -> str:
        time.sleep(0.02)
        with guard:
            executed[shop_id] += 1
        return "ok"

    apps = [_app(home, pg_url) for _ in range(2)]
    for application in apps:
        assert application.ctx.jobs is not None
        application.ctx.jobs.extra["count"] = JobKind("count", count, lambda ctx: 0)
    engines = [job_engine(a) for a in apps]
    shops = [add_shop(apps[0].ctx, f"Магазин {n}", "wb").id for n in range(30)]
    for shop in shops:
        assert engines[0].defer("count", shop)
    assert not engines[1].defer("count", shops[7])  # already waiting: not queued twice

    def work(index: int) -> None:
        engines[index].run_worker(concurrency=2, wait=False, install_signal_handlers=False)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert executed == Counter(dict.fromkeys(shops, 1))
    assert apps[0].ctx.jobs is not None
    logged = apps[0].ctx.jobs.log.recent(kinds=["count"], limit=100)
    assert len(logged) == 30 and {r.outcome for r in logged} == {Outcome.OK}
    assert len({r.worker for r in logged}) >= 1
    for application in apps:
        assert application.engine is not None
        application.engine.dispose()


def test_a_worker_runs_as_many_blocking_jobs_at_once_as_its_concurrency(
    home: Path, pg_url: str
) -> None:
    """Eight jobs that each wait for all eight to have started: more than the six threads of
    the event loop's default pool on two cores, so this only passes with the worker's own."""
    together = threading.Barrier(8, timeout=60)

    def gather(ctx: ServiceContext, shop_id: int | None) -> str:
        together.wait()
        return "ok"

    application = _app(home, pg_url)
    assert application.ctx.jobs is not None
    application.ctx.jobs.extra["gather"] = JobKind("gather", gather, lambda ctx: 0)
    engine = job_engine(application)
    shops = [add_shop(application.ctx, f"Магазин {n}", "wb").id for n in range(8)]
    for shop in shops:
        assert engine.defer("gather", shop)

    engine.run_worker(concurrency=8, wait=False, install_signal_handlers=False)

    logged = application.ctx.jobs.log.recent(kinds=["gather"], limit=100)
    assert sorted(r.shop_id or 0 for r in logged) == sorted(shops)
    assert {r.outcome for r in logged} == {Outcome.OK}, [r.summary for r in logged]
    assert application.engine is not None
    application.engine.dispose()


def test_a_failed_run_is_recorded_and_retried_by_the_engine(home: Path, pg_url: str) -> None:
    attempts: list[int] = []

    def flaky(ctx: ServiceContext, shop_id: int | None) -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("the marketplace hung up")
        return "second time lucky"

    application = _app(home, pg_url)
    assert application.ctx.jobs is not None
    application.ctx.jobs.extra["flaky"] = JobKind("flaky", flaky, lambda ctx: 0)
    engine = job_engine(application)
    engine.defer("flaky", None)
    deadline = time.monotonic() + 60
    while len(attempts) < 2 and time.monotonic() < deadline:  # the retry waits a few seconds
        engine.run_worker(wait=False, install_signal_handlers=False)
        time.sleep(0.5)
    runs = application.ctx.jobs.log.recent(kinds=["flaky"])
    assert [r.outcome for r in reversed(runs)] == [Outcome.FAILED, Outcome.OK]
    assert runs[-1].error_code == "internal_error" and "Traceback" not in runs[-1].summary
    assert application.engine is not None
    application.engine.dispose()


def test_the_planner_defers_what_is_due_once(home: Path, pg_url: str) -> None:
    application = _app(home, pg_url)
    assert application.ctx.jobs is not None
    application.ctx.jobs.extra["hourly"] = JobKind("hourly", lambda c, s: "ok", lambda c: 60)
    assert jobs.due_jobs(application.ctx) == [("hourly", None)]
    engine = job_engine(application)

    async def plan_twice() -> list[bool]:
        async with engine.app.open_async():
            return [await engine.defer_async(k, s) for k, s in jobs.due_jobs(application.ctx) * 2]

    assert asyncio.run(plan_twice()) == [True, False]  # the second waits behind the first
    engine.run_worker(wait=False, install_signal_handlers=False)
    assert ("hourly", None) not in jobs.due_jobs(application.ctx)  # ran: due in an hour
    assert application.engine is not None
    application.engine.dispose()


@pytest.mark.slow
def test_a_killed_workers_job_is_run_by_another_worker(tmp_path: Path, pg_url: str) -> None:
    probes = tmp_path / "probes"
    probes.mkdir()
    env = {
        **os.environ,
        "MPDESK_HOME": str(tmp_path / "home"),
        "MPDESK_DATABASE_URL": pg_url,
        "MPDESK_WORKER_STALLED_SECONDS": "2",
        "MPDESK_TEST_PROBE_DIR": str(probes),
        "PYTHONPATH": str(ROOT),
    }
    application = _app(tmp_path / "home", pg_url)
    assert application.ctx.jobs is not None
    engine = job_engine(application)
    worker = [sys.executable, str(ROOT / "tests" / "job_worker.py")]
    first = subprocess.Popen(worker, env=env, stderr=subprocess.DEVNULL)
    second = None
    try:
        assert engine.defer("probe", None)
        _wait(lambda: (probes / "first-start").exists(), "the first worker did not start")
        first.send_signal(signal.SIGKILL)  # power cut in the middle of the job
        first.wait()
        second = subprocess.Popen(worker, env=env, stderr=subprocess.DEVNULL)
        _wait(
            lambda: any(
                r.outcome is Outcome.OK
                for r in application.ctx.jobs.log.recent(kinds=["probe"])  # type: ignore[union-attr]
            ),
            "the job of the killed worker was not run again",
            timeout=90,
        )
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=20)
    started_by = {p.name for p in probes.glob("started-by-*")}
    assert started_by == {f"started-by-{first.pid}", f"started-by-{second.pid}"}
    assert application.engine is not None
    application.engine.dispose()


def _wait(condition: object, message: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(message)
        time.sleep(0.2)
