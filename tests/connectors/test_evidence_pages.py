"""Pages as the clients return them are evidence files the audit readers accept as they are."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mpdesk.adapters.importers.reader import FileReportReader
from mpdesk.adapters.marketplaces.ozon import OzonClient
from mpdesk.adapters.marketplaces.pages import Page
from mpdesk.adapters.marketplaces.transport import ApiTransport
from mpdesk.adapters.marketplaces.wb import WbClient
from mpdesk.domain.audit.report import ReportKind
from tests.connectors.spec_server import SpecServer

PERIOD = (date(2026, 11, 2), date(2026, 11, 8))


def read_back(page: Page, tmp_path: Path) -> tuple[ReportKind | None, int]:
    path = tmp_path / f"{page.endpoint}.json"
    path.write_bytes(page.body)
    report = FileReportReader().read([path]).files[0]
    assert report.usable, report.problem
    return report.kind, report.rows


@pytest.mark.parametrize(
    ("api", "method", "path"),
    [
        ("statistics_v5", "GET", "/api/v5/supplier/reportDetailByPeriod"),
        ("finance", "POST", "/api/finance/v1/sales-reports/detailed"),
    ],
)
def test_realization_pages_read_as_a_realization_detail(
    wb_server: SpecServer,
    wb_transport: ApiTransport,
    tmp_path: Path,
    api: str,
    method: str,
    path: str,
) -> None:
    wb_server.answer(method, path, 200, wb_server.response_example(method, path) * 3)
    wb_server.answer(method, path, 204)
    pages = WbClient(wb_transport).realization_detail(*PERIOD, api=api)  # type: ignore[arg-type]
    assert read_back(next(iter(pages)), tmp_path) == (ReportKind.WB_REALIZATION_DETAIL, 3)


def test_incomes_page_reads_as_incomes(
    wb_server: SpecServer, wb_transport: ApiTransport, tmp_path: Path
) -> None:
    path = "/api/v1/supplier/incomes"
    wb_server.answer("GET", path, 200, wb_server.response_example("GET", path))
    page = next(iter(WbClient(wb_transport).incomes(PERIOD[0])))
    assert read_back(page, tmp_path) == (ReportKind.WB_INCOMES, 1)


def test_supply_goods_page_reads_once_wrapped_with_its_supply_id(
    wb_server: SpecServer, wb_transport: ApiTransport, tmp_path: Path
) -> None:
    """The API answers a bare list of goods; the reader wants ``{"supplyID", "goods"}`` (the
    shape of adapters/importers/wb/supply_goods.py), so the sync must wrap this one."""
    path = "/api/v1/supplies/{ID}/goods"
    wb_server.answer("GET", path, 200, wb_server.response_example("GET", path) * 2)
    page = next(iter(WbClient(wb_transport).supply_goods(24567891)))
    bare = tmp_path / "bare.json"
    bare.write_bytes(page.body)
    assert not FileReportReader().read([bare]).files[0].usable
    wrapped = {"supplyID": 24567891, "goods": page.data}
    evidence = Page(
        page.endpoint, page.status, page.request, json.dumps(wrapped).encode(), wrapped, None
    )
    assert read_back(evidence, tmp_path) == (ReportKind.WB_SUPPLY_GOODS, 2)


def test_ozon_transactions_page_reads_as_transactions(
    ozon_server: SpecServer, ozon_transport: ApiTransport, tmp_path: Path
) -> None:
    path = "/v3/finance/transaction/list"
    answer = ozon_server.response_example("POST", path)
    answer["result"]["page_count"] = 1
    ozon_server.answer("POST", path, 200, answer)
    since = datetime(2026, 11, 1, tzinfo=UTC)
    page = next(iter(OzonClient(ozon_transport).finance_transactions(since, since)))
    kind, rows = read_back(page, tmp_path)
    assert kind == ReportKind.OZON_TRANSACTIONS and rows == len(answer["result"]["operations"])
