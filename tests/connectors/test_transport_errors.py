"""Recorded answers: retries on 429 and 5xx, typed errors, broken bodies, schema drift."""

from __future__ import annotations

import json
import socket
from datetime import date

import pytest

from mpdesk.adapters.marketplaces.ratelimit import InProcessTokenBucket
from mpdesk.adapters.marketplaces.transport import ApiTransport, RetryPolicy
from mpdesk.adapters.marketplaces.wb import WbClient
from mpdesk.domain.api_errors import (
    ApiBadResponseError,
    ApiForbiddenError,
    ApiNetworkError,
    ApiPaymentRequiredError,
    ApiRateLimitedError,
    ApiRequestRejectedError,
    ApiSchemaDriftError,
    ApiServerError,
    ApiUnauthorizedError,
)
from mpdesk.domain.credentials import WbCredentials
from tests.connectors.conftest import WB_TOKEN, FakeTime
from tests.connectors.spec_server import SpecServer

FINANCE = "/api/finance/v1/sales-reports/detailed"
PERIOD = (date(2026, 11, 2), date(2026, 11, 8))
PROBLEM = {"title": "x", "detail": "bad period", "status": 400}


def fetch(transport: ApiTransport) -> list[object]:
    return [p.data for p in WbClient(transport).realization_detail(*PERIOD)]


def one_row(server: SpecServer, **override: object) -> list[object]:
    row = server.response_example("POST", FINANCE)[0]
    return [{**row, **override}]


def test_429_waits_what_x_ratelimit_retry_says_then_succeeds(
    wb_server: SpecServer, wb_transport: ApiTransport, fake_time: FakeTime
) -> None:
    wb_server.answer("POST", FINANCE, 429, PROBLEM, headers={"X-Ratelimit-Retry": "7"})
    wb_server.answer("POST", FINANCE, 204)
    assert fetch(wb_transport) == [None]
    assert wb_server.violations == []
    # 7 s asked by the server; then the bucket (1 a minute) makes the retry wait out the minute
    assert fake_time.sleeps[0] == 7.0 and sum(fake_time.sleeps) == pytest.approx(60.0)


def test_retry_after_header_is_honoured_when_wb_header_is_absent(
    wb_server: SpecServer, wb_transport: ApiTransport, fake_time: FakeTime
) -> None:
    wb_server.answer("POST", FINANCE, 429, PROBLEM, headers={"Retry-After": "12"})
    wb_server.answer("POST", FINANCE, 204)
    fetch(wb_transport)
    assert fake_time.sleeps[0] == 12.0


def test_429_on_every_attempt_raises_rate_limited_with_the_wait(
    wb_server: SpecServer, wb_transport: ApiTransport
) -> None:
    for _ in range(3):
        wb_server.answer("POST", FINANCE, 429, PROBLEM, headers={"X-Ratelimit-Retry": "5"})
    with pytest.raises(ApiRateLimitedError) as caught:
        fetch(wb_transport)
    assert caught.value.fields == {
        "marketplace": "wb",
        "endpoint": "wb.realization_finance",
        "attempts": 3,
        "retry_after": 5,
    }


def test_429_asking_for_more_than_the_allowed_wait_fails_at_once(
    wb_server: SpecServer, wb_transport: ApiTransport, fake_time: FakeTime
) -> None:
    wb_server.answer("POST", FINANCE, 429, PROBLEM, headers={"X-Ratelimit-Retry": "3600"})
    with pytest.raises(ApiRateLimitedError) as caught:
        fetch(wb_transport)
    assert caught.value.fields["retry_after"] == 3600 and caught.value.fields["attempts"] == 1
    assert len(wb_server.seen) == 1 and fake_time.sleeps == []


def test_a_too_long_wait_after_a_retry_reports_both_attempts(
    wb_server: SpecServer, wb_transport: ApiTransport
) -> None:
    wb_server.answer("POST", FINANCE, 503, raw=b"")
    wb_server.answer("POST", FINANCE, 429, PROBLEM, headers={"Retry-After": "900"})
    with pytest.raises(ApiRateLimitedError) as caught:
        fetch(wb_transport)
    assert caught.value.fields["attempts"] == 2 and caught.value.fields["retry_after"] == 900


