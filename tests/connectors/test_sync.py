"""``sync_shop`` against the spec-checking loopback server, on SQLite and PostgreSQL: pages to
the end, a second sync adds nothing, an interrupted sync resumes without losing or duplicating
a row, and the findings cite the pulled files."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from mpdesk.adapters.db.tables_sync import sync_files
from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER
from mpdesk.domain.api_errors import ApiServerError
from mpdesk.domain.connections import SyncOutcome
from mpdesk.domain.credentials import OzonCredentials, WbCredentials
from mpdesk.domain.errors import MpdeskError
from mpdesk.services.audit import audit_ports
from mpdesk.services.connections import connect_shop
from mpdesk.services.ports.audit import FindingFilter
from mpdesk.services.sync import last_sync, sync_shop
from tests.connectors.conftest import OZON_KEY, wb_token
from tests.connectors.spec_server import SpecServer
from tests.connectors.test_ozon_reports import queue_report

FINANCE = "/api/finance/v1/sales-reports/detailed"
INCOMES = "/api/v1/supplier/incomes"
SUPPLIES = "/api/v1/supplies"
GOODS = "/api/v1/supplies/{ID}/goods"
SUPPLY = 24567891
OK = {"TS": "2026-11-20T07:00:00Z", "Status": "OK"}


def connect_wb(app: App, market: SpecServer) -> int:
    for _ in range(3):
        market.answer("GET", "/ping", 200, OK)
    status = connect_shop(app.ctx, LOCAL_OWNER, "Мой ВБ", WbCredentials(wb_token(1_799_999_999)))
    market.seen.clear()
    return status.shop.id


def realization_rows(market: SpecServer, ids: Sequence[int]) -> list[dict[str, Any]]:
    row = market.response_example("POST", FINANCE)[0]
    return [{**row, "rrdId": i} for i in ids]


def queue_realization(market: SpecServer) -> None:
    market.answer("POST", FINANCE, 200, realization_rows(market, [501, 502]))
    market.answer("POST", FINANCE, 204)


def queue_rest(market: SpecServer) -> None:
    """Incomes, supplies and the supply's goods: 10 declared, 8 accepted."""
    income = market.response_example("GET", INCOMES)[0]
    market.answer("GET", INCOMES, 200, [{**income, "lastChangeDate": "2026-11-04T09:30:00"}])
    market.answer("GET", INCOMES, 200, [])
    supply = market.response_example("POST", SUPPLIES)[0]
    accepted = {"supplyID": SUPPLY, "statusID": 5, "factDate": "2026-11-10T10:00:00+03:00"}
    market.answer("POST", SUPPLIES, 200, [{**supply, **accepted}])
    good = market.response_example("GET", GOODS)[0]
    market.answer("GET", GOODS, 200, [{**good, "quantity": 10, "acceptedQuantity": 8}])


def files_of(app: App, shop_id: int) -> list[Any]:
    assert app.engine is not None
    with app.engine.connect() as conn:
        query = select(sync_files).where(sync_files.c.shop_id == shop_id)
        return list(conn.execute(query.order_by(sync_files.c.id)))


def findings_of(app: App, shop_id: int) -> list[Any]:
    with audit_ports(app.ctx).uow() as uow:
        return uow.audits.list(FindingFilter(shop_id=shop_id))


def unanswered(market: SpecServer) -> list[str]:
    return [v for v in market.violations if "no answer queued" in v]


def test_a_wb_sync_pages_to_the_end_and_the_findings_cite_the_pulled_file(
    market_app: App, market: SpecServer
) -> None:
    shop_id = connect_wb(market_app, market)
    queue_realization(market)
    queue_rest(market)

    result = sync_shop(market_app.ctx, shop_id)

    assert market.violations == []
    assert result.ok and result.streams == {"wb.realization": 2, "wb.incomes": 1, "wb.supplies": 2}
    assert [b["rrdId"] for m, _, _, b in market.seen if m == "POST" and "rrdId" in (b or {})] == [
        0,
        502,
    ]
    files = files_of(market_app, shop_id)
    assert sorted(f.stream for f in files) == ["wb.incomes", "wb.realization"] + ["wb.supplies"] * 2
    assert all(f.audited_at is not None for f in files)
    (finding,) = [
        f for f in findings_of(market_app, shop_id) if f.finding.kind == "acceptance_shortfall"
    ]
    cited = {(e.ref.file, e.ref.sha256) for e in finding.finding.evidence}
    assert cited <= {(f.name, f.sha256) for f in files} and cited
    run = last_sync(market_app.ctx, shop_id)
    assert run is not None and run.outcome is SyncOutcome.OK and run.finished_at is not None
    assert (run.pages, run.new_files, run.rows) == (5, 4, 5)
    assert run.findings_added == len(findings_of(market_app, shop_id)) >= 1


