"""The job engine of several machines: procrastinate on the journal's PostgreSQL.

Used as procrastinate documents it: one task runs a job kind for a shop (``mpdesk.run``),
deferred with a lock and a queueing lock named after the kind and the shop — at most one such
job waits and one runs at a time, on any machine; failures are retried with an exponential
wait. A periodic task defers what the schedule says is due (``mpdesk.plan``, each minute), and
another retries the jobs of workers that stopped sending heartbeats (killed, lost power) —
procrastinate's documented recipe for stalled jobs. Its tables come with migration 0013.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy.engine import make_url

from mpdesk.domain.errors import UserInputError

log = logging.getLogger(__name__)

RunJob = Callable[[str, int | None], None]  # raises when the run failed (then retried)
PlanJobs = Callable[[], Sequence[tuple[str, int | None]]]
QUEUE = "mpdesk"


def engine_conninfo(database_url: str) -> str:
    """The journal's SQLAlchemy URL as a libpq URI (PostgreSQL only)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise UserInputError("jobs_need_postgres")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def job_key(kind: str, shop_id: int | None) -> str:
    return f"mpdesk:{kind}:{shop_id if shop_id is not None else '-'}"


class JobEngine:
    def __init__(
        self,
        database_url: str,
        run: RunJob,
        plan: PlanJobs,
        *,
        max_attempts: int = 4,
        stalled_after_seconds: float = 30.0,
    ) -> None:
        self.app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(conninfo=engine_conninfo(database_url))
        )
        self.stalled_after_seconds = stalled_after_seconds
        app = self.app

        @app.task(
            name="mpdesk.run",
            queue=QUEUE,
            retry=procrastinate.RetryStrategy(max_attempts=max_attempts, exponential_wait=4),
        )
        def run_task(kind: str, shop_id: int | None) -> None:
            run(kind, shop_id)

        @app.periodic(cron="* * * * *", periodic_id="plan")
        @app.task(name="mpdesk.plan", queue=QUEUE, queueing_lock="mpdesk.plan")
        async def plan_task(timestamp: int) -> None:
            for kind, shop_id in await asyncio.to_thread(plan):
                await self.defer_async(kind, shop_id)

        @app.periodic(cron="* * * * * */5", periodic_id="stalled")
        @app.task(name="mpdesk.retry_stalled", queue=QUEUE, queueing_lock="mpdesk.stalled")
        async def retry_stalled(timestamp: int) -> None:
            stalled = await app.job_manager.get_stalled_jobs(
                seconds_since_heartbeat=self.stalled_after_seconds
            )
            for job in stalled:
                log.warning("retrying job %s of a stopped worker", job.id)
                await app.job_manager.retry_job(job)

        self.run_task = run_task

    async def defer_async(self, kind: str, shop_id: int | None) -> bool:
        """Queue one run; False when the same kind and shop is already waiting."""
        key = job_key(kind, shop_id)
        try:
            await self.run_task.configure(lock=key, queueing_lock=key).defer_async(
                kind=kind, shop_id=shop_id
            )
        except AlreadyEnqueued:
            return False
        return True

    def defer(self, kind: str, shop_id: int | None) -> bool:
        key = job_key(kind, shop_id)
        with self.app.open():
            try:
                self.run_task.configure(lock=key, queueing_lock=key).defer(
                    kind=kind, shop_id=shop_id
                )
            except AlreadyEnqueued:
                return False
        return True

    def run_worker(self, concurrency: int = 1, **options: Any) -> None:
        """Run a worker in the foreground until SIGINT/SIGTERM (procrastinate's handlers).

        Our tasks are plain blocking functions, which procrastinate runs in the event loop's
        default thread pool — ``min(32, CPUs + 4)`` threads, 6 on two cores — so ``concurrency``
        jobs could not all run at once; the loop gets a pool with a thread per job plus a few
        for the planner's own calls."""
        heartbeat = max(0.2, self.stalled_after_seconds / 3)

        async def work() -> None:
            pool = ThreadPoolExecutor(max_workers=concurrency + 4, thread_name_prefix="mpdesk-job")
            asyncio.get_running_loop().set_default_executor(pool)
            async with self.app.open_async():
                await self.app.run_worker_async(
                    queues=[QUEUE],
                    concurrency=concurrency,
                    update_heartbeat_interval=heartbeat,
                    stalled_worker_timeout=self.stalled_after_seconds,
                    delete_jobs="successful",
                    **options,
                )

        asyncio.run(work())
