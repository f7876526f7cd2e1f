"""The contract checker catches requests that leave the spec (so client tests can fail)."""

from __future__ import annotations

import httpx

from tests.connectors.spec_server import SpecServer


def test_wb_requests_off_the_spec_are_reported(wb_server: SpecServer) -> None:
    wb_server.answer("GET", "/api/v5/supplier/reportDetailByPeriod", 204)
    with httpx.Client(base_url=wb_server.url) as client:
        client.get("/api/v5/supplier/reportDetailByPeriod", params={"dateTo": "x", "rrd": 1})
        client.get("/api/v9/unknown")
    problems = "\n".join(wb_server.violations)
    assert "missing query 'dateFrom'" in problems
    assert "undocumented query parameter 'rrd'" in problems
    assert "missing security header 'Authorization'" in problems
    assert "/api/v9/unknown: no such operation" in problems


def test_ozon_requests_off_the_spec_are_reported(ozon_server: SpecServer) -> None:
    ozon_server.answer("POST", "/v3/finance/transaction/list", 200, {})
    with httpx.Client(base_url=ozon_server.url) as client:
        client.post(
            "/v3/finance/transaction/list",
            json={"page": "one", "filter": {"date": {}, "posting_number": "1"}},
            headers={"Client-Id": "1"},
        )
    problems = "\n".join(ozon_server.violations)
    assert "missing header 'Api-Key'" in problems
    assert "'page_size' is a required property" in problems
    assert "'one' is not of type 'integer'" in problems
    assert "is valid under each of" in problems  # the filter's oneOf: date or posting_number
