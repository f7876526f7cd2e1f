"""``mpdesk serve`` as the operator runs it: JSON log lines and metrics of several workers."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.servers import Served, free_port, mpdesk_serve

TOKEN = "metrics-token-for-tests"


def _env(home: Path, **extra: str) -> dict[str, str]:
    return {
        "MPDESK_HOME": str(home),
        "MPDESK_DATABASE_URL": f"sqlite:///{home / 'mpdesk.db'}",
        "MPDESK_REMIND_IN_SERVER": "false",
        "MPDESK_SECRET_KEY": "a-shared-secret-of-the-servers-0123456789",
        **extra,
    }


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, int]]:
    """One two-worker server for the module, as an operator runs it: JSON logs and metrics on
    a loopback port of their own."""
    tmp_path = tmp_path_factory.mktemp("serve")
    metrics_port = free_port()
    env = _env(
        tmp_path / "home",
        MPDESK_LOG_FORMAT="json",
        MPDESK_LOG_LEVEL="info",
        MPDESK_METRICS="true",
        MPDESK_METRICS_PORT=str(metrics_port),
    )
    with mpdesk_serve(env, tmp_path / "logs", "--workers", "2") as server:
        yield server, metrics_port


def _log_lines_of(served: Served, request_id: str) -> list[dict[str, Any]]:
    """The server's JSON log lines of one request, once its worker has written one."""
    deadline = time.monotonic() + 30
    while True:
        lines = [json.loads(line) for line in served.log_lines() if line.startswith("{")]
        mine = [line for line in lines if line.get("request_id") == request_id]
        if mine or time.monotonic() > deadline:
            return mine
        time.sleep(0.02)


@pytest.mark.slow
def test_json_logs_have_one_line_per_request_with_its_id(served: tuple[Served, int]) -> None:
    server, _ = served
    answer = httpx.get(
        f"{server.url}/api/v1/tickets/7?secret=hunter2",
        headers={"X-Request-ID": "req-42", "Authorization": "Bearer mpd_not_a_real_token"},
    )
    assert answer.status_code == 401
    assert answer.headers["x-request-id"] == "req-42"
    mine = _log_lines_of(server, "req-42")
    assert len(mine) == 1
    assert mine[0]["route"] == "/api/v1/tickets/{ticket_id}"
    assert mine[0]["status"] == 401 and mine[0]["method"] == "GET"
    assert isinstance(mine[0]["duration_ms"], float)
    text = server.stderr.read_text(encoding="utf-8")
    assert "hunter2" not in text and "mpd_not_a_real_token" not in text


@pytest.mark.slow
def test_metrics_of_two_workers_are_summed_on_the_loopback_port(
    served: tuple[Served, int],
) -> None:
    server, metrics_port = served
    # new connections (one client that keeps none open): the kernel spreads them over both
    # workers
    with httpx.Client(limits=httpx.Limits(max_keepalive_connections=0)) as client:
        for _ in range(40):
            assert client.get(f"{server.url}/healthz").status_code == 200
        on_web_port = client.get(f"{server.url}/metrics")
        body = client.get(f"http://127.0.0.1:{metrics_port}/metrics").text
    assert on_web_port.status_code == 404  # not served to the public port without a token
    counted = 0.0
    for line in body.splitlines():
        if line.startswith("mpdesk_http_request_duration_seconds_count{") and (
            'route="/healthz"' in line
        ):
            counted += float(line.rsplit(" ", 1)[1])
    # the 40 requests and the start-up probe, whichever worker answered them (the probe
    # waits for a listener with bare connects, which send no request)
    assert counted == 41
