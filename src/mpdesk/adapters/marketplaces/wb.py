"""Wildberries seller API: realization detail (two APIs), FBW supplies and their goods, incomes.

Every method yields ``Page`` objects (raw bytes + parsed JSON + cursor) and takes ``cursor`` to
resume. Request shapes and paging rules come from the pinned specs in ``tests/connectors/specs``:

- realization detail, statistics v5 (``wb-2025-12/13-finances.yaml``): GET with ``rrdid``; the
  next call passes ``rrd_id`` of the last row; the end is a 204.
- realization detail, finance API (``wb-2026-08/13-finances.yaml``): POST with ``rrdId`` in the
  body; the next call passes ``rrdId`` of the last row (camelCase rows, money as strings); the end
  is a 204. ``realization_detail`` hides the difference behind one method.
- supplies and supply goods (``wb-2026-08/07-orders-fbw.yaml``): ``limit``/``offset`` (max 1000);
  a page shorter than the limit is the last.
- incomes (``wb-2025-12/12-reports.yaml``, gone from the 2026 files): the next call passes the
  last row's ``lastChangeDate`` as ``dateFrom``; an empty array is the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Literal

from mpdesk.adapters.marketplaces.endpoints import (
    WB_INCOMES,
    WB_PING_FINANCE,
    WB_PING_STATISTICS,
    WB_PING_SUPPLIES,
    WB_REALIZATION_FINANCE,
    WB_REALIZATION_V5,
    WB_SUPPLIES,
    WB_SUPPLY_GOODS,
    Endpoint,
)
from mpdesk.adapters.marketplaces.pages import (
    Cursor,
    Page,
    field_int,
    field_list,
    field_object,
    field_str,
)
from mpdesk.adapters.marketplaces.paging import Call, walk
from mpdesk.adapters.marketplaces.transport import ApiTransport, Reply

RealizationApi = Literal["statistics_v5", "finance"]
SUPPLIES_PAGE = 1000
REALIZATION_PAGE = 100_000


def _last_row(endpoint: Endpoint, reply: Reply) -> dict[str, object] | None:
    rows = field_list(endpoint, reply.data, "$")
    if not rows:
        return None
    return field_object(endpoint, rows[-1], f"[{len(rows) - 1}]")


def _next_by_rrd(call: Call, reply: Reply) -> Call | None:
    if reply.status == 204:
        return None
    last = _last_row(call.endpoint, reply)
    if last is None:
        return None
    rows = len(reply.data)
    if call.endpoint is WB_REALIZATION_V5:
        rrd = field_int(call.endpoint, last, "rrd_id", f"[{rows - 1}]")
        return Call(call.endpoint, params={**(call.params or {}), "rrdid": rrd})
    rrd = field_int(call.endpoint, last, "rrdId", f"[{rows - 1}]")
    return Call(call.endpoint, body={**call.body, "rrdId": rrd})


def _next_by_offset(call: Call, reply: Reply) -> Call | None:
    rows = field_list(call.endpoint, reply.data, "$")
    params = dict(call.params or {})
    if len(rows) < int(params["limit"]):
        return None
    params["offset"] = int(params.get("offset", 0)) + len(rows)
    return Call(call.endpoint, params=params, body=call.body, path=call.path)


def _next_income(call: Call, reply: Reply) -> Call | None:
    last = _last_row(call.endpoint, reply)
    if last is None:
        return None
    rows = len(reply.data)
    changed = field_str(call.endpoint, last, "lastChangeDate", f"[{rows - 1}]")
    if changed == (call.params or {}).get("dateFrom"):
        return None  # every row of a full page shares one timestamp: stop instead of looping
    return Call(call.endpoint, params={"dateFrom": changed})


#: the API categories mpdesk needs, each checked by its own ``/ping`` (01-general.yaml)
PINGS = {"statistics": WB_PING_STATISTICS, "finance": WB_PING_FINANCE, "supplies": WB_PING_SUPPLIES}


class WbClient:
    def __init__(
        self, transport: ApiTransport, realization_api: RealizationApi = "finance"
    ) -> None:
        self._transport = transport
        self._realization_api: RealizationApi = realization_api

    def close(self) -> None:
        self._transport.close()

    def ping(self, category: str) -> None:
        """The connection check of one API category: returns, or raises the API error
        (401 wrong or expired token, 403 the token lacks the category)."""
        self._transport.call(PINGS[category])

    def realization_detail(
        self,
        date_from: date,
        date_to: date,
        *,
        api: RealizationApi | None = None,
        period: Literal["weekly", "daily"] = "weekly",
        cursor: Cursor | None = None,
    ) -> Iterator[Page]:
        """Realization report rows, from either API (``api``, else the client's own choice);
        the last page is the 204 (no data)."""
        api = api or self._realization_api
        if cursor is not None:
            api = "statistics_v5" if cursor.get("endpoint") == WB_REALIZATION_V5.id else "finance"
        dates = {"dateFrom": date_from.isoformat(), "dateTo": date_to.isoformat()}
        common = {**dates, "limit": REALIZATION_PAGE, "period": period}
        if api == "statistics_v5":
            first = Call(WB_REALIZATION_V5, params={**common, "rrdid": 0})
        else:
            first = Call(WB_REALIZATION_FINANCE, body={**common, "rrdId": 0})
        return walk(self._transport, first, _next_by_rrd, cursor)

    def supplies(
        self, date_from: date, date_to: date, *, cursor: Cursor | None = None
    ) -> Iterator[Page]:
        """FBW supplies created in the period."""
        body = {
            "dates": [
                {"from": date_from.isoformat(), "till": date_to.isoformat(), "type": "createDate"}
            ]
        }
        first = Call(WB_SUPPLIES, params={"limit": SUPPLIES_PAGE, "offset": 0}, body=body)
        return walk(self._transport, first, _next_by_offset, cursor)

    def supply_goods(
        self, supply_id: int, *, is_preorder_id: bool = False, cursor: Cursor | None = None
    ) -> Iterator[Page]:
        """Goods of one supply (or of a preorder when ``is_preorder_id``)."""
        params = {"limit": SUPPLIES_PAGE, "offset": 0, "isPreorderID": is_preorder_id}
        first = Call(WB_SUPPLY_GOODS, params=params, path={"ID": supply_id})
        return walk(self._transport, first, _next_by_offset, cursor)

    def incomes(self, date_from: date, *, cursor: Cursor | None = None) -> Iterator[Page]:
        """Incomes changed since ``date_from`` (statistics API; missing from the 2026 specs)."""
        first = Call(WB_INCOMES, params={"dateFrom": date_from.isoformat()})
        return walk(self._transport, first, _next_income, cursor)
