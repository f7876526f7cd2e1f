"""``mpdesk serve`` as the operator runs it: JSON log lines and metrics of several workers."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from tests.servers import free_port, mpdesk_serve

TOKEN = "metrics-token-for-tests"


def _env(home: Path, **extra: str) -> dict[str, str]:
    return {
        "MPDESK_HOME": str(home),
        "MPDESK_DATABASE_URL": f"sqlite:///{home / 'mpdesk.db'}",
        "MPDESK_REMIND_IN_SERVER": "false",
        "MPDESK_SECRET_KEY": "a-shared-secret-of-the-servers-0123456789",
        **extra,
    }


@pytest.mark.slow
def test_json_logs_have_one_line_per_request_with_its_id(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = _env(home, MPDESK_LOG_FORMAT="json", MPDESK_LOG_LEVEL="info")
    with mpdesk_serve(env, tmp_path / "logs") as served:
        answer = httpx.get(
            f"{served.url}/api/v1/tickets/7?secret=hunter2",
            headers={"X-Request-ID": "req-42", "Authorization": "Bearer mpd_not_a_real_token"},
        )
        assert answer.status_code == 401
        assert answer.headers["x-request-id"] == "req-42"
    lines = [json.loads(line) for line in served.log_lines() if line.startswith("{")]
    mine = [line for line in lines if line.get("request_id") == "req-42"]
    assert len(mine) == 1
    assert mine[0]["route"] == "/api/v1/tickets/{ticket_id}"
    assert mine[0]["status"] == 401 and mine[0]["method"] == "GET"
    assert isinstance(mine[0]["duration_ms"], float)
    text = served.stderr.read_text(encoding="utf-8")
    assert "hunter2" not in text and "mpd_not_a_real_token" not in text


@pytest.mark.slow
def test_metrics_of_two_workers_are_summed_on_the_loopback_port(tmp_path: Path) -> None:
    home = tmp_path / "home"
    metrics_port = free_port()
    env = _env(home, MPDESK_METRICS="true", MPDESK_METRICS_PORT=str(metrics_port))
    with mpdesk_serve(env, tmp_path / "logs", "--workers", "2") as served:
        for _ in range(40):  # new connections: the kernel spreads them over both workers
            with httpx.Client() as client:
                assert client.get(f"{served.url}/healthz").status_code == 200
        on_web_port = httpx.get(f"{served.url}/metrics")
        body = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics").text
    assert on_web_port.status_code == 404  # not served to the public port without a token
    counted = 0.0
    for line in body.splitlines():
        if line.startswith("mpdesk_http_request_duration_seconds_count{") and (
            'route="/healthz"' in line
        ):
            counted += float(line.rsplit(" ", 1)[1])
    # the 40 requests and the one start-up probe that got an answer, whichever worker
    # answered them (the other probes found no listener yet)
    assert counted == 41