def test_a_second_sync_adds_nothing(market_app: App, market: SpecServer) -> None:
    shop_id = connect_wb(market_app, market)
    queue_realization(market)
    queue_rest(market)
    first = sync_shop(market_app.ctx, shop_id)
    before = (files_of(market_app, shop_id), findings_of(market_app, shop_id))

    again = sync_shop(market_app.ctx, shop_id)  # the windows were pulled to their ends
    assert again.ok and again.run.pages == 0 and market.violations == []

    market.seen.clear()
    queue_realization(market)
    queue_rest(market)  # the same window asked again answers the same pages
    since = first.run.started_at.replace(day=first.run.started_at.day - 1)
    repeat = sync_shop(market_app.ctx, shop_id, since=since)

    assert market.violations == [] and repeat.run.pages == 5
    assert (repeat.run.new_files, repeat.run.findings_added, repeat.run.findings_updated) == (
        0,
        0,
        0,
    )
    assert (files_of(market_app, shop_id), findings_of(market_app, shop_id)) == before


def test_an_interrupted_sync_resumes_without_losing_or_duplicating_rows(
    market_app: App, market: SpecServer
) -> None:
    shop_id = connect_wb(market_app, market)
    market.answer("POST", FINANCE, 200, realization_rows(market, [501, 502]))
    market.answer("POST", FINANCE, 503)
    market.answer("POST", FINANCE, 503)  # every attempt of the second page fails

    with pytest.raises(ApiServerError):
        sync_shop(market_app.ctx, shop_id)
    failed = last_sync(market_app.ctx, shop_id)
    assert failed is not None and failed.outcome is SyncOutcome.FAILED
    assert failed.error_code == "api_server_error" and failed.pages == 1
    assert "503" in market_app.ctx.message(failed.error_code, **failed.error_fields)
    assert [f.stream for f in files_of(market_app, shop_id)] == ["wb.realization"]

    market.answer("POST", FINANCE, 204)
    queue_rest(market)
    resumed = sync_shop(market_app.ctx, shop_id)

    assert resumed.ok and market.violations == []
    bodies = [b["rrdId"] for m, _, _, b in market.seen if m == "POST" and "rrdId" in (b or {})]
    assert bodies == [0, 502, 502, 502]  # resumed at the page that failed, not from the start
    files = files_of(market_app, shop_id)
    assert len(files) == 4 and len({f.sha256 for f in files}) == 4
    assert sum(f.rows for f in files if f.stream == "wb.realization") == 2