def test_5xx_then_success_is_retried_with_backoff(
    wb_server: SpecServer,
    wb_transport: ApiTransport,
    fake_time: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    wb_server.answer("POST", FINANCE, 502, raw=b"<html>bad gateway</html>")
    wb_server.answer("POST", FINANCE, 503, raw=b"")
    wb_server.answer("POST", FINANCE, 204)
    assert fetch(wb_transport) == [None]
    assert len(wb_server.seen) == 3
    backoff, limiter = fake_time.sleeps[0::2], fake_time.sleeps[1::2]
    assert all(0 <= s <= 4.0 for s in backoff)  # jittered backoff, capped by the policy
    # each retry still waits for its slot in the bucket: one request a minute
    assert [b + w for b, w in zip(backoff, limiter, strict=True)] == pytest.approx([60.0, 60.0])
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert retries[0].startswith("wb.realization_finance: http_502 on attempt 1, retrying in")
    assert len(retries) == 2 and all(WB_TOKEN not in r.getMessage() for r in caplog.records)


def test_5xx_on_every_attempt_raises_server_error(
    wb_server: SpecServer, wb_transport: ApiTransport
) -> None:
    for _ in range(3):
        wb_server.answer("POST", FINANCE, 500, raw=b"oops")
    with pytest.raises(ApiServerError) as caught:
        fetch(wb_transport)
    assert caught.value.fields["status"] == 500 and caught.value.fields["attempts"] == 3


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, ApiUnauthorizedError), (402, ApiPaymentRequiredError), (403, ApiForbiddenError)],
)
def test_auth_and_payment_answers_are_not_retried_and_keep_the_token_secret(
    wb_server: SpecServer, wb_transport: ApiTransport, status: int, error: type[Exception]
) -> None:
    wb_server.answer("POST", FINANCE, status, {"title": "unauthorized", "status": status})
    with pytest.raises(error) as caught:
        fetch(wb_transport)
    assert len(wb_server.seen) == 1
    assert WB_TOKEN not in str(caught.value) and WB_TOKEN not in repr(caught.value.fields)
    assert caught.value.fields["endpoint"] == "wb.realization_finance"  # type: ignore[attr-defined]


def test_other_4xx_is_rejected_with_the_marketplace_detail(
    wb_server: SpecServer, wb_transport: ApiTransport
) -> None:
    wb_server.answer("POST", FINANCE, 400, PROBLEM)
    with pytest.raises(ApiRequestRejectedError) as caught:
        fetch(wb_transport)
    assert caught.value.fields["status"] == 400 and caught.value.fields["detail"] == "bad period"


def test_a_truncated_body_is_a_bad_response(
    wb_server: SpecServer, wb_transport: ApiTransport
) -> None:
    whole = json.dumps(one_row(wb_server, rrdId=1)).encode()
    wb_server.answer("POST", FINANCE, 200, raw=whole[: len(whole) // 2])
    with pytest.raises(ApiBadResponseError) as caught:
        fetch(wb_transport)
    assert caught.value.fields["problem"] == "invalid_json"


@pytest.mark.parametrize(
    ("row", "field", "expected"),
    [({"rrdId": None}, "[0].rrdId", "present"), ({"rrdId": "17"}, "[0].rrdId", "integer")],
)
def test_schema_drift_names_the_endpoint_and_the_field(
    wb_server: SpecServer,
    wb_transport: ApiTransport,
    row: dict[str, object],
    field: str,
    expected: str,
) -> None:
    wb_server.answer("POST", FINANCE, 200, one_row(wb_server, **row))
    with pytest.raises(ApiSchemaDriftError) as caught:
        fetch(wb_transport)
    assert caught.value.fields == {
        "marketplace": "wb",
        "endpoint": "wb.realization_finance",
        "field": field,
        "expected": expected,
    }


def test_an_object_where_an_array_is_promised_is_drift(
    wb_server: SpecServer, wb_transport: ApiTransport
) -> None:
    wb_server.answer("POST", FINANCE, 200, {"data": []})
    with pytest.raises(ApiSchemaDriftError) as caught:
        fetch(wb_transport)
    assert caught.value.fields["field"] == "$"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_network_failure_is_retried_then_reported(fake_time: FakeTime) -> None:
    transport = ApiTransport(
        WbCredentials(WB_TOKEN),
        base_url=f"http://127.0.0.1:{_closed_port()}",
        limiter=InProcessTokenBucket(clock=fake_time.clock),
        policy=RetryPolicy(max_attempts=2, backoff_initial_s=0.1, backoff_max_s=0.2),
        sleep=fake_time.sleep,
    )
    with pytest.raises(ApiNetworkError) as caught:
        fetch(transport)
    assert caught.value.fields["problem"] == "ConnectError"
    assert caught.value.fields["attempts"] == 2
    transport.close()
