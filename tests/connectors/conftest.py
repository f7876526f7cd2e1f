"""Fixtures of the API client contract tests: spec-checking loopback servers and a fake clock;
an mpdesk app whose seller APIs are that server (WB and Ozon specs on one server)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from pytest_httpserver import HTTPServer

from mpdesk.adapters.marketplaces.apis import HttpMarketplaceApis
from mpdesk.adapters.marketplaces.ratelimit import InProcessTokenBucket
from mpdesk.adapters.marketplaces.transport import ApiTransport, RetryPolicy
from mpdesk.bootstrap import App
from mpdesk.domain.credentials import Credentials, OzonCredentials, WbCredentials
from mpdesk.services.ports.marketplaces import MarketplacePorts
from tests.connectors.spec_server import SpecServer

WB_SPECS = [
    "wb-2025-12_13-finances.json",
    "wb-2025-12_12-reports.json",
    "wb-2026-08_13-finances.json",
    "wb-2026-08_07-orders-fbw.json",
    "wb-2026-08_01-general.json",
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
        clock=fake_time.clock,
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


def wb_token(exp: int, mask: int = 1024) -> str:
    """A JWT-shaped WB token with these claims (the signature is not checked by mpdesk)."""

    def part(value: dict[str, object]) -> str:
        raw = base64.urlsafe_b64encode(json.dumps(value).encode()).decode()
        return raw.rstrip("=")

    return f"{part({'alg': 'ES256'})}.{part({'exp': exp, 's': mask})}.c2lnbmF0dXJl"


@pytest.fixture
def market(httpserver: HTTPServer) -> Iterator[SpecServer]:
    server = SpecServer(httpserver, WB_SPECS + OZON_SPECS)
    yield server
    httpserver.clear()


def wire(app: App, server: SpecServer, fake_time: FakeTime, attempts: int = 2) -> App:
    """Point the app's seller APIs at the loopback server; sleeps only move the fake clock."""
    assert app.ctx.marketplaces is not None
    apis = HttpMarketplaceApis(
        InProcessTokenBucket(clock=fake_time.clock),
        base_url=server.url,
        policy=RetryPolicy(max_attempts=attempts, backoff_initial_s=0.1, backoff_max_s=1.0),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )
    ports = app.ctx.marketplaces
    app.ctx.marketplaces = MarketplacePorts(apis, ports.sealer, ports.uow, ports.first_days)
    return app


@pytest.fixture
def market_app(app: App, market: SpecServer, fake_time: FakeTime) -> App:
    return wire(app, market, fake_time)