class FailingStore:
    """The evidence store, failing once at the ``fail_at``-th put: a crash inside a page."""

    def __init__(self, inner: Any, fail_at: int) -> None:
        self.inner, self.puts, self.fail_at = inner, 0, fail_at

    def put_bytes(self, data: bytes, filename: str) -> Any:
        self.puts += 1
        if self.puts == self.fail_at:
            raise RuntimeError("killed mid-page")
        return self.inner.put_bytes(data, filename)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_crash_inside_a_page_fetches_that_page_again_and_keeps_it_once(
    market_app: App, market: SpecServer
) -> None:
    shop_id = connect_wb(market_app, market)
    queue_realization(market)
    queue_rest(market)
    store = market_app.ctx.files
    market_app.ctx.files = FailingStore(store, fail_at=4)  # the supply's goods, after its list

    with pytest.raises(RuntimeError):
        sync_shop(market_app.ctx, shop_id)
    failed = last_sync(market_app.ctx, shop_id)
    assert failed is not None and failed.error_code == "internal_error"
    assert sorted(f.stream for f in files_of(market_app, shop_id)) == [
        "wb.incomes",
        "wb.realization",
    ]

    market_app.ctx.files = store
    supply = market.response_example("POST", SUPPLIES)[0]
    accepted = {"supplyID": SUPPLY, "statusID": 5, "factDate": "2026-11-10T10:00:00+03:00"}
    market.answer("POST", SUPPLIES, 200, [{**supply, **accepted}])
    good = market.response_example("GET", GOODS)[0]
    market.answer("GET", GOODS, 200, [{**good, "quantity": 10, "acceptedQuantity": 8}])
    resumed = sync_shop(market_app.ctx, shop_id)

    assert resumed.ok and market.violations == []
    assert resumed.streams == {"wb.realization": 0, "wb.incomes": 0, "wb.supplies": 2}
    files = files_of(market_app, shop_id)
    assert sorted(f.stream for f in files) == ["wb.incomes", "wb.realization"] + ["wb.supplies"] * 2
    kinds = [f.finding.kind for f in findings_of(market_app, shop_id)]
    assert kinds.count("acceptance_shortfall") == 1


def test_an_ozon_sync_pulls_transactions_supply_orders_and_postings_by_month(
    market_app: App, market: SpecServer
) -> None:
    market.answer("POST", "/v3/finance/transaction/list", 200, transactions(market))
    status = connect_shop(market_app.ctx, LOCAL_OWNER, "Озон", OzonCredentials("123456", OZON_KEY))
    market.seen.clear()
    for _ in range(2):  # the first 30 days back from midnight, then the rest of today
        market.answer("POST", "/v3/finance/transaction/list", 200, transactions(market))
    market.answer(
        "POST", "/v2/supply-order/list", 200, {"supply_order_id": ["7"], "last_supply_order_id": 7}
    )
    market.answer(
        "POST", "/v2/supply-order/get", 200, market.response_example("POST", "/v2/supply-order/get")
    )
    market.answer(
        "POST", "/v2/supply-order/list", 200, {"supply_order_id": [], "last_supply_order_id": 7}
    )
    for _ in range(2):
        market.answer(
            "POST",
            "/v2/posting/fbo/list",
            200,
            market.response_example("POST", "/v2/posting/fbo/list"),
        )
    fbs = market.response_example("POST", "/v3/posting/fbs/list")
    fbs["result"]["has_next"] = False
    for _ in range(2):
        market.answer("POST", "/v3/posting/fbs/list", 200, fbs)
    # the window 2026-10-21..2026-11-20 has one closed month: October's reports
    comp = queue_report(market, "/v1/finance/compensation", "2026-10", ["processing", "success"])
    decomp = queue_report(market, "/v1/finance/decompensation", "2026-10", ["success"])

    result = sync_shop(market_app.ctx, status.shop.id)

    assert market.violations == [] and result.ok
    windows = [
        b["filter"]["date"] for m, p, _, b in market.seen if p == "/v3/finance/transaction/list"
    ]
    assert [(w["from"], w["to"]) for w in windows] == [  # Moscow midnights, in UTC
        ("2026-10-20T21:00:00Z", "2026-11-19T21:00:00Z"),
        ("2026-11-19T21:00:00Z", "2026-11-20T07:00:00Z"),
    ]
    streams = {f.stream for f in files_of(market_app, status.shop.id)}
    assert streams == {
        "ozon.transactions",
        "ozon.supply_orders",
        "ozon.fbo_postings",
        "ozon.fbs_postings",
        "ozon.compensation",
        "ozon.decompensation",
    }
    reports = [f for f in files_of(market_app, status.shop.id) if "compensation" in f.stream]
    assert sorted(f.name.rsplit(".", 1)[1] for f in reports) == ["xlsx", "xlsx"]
    kept = {market_app.ctx.files.open(f.sha256).read() for f in reports}
    assert kept == {comp, decomp}
    asked = [b["date"] for _, p, _, b in market.seen if p.endswith("compensation")]
    assert asked == ["2026-10", "2026-10"]


