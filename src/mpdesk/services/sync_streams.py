"""What a sync pulls from each marketplace: one *stream* per listing, and the evidence files
each answer page becomes.

A stream opens its listing for a window given in the installation's time zone (WB takes its
dates, Ozon the UTC instants), or resumes it from a saved cursor, and turns every
page into zero or more files: the page's bytes as received, except where the audit reader
needs another shape — a WB supply's goods are stored as ``{"supplyID", "goods"}`` (the shape
``adapters/importers/wb/supply_goods.py`` reads), all pages of one supply in one file. Pages
without rows (WB's closing 204, an empty list) make no file. Each file says whether the audit
reads it (realization detail, incomes, supply goods, Ozon transactions); the others (lists of
supplies, supply orders, postings) are kept for appeal prefill, and so are Ozon's monthly
compensation and decompensation reports (XLSX, one file a closed month: no reader of their
layout yet).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from mpdesk.services.ports.marketplaces import ApiPage, Cursor, OzonApi, WbApi


@dataclass(frozen=True)
class PageFile:
    body: bytes
    rows: int
    audit: bool  # the audit reads it
    suffix: str = ".json"  # how the stored file's name ends


Pull = Callable[[Any, datetime, datetime, Cursor | None], Iterator[ApiPage]]
Files = Callable[[Any, ApiPage], list[PageFile]]


@dataclass(frozen=True)
class Stream:
    id: str
    pull: Pull
    files: Files
    window_days: int | None = None  # the longest window one listing may ask for


def _utc(moment: datetime) -> datetime:
    """Ozon's filters take UTC instants (the client writes them with ``Z``)."""
    return moment.astimezone(UTC)


def _dig(data: Any, *path: str) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def count_rows(data: Any, *path: str) -> int:
    found = _dig(data, *path)
    return len(found) if isinstance(found, list) else 0


def _as_is(*path: str, audit: bool = True) -> Files:
    def files(_api: Any, page: ApiPage) -> list[PageFile]:
        rows = count_rows(page.data, *path)
        return [PageFile(page.body, rows, audit)] if rows and page.body else []

    return files


def _closed_months(start: datetime, end: datetime) -> tuple[str, str]:
    """The months of a window whose monthly reports exist: from the window's first month to
    the one before the month it ends in (a month's report is made after the month)."""
    last = end.replace(day=1) - timedelta(days=1)
    return f"{start.year:04d}-{start.month:02d}", f"{last.year:04d}-{last.month:02d}"  # API dates


def _report_file(_api: Any, page: ApiPage) -> list[PageFile]:
    """A monthly report as downloaded (XLSX), read by the audit (``ozon/compensation.py``)."""
    return [PageFile(page.body, 1, True, ".xlsx")] if page.body else []


def _wb_supplies_and_goods(api: WbApi, page: ApiPage) -> list[PageFile]:
    """The supplies page as received, then each supply's goods wrapped for the reader."""
    found = _as_is(audit=False)(api, page)
    for supply in page.data if isinstance(page.data, list) else []:
        supply_id = supply.get("supplyID") if isinstance(supply, dict) else None
        if not isinstance(supply_id, int) or isinstance(supply_id, bool):
            continue  # a preorder not yet a supply: no goods to compare
        goods: list[Any] = []
        for part in api.supply_goods(supply_id):
            goods.extend(part.data if isinstance(part.data, list) else [])
        if goods:  # status and shipment date of the supply tell the audit it was accepted
            wrapper = {k: supply[k] for k in ("statusID", "factDate") if supply.get(k) is not None}
            body = json.dumps(
                {"supplyID": supply_id, **wrapper, "goods": goods}, ensure_ascii=False
            )
            found.append(PageFile(body.encode("utf-8"), len(goods), True))
    return found


def _ozon_supply_orders(api: OzonApi, page: ApiPage) -> list[PageFile]:
    """The page of supply order ids, then those orders themselves (one more request)."""
    found = _as_is("supply_order_id", audit=False)(api, page)
    ids = _dig(page.data, "supply_order_id")
    if isinstance(ids, list) and ids:
        orders = api.supply_orders(ids)
        found += _as_is("orders", audit=False)(api, orders)
    return found


WB_STREAMS = (
    Stream(
        "wb.realization",
        lambda api, start, end, cursor: api.realization_detail(
            start.date(), end.date(), cursor=cursor
        ),
        _as_is(),
    ),
    Stream(
        "wb.incomes",
        lambda api, start, _end, cursor: api.incomes(start.date(), cursor=cursor),
        _as_is(),
    ),
    Stream(
        "wb.supplies",
        lambda api, start, end, cursor: api.supplies(start.date(), end.date(), cursor=cursor),
        _wb_supplies_and_goods,
    ),
)

OZON_STREAMS = (
    Stream(
        "ozon.transactions",
        lambda api, start, end, cursor: api.finance_transactions(
            _utc(start), _utc(end), cursor=cursor
        ),
        _as_is("result", "operations"),
        window_days=30,  # the spec allows at most one month per request
    ),
    Stream(
        "ozon.supply_orders",
        lambda api, _start, _end, cursor: api.supply_order_ids(cursor=cursor),
        _ozon_supply_orders,
    ),
    Stream(
        "ozon.fbo_postings",
        lambda api, start, end, cursor: api.fbo_postings(_utc(start), _utc(end), cursor=cursor),
        _as_is("result", audit=False),
        window_days=30,
    ),
    Stream(
        "ozon.fbs_postings",
        lambda api, start, end, cursor: api.fbs_postings(_utc(start), _utc(end), cursor=cursor),
        _as_is("result", "postings", audit=False),
        window_days=30,
    ),
    Stream(
        "ozon.compensation",
        lambda api, start, end, cursor: api.compensation_reports(
            *_closed_months(start, end), cursor=cursor
        ),
        _report_file,
    ),
    Stream(
        "ozon.decompensation",
        lambda api, start, end, cursor: api.decompensation_reports(
            *_closed_months(start, end), cursor=cursor
        ),
        _report_file,
    ),
)

STREAMS = {"wb": WB_STREAMS, "ozon": OZON_STREAMS}
