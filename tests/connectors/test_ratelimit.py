"""Token buckets: pacing in one process, and one bucket shared through PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import create_engine, text

from mpdesk.adapters.db.migrate import upgrade
from mpdesk.adapters.marketplaces.endpoints import ALL_ENDPOINTS, WB_INCOMES, RateLimit
from mpdesk.adapters.marketplaces.ratelimit import (
    InProcessTokenBucket,
    PostgresTokenBucket,
    RateLimiter,
)
from mpdesk.adapters.marketplaces.transport import ApiTransport
from mpdesk.domain.credentials import WbCredentials
from tests.connectors.conftest import WB_TOKEN, FakeTime
from tests.connectors.spec_server import SpecServer

LIMIT = RateLimit(requests=2, period_s=1.0, burst=2, source="test")


def assert_within_limit(slots: list[float], limit: RateLimit, slack: float = 1e-6) -> None:
    """No span of time holds more requests than the bucket allows: burst + rate * span."""
    ordered = sorted(slots)
    for i, start in enumerate(ordered):
        for j in range(i, len(ordered)):
            allowed = limit.burst + limit.rate * (ordered[j] - start + slack)
            assert j - i + 1 <= allowed, (i, j, ordered[i : j + 1])


def assert_really_paced(sent: list[float], limit: RateLimit) -> None:
    """The workers did sleep: n requests took at least (n - burst) / rate seconds.

    Send times themselves drift from the slots by scheduling and database round trips, so the
    exact bound is checked on the slots; this only proves that the waits were honoured."""
    assert max(sent) - min(sent) >= (len(sent) - limit.burst) / limit.rate - 0.02


def test_a_burst_goes_at_once_then_requests_are_paced(fake_time: FakeTime) -> None:
    bucket = InProcessTokenBucket(clock=fake_time.clock)
    waits = [bucket.reserve("k", LIMIT).wait_s for _ in range(4)]
    assert waits == [0.0, 0.0, 0.5, 1.0]


def test_an_idle_bucket_refills_only_up_to_the_burst(fake_time: FakeTime) -> None:
    bucket = InProcessTokenBucket(clock=fake_time.clock)
    bucket.reserve("k", LIMIT)
    fake_time.now += 3600
    waits = [bucket.reserve("k", LIMIT).wait_s for _ in range(3)]
    assert waits == [0.0, 0.0, 0.5]


def test_keys_do_not_share_tokens(fake_time: FakeTime) -> None:
    bucket = InProcessTokenBucket(clock=fake_time.clock)
    for _ in range(2):
        bucket.reserve("shop-1", LIMIT)
    assert bucket.reserve("shop-2", LIMIT).wait_s == 0.0
    assert bucket.reserve("shop-1", LIMIT).wait_s == 0.5


def test_every_endpoint_limit_names_its_source_and_is_positive() -> None:
    for endpoint in ALL_ENDPOINTS:
        assert endpoint.limit.source and endpoint.limit.rate > 0 and endpoint.limit.burst >= 1
    assert len({e.id for e in ALL_ENDPOINTS}) == len(ALL_ENDPOINTS)


def run_workers(make: Callable[[], RateLimiter], limit: RateLimit, workers: int, each: int):  # type: ignore[no-untyped-def]
    slots: list[float] = []
    sent: list[float] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            limiter = make()
            for _ in range(each):
                reservation = limiter.reserve("shared", limit)
                time.sleep(reservation.wait_s)
                with lock:
                    slots.append(reservation.slot)
                    sent.append(time.monotonic())
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return slots, sent


def test_threads_sharing_an_in_process_bucket_never_exceed_the_limit() -> None:
    limit = RateLimit(requests=40, period_s=1.0, burst=3, source="test")
    bucket = InProcessTokenBucket()
    slots, sent = run_workers(lambda: bucket, limit, workers=4, each=6)
    assert len(slots) == 24
    assert_within_limit(slots, limit)
    assert_really_paced(sent, limit)


def test_postgres_bucket_refuses_other_databases(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(ValueError, match="PostgreSQL"):
        PostgresTokenBucket(engine)
    engine.dispose()


@pytest.mark.postgres
def test_workers_with_their_own_connections_share_one_postgres_bucket(pg_url: str) -> None:
    admin = create_engine(pg_url)
    upgrade(admin, "0010_api_rate_buckets")
    limit = RateLimit(requests=20, period_s=1.0, burst=3, source="test")
    engines = []

    def make() -> RateLimiter:
        engine = create_engine(pg_url, pool_size=1)
        engines.append(engine)
        return PostgresTokenBucket(engine)

    slots, sent = run_workers(make, limit, workers=2, each=12)
    try:
        assert len(slots) == 24
        assert_within_limit(slots, limit)  # slots are on the database clock
        assert_really_paced(sent, limit)
        with admin.connect() as conn:
            rows = conn.execute(text("SELECT bucket_key FROM api_rate_buckets")).all()
        assert [r[0] for r in rows] == ["shared"]
    finally:
        for engine in [*engines, admin]:
            engine.dispose()


_WORKER = """
import json, sys
from sqlalchemy import create_engine
from mpdesk.adapters.marketplaces.endpoints import RateLimit
from mpdesk.adapters.marketplaces.ratelimit import PostgresTokenBucket
engine = create_engine(sys.argv[1])
bucket = PostgresTokenBucket(engine)
limit = RateLimit(requests=10, period_s=1.0, burst=2, source="test")
print(json.dumps([bucket.reserve("shared", limit).slot for _ in range(int(sys.argv[2]))]))
engine.dispose()
"""


@pytest.mark.postgres
def test_separate_processes_share_one_postgres_bucket(pg_url: str) -> None:
    admin = create_engine(pg_url)
    upgrade(admin, "0010_api_rate_buckets")
    admin.dispose()
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, pg_url, "8"], stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    slots: list[float] = []
    for worker in workers:
        out, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0
        slots += json.loads(out)
    limit = RateLimit(requests=10, period_s=1.0, burst=2, source="test")
    assert len(slots) == 16
    assert_within_limit(slots, limit)
    # 16 reservations at 10/s with a burst of 2 span at least 1.4 s of slots
    assert max(slots) - min(slots) >= (16 - 2) / 10 - 1e-6


def test_headroom_paces_a_transport_slower_than_the_documented_limit(
    wb_server: SpecServer, fake_time: FakeTime
) -> None:
    """1 / min documented, 2 % headroom: the second call waits 61.2 s, not 60 s."""
    transport = ApiTransport(
        WbCredentials(WB_TOKEN),
        base_url=wb_server.url,
        limiter=InProcessTokenBucket(clock=fake_time.clock),
        sleep=fake_time.sleep,
        headroom=0.02,
        clock=fake_time.clock,
    )
    for _ in range(2):
        wb_server.answer("GET", "/api/v1/supplier/incomes", 200, [])
    try:
        for _ in range(2):
            transport.call(WB_INCOMES, params={"dateFrom": "2026-11-01"})
    finally:
        transport.close()

    assert wb_server.violations == []
    assert fake_time.sleeps == [pytest.approx(61.2)]
    assert WB_INCOMES.limit.slower(0) is WB_INCOMES.limit


def test_the_next_request_is_paced_from_when_the_previous_one_completed(
    fake_time: FakeTime,
) -> None:
    """A request that takes 5 s to answer: the next one waits a full minute after it ended,
    not after its slot (a marketplace counting at arrival never sees them closer)."""

    def slow(request: httpx.Request) -> httpx.Response:
        fake_time.now += 5.0
        return httpx.Response(200, json=[])

    transport = ApiTransport(
        WbCredentials(WB_TOKEN),
        limiter=InProcessTokenBucket(clock=fake_time.clock),
        client=httpx.Client(transport=httpx.MockTransport(slow)),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )
    try:
        for _ in range(2):
            transport.call(WB_INCOMES, params={"dateFrom": "2026-11-01"})
    finally:
        transport.close()

    assert fake_time.sleeps == [pytest.approx(60.0)]  # 65 s after the first slot


@pytest.mark.postgres
def test_settling_a_late_request_moves_the_shared_bucket(pg_url: str) -> None:
    engine = create_engine(pg_url)
    upgrade(engine)
    bucket = PostgresTokenBucket(engine)
    limit = RateLimit(1, 60.0, 1, "test")
    try:
        assert bucket.reserve("late", limit).wait_s == 0.0
        bucket.settle("late", limit, 30.0)
        assert bucket.reserve("late", limit).wait_s == pytest.approx(90.0, abs=1.0)
    finally:
        engine.dispose()
