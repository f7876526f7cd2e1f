"""WB client against the pinned specs: request shapes, paging to the end, resuming."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from mpdesk.adapters.marketplaces.transport import ApiTransport
from mpdesk.adapters.marketplaces.wb import WbClient
from tests.connectors.conftest import FakeTime
from tests.connectors.spec_server import SpecServer

V5 = "/api/v5/supplier/reportDetailByPeriod"
FINANCE = "/api/finance/v1/sales-reports/detailed"
SUPPLIES = "/api/v1/supplies"
GOODS = "/api/v1/supplies/{ID}/goods"
INCOMES = "/api/v1/supplier/incomes"
PERIOD = (date(2026, 11, 2), date(2026, 11, 8))


def rows(server: SpecServer, method: str, path: str, key: str, values: list[Any]) -> list[Any]:
    """Rows built from the spec's response schema, with ``key`` set to each of ``values``."""
    template = server.response_example(method, path)[0]
    return [{**template, key: value} for value in values]


def test_realization_v5_pages_by_rrd_id_until_204(
    wb_server: SpecServer, wb_transport: ApiTransport, fake_time: FakeTime
) -> None:
    first, second = (
        rows(wb_server, "GET", V5, "rrd_id", [11, 12]),
        rows(wb_server, "GET", V5, "rrd_id", [13]),
    )
    wb_server.answer("GET", V5, 200, first)
    wb_server.answer("GET", V5, 200, second)
    wb_server.answer("GET", V5, 204)

    pages = list(WbClient(wb_transport).realization_detail(*PERIOD, api="statistics_v5"))

    assert wb_server.violations == []
    assert [p.status for p in pages] == [200, 200, 204]
    assert [q["rrdid"] for _, _, q, _ in wb_server.seen] == ["0", "12", "13"]
    assert json.loads(pages[0].body) == first and pages[1].data == second
    assert pages[0].cursor is not None and pages[-1].cursor is None
    # documented limit: 1 request a minute, burst 1 -> the client waits a minute between pages
    assert fake_time.sleeps == [60.0, 60.0]


def test_realization_finance_api_pages_by_camel_case_rrd_id_in_the_body(
    wb_server: SpecServer, wb_transport: ApiTransport
) -> None:
    page = rows(wb_server, "POST", FINANCE, "rrdId", [501, 502])
    assert isinstance(page[0]["retailAmount"], str)  # money as strings in the 2026 API
    wb_server.answer("POST", FINANCE, 200, page)
    wb_server.answer("POST", FINANCE, 204)

    pages = list(WbClient(wb_transport).realization_detail(*PERIOD))

    assert wb_server.violations == []
    bodies = [body for _, _, _, body in wb_server.seen]
    assert [b["rrdId"] for b in bodies] == [0, 502]
    assert bodies[0]["dateFrom"] == "2026-11-02" and bodies[0]["dateTo"] == "2026-11-08"
    assert pages[0].data == page and pages[1].data is None


def test_realization_resumes_from_a_saved_cursor(
    wb_server: SpecServer, wb_transport: ApiTransport
) -> None:
    wb_server.answer("GET", V5, 200, rows(wb_server, "GET", V5, "rrd_id", [7]))
    client = WbClient(wb_transport)
    cursor = next(iter(client.realization_detail(*PERIOD, api="statistics_v5"))).cursor
    assert cursor is not None
    saved = json.loads(json.dumps(cursor))  # a job stores it as JSON
    wb_server.answer("GET", V5, 204)

    rest = list(client.realization_detail(*PERIOD, cursor=saved))

    assert wb_server.violations == []
    assert [q["rrdid"] for _, _, q, _ in wb_server.seen] == ["0", "7"]
    assert len(rest) == 1 and rest[0].cursor is None


def test_supplies_page_by_offset_until_a_short_page(
    wb_server: SpecServer, wb_transport: ApiTransport
) -> None:
    full = rows(wb_server, "POST", SUPPLIES, "supplyID", list(range(1000)))
    wb_server.answer("POST", SUPPLIES, 200, full)
    wb_server.answer("POST", SUPPLIES, 200, full[:3])

    pages = list(WbClient(wb_transport).supplies(*PERIOD))

    assert wb_server.violations == []
    assert [q["offset"] for _, _, q, _ in wb_server.seen] == ["0", "1000"]
    assert len(pages) == 2 and pages[-1].cursor is None


def test_supply_goods_ask_for_one_supply_by_path(
    wb_server: SpecServer, wb_transport: ApiTransport
) -> None:
    goods = wb_server.response_example("GET", GOODS)
    wb_server.answer("GET", GOODS, 200, goods)

    pages = list(WbClient(wb_transport).supply_goods(24567891))

    assert wb_server.violations == []
    assert wb_server.seen[0][2] == {"limit": "1000", "offset": "0", "isPreorderID": "false"}
    assert [p.data for p in pages] == [goods]


def test_incomes_page_by_last_change_date_until_empty(
    wb_server: SpecServer, wb_transport: ApiTransport
) -> None:
    changed = ["2026-11-03T10:00:00", "2026-11-04T09:30:00"]
    page = rows(wb_server, "GET", INCOMES, "lastChangeDate", changed)
    wb_server.answer("GET", INCOMES, 200, page)
    wb_server.answer("GET", INCOMES, 200, [])

    pages = list(WbClient(wb_transport).incomes(date(2026, 11, 1)))

    assert wb_server.violations == []
    assert [q["dateFrom"] for _, _, q, _ in wb_server.seen] == ["2026-11-01", "2026-11-04T09:30:00"]
    assert pages[-1].data == [] and pages[-1].cursor is None


@pytest.mark.parametrize(
    ("api", "method", "path"), [("statistics_v5", "GET", V5), ("finance", "POST", FINANCE)]
)
def test_the_token_goes_in_the_authorization_header(
    wb_server: SpecServer, wb_transport: ApiTransport, api: str, method: str, path: str
) -> None:
    wb_server.answer(method, path, 204)
    list(WbClient(wb_transport).realization_detail(*PERIOD, api=api))  # type: ignore[arg-type]
    assert wb_server.violations == []
