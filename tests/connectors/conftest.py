"""Fixtures of the API client contract tests: spec-checking loopback servers and a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from pytest_httpserver import HTTPServer

from mpdesk.adapters.marketplaces.ratelimit import InProcessTokenBucket
from mpdesk.adapters.marketplaces.transport import ApiTransport, RetryPolicy
from mpdesk.domain.credentials import Credentials, OzonCredentials, WbCredentials
from tests.connectors.spec_server import SpecServer

WB_SPECS = [
    "wb-2025-12_13-finances.json",
    "wb-2025-12_12-reports.json",
    "wb-2026-08_13-finances.json",
    "wb-2026-08_07-orders-fbw.json",
]
OZON_SPECS = ["ozon-2025-08_swagger.json"]
WB_TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJleHAiOjE3OTk5OTk5OTksInMiOjEwMjR9.c2lnbmF0dXJlLXRlc3Q"
OZON_KEY = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


@dataclass
class FakeTime:
    """Monotonic seconds that move only when something sleeps; records every sleep."""

    now: float = 1_000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def wb_server(httpserver: HTTPServer) -> Iterator[SpecServer]:
    server = SpecServer(httpserver, WB_SPECS)
    yield server
    httpserver.clear()


@pytest.fixture
def ozon_server(httpserver: HTTPServer) -> Iterator[SpecServer]:
    server = SpecServer(httpserver, OZON_SPECS)
    yield server
    httpserver.clear()


def make_transport(
    credentials: Credentials, server: SpecServer, fake_time: FakeTime, attempts: int = 3
) -> ApiTransport:
    return ApiTransport(
        credentials,
        base_url=server.url,
        limiter=InProcessTokenBucket(clock=fake_time.clock),
        policy=RetryPolicy(max_attempts=attempts, backoff_initial_s=0.5, backoff_max_s=4.0),
        sleep=fake_time.sleep,
    )


@pytest.fixture
def wb_transport(wb_server: SpecServer, fake_time: FakeTime) -> Iterator[ApiTransport]:
    transport = make_transport(WbCredentials(WB_TOKEN), wb_server, fake_time)
    yield transport
    transport.close()


@pytest.fixture
def ozon_transport(ozon_server: SpecServer, fake_time: FakeTime) -> Iterator[ApiTransport]:
    transport = make_transport(OzonCredentials("123456", OZON_KEY), ozon_server, fake_time)
    yield transport
    transport.close()