def test_a_monthly_report_stream_resumes_at_the_month_it_stopped(
    market_app: App, market: SpecServer
) -> None:
    market.answer("POST", "/v3/finance/transaction/list", 200, transactions(market))
    status = connect_shop(market_app.ctx, LOCAL_OWNER, "Озон", OzonCredentials("123456", OZON_KEY))
    shop_id = status.shop.id
    since = datetime.fromisoformat("2026-08-15T00:00:00+03:00")
    queue_ozon_lists(market)
    queue_report(market, "/v1/finance/compensation", "2026-08", ["success"])
    market.answer("POST", "/v1/finance/compensation", 500, {"message": "down"})
    market.answer("POST", "/v1/finance/compensation", 500, {"message": "down"})

    with pytest.raises(ApiServerError):
        sync_shop(market_app.ctx, shop_id, since=since)
    assert [f.stream for f in files_of(market_app, shop_id)].count("ozon.compensation") == 1

    market.seen.clear()
    for month in ("2026-09", "2026-10"):
        queue_report(market, "/v1/finance/compensation", month, ["success"])
    # never run before, without ``since``: from ``first_days`` back (2026-10-21), October only
    queue_report(market, "/v1/finance/decompensation", "2026-10", ["success"])
    resumed = sync_shop(market_app.ctx, shop_id)

    assert resumed.ok and market.violations == [] and unanswered(market) == []
    asked = [b["date"] for _, p, _, b in market.seen if p == "/v1/finance/compensation"]
    assert asked == ["2026-09", "2026-10"]  # August is not asked again
    streams = [f.stream for f in files_of(market_app, shop_id)]
    assert streams.count("ozon.compensation") == 3 and streams.count("ozon.decompensation") == 1


def queue_ozon_lists(market: SpecServer) -> None:
    """Empty answers of the listing streams for one window."""
    empty = transactions(market)
    empty["result"]["operations"] = []
    for _ in range(4):
        market.answer("POST", "/v3/finance/transaction/list", 200, empty)
    market.answer("POST", "/v2/supply-order/list", 200, {"supply_order_id": []})
    for _ in range(4):
        market.answer("POST", "/v2/posting/fbo/list", 200, {"result": []})
    for _ in range(4):
        market.answer(
            "POST", "/v3/posting/fbs/list", 200, {"result": {"postings": [], "has_next": False}}
        )


def transactions(market: SpecServer) -> dict[str, Any]:
    answer = market.response_example("POST", "/v3/finance/transaction/list")
    answer["result"]["page_count"] = 1
    return answer


def test_the_since_moment_starts_the_first_window(market_app: App, market: SpecServer) -> None:
    shop_id = connect_wb(market_app, market)
    queue_realization(market)
    queue_rest(market)
    sync_shop(market_app.ctx, shop_id, since=datetime.fromisoformat("2026-11-01T00:00:00+03:00"))
    first = next(b for m, p, _, b in market.seen if p == FINANCE)
    assert (first["dateFrom"], first["dateTo"]) == ("2026-11-01", "2026-11-20")


def test_a_method_gone_or_a_category_missing_skips_that_stream_only(
    market_app: App, market: SpecServer
) -> None:
    shop_id = connect_wb(market_app, market)
    queue_realization(market)
    market.answer("GET", INCOMES, 404, {"title": "not found"})
    market.answer("POST", SUPPLIES, 403, {"title": "token scope not allowed"})

    result = sync_shop(market_app.ctx, shop_id)

    assert result.ok and market.violations == []
    assert result.skipped == {"wb.incomes": "api_request_rejected", "wb.supplies": "api_forbidden"}
    assert [f.stream for f in files_of(market_app, shop_id)] == ["wb.realization"]


def test_another_rejected_request_still_fails_the_sync(market_app: App, market: SpecServer) -> None:
    shop_id = connect_wb(market_app, market)
    queue_realization(market)
    market.answer("GET", INCOMES, 400, {"title": "bad dateFrom"})

    with pytest.raises(MpdeskError):
        sync_shop(market_app.ctx, shop_id)
    failed = last_sync(market_app.ctx, shop_id)
    assert failed is not None and failed.error_code == "api_request_rejected"
