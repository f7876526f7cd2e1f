"""Ozon Seller API: finance transactions, supply orders, FBO and FBS postings.

Every listing yields ``Page`` objects and takes ``cursor`` to resume. Request shapes and paging
rules follow the pinned ``ozon-2025-08/swagger.json`` (``tests/connectors/specs``):

- ``/v3/finance/transaction/list``: ``page`` from 1 to ``result.page_count``.
- ``/v2/supply-order/list``: ``paging.from_supply_order_id`` = the previous
  ``last_supply_order_id``, up to 100 ids a page; an empty page is the end.
  ``/v2/supply-order/get`` returns the orders for a list of ids.
- ``/v2/posting/fbo/list``: ``limit``/``offset`` (max 1000); a short page is the last.
- ``/v3/posting/fbs/list``: ``limit``/``offset``; ``result.has_next`` says whether more follow.
- ``/v3/chat/list``: ``cursor`` from the previous answer while ``has_next`` (the spec types it
  boolean, its example sends the string "true": both are read).
- ``/v3/chat/history``: without ``from_message_id`` the answer starts at the last visible
  message (the spec), so a first read goes ``Backward`` from there to the oldest; a later one
  goes ``Forward`` from the last message read. While ``has_next`` the next call starts at the
  page's last message id, which the answer repeats (message ids are uint64, sent as integers
  and answered as integers or, in the spec's example, strings).
- ``/v1/finance/compensation``, ``/v1/finance/decompensation``: one report a month, made on
  request and fetched through ``/v1/report/info`` (``ozon_reports.py``).
- ``/v3/posting/fbs/get``, ``/v2/posting/fbo/get``: one posting by its number; the number does
  not say its scheme, so FBS is asked first and FBO after a 400/404.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from mpdesk.adapters.marketplaces.endpoints import (
    OZON_CHAT_HISTORY,
    OZON_CHAT_LIST,
    OZON_COMPENSATION,
    OZON_DECOMPENSATION,
    OZON_FBO_POSTING_GET,
    OZON_FBO_POSTINGS,
    OZON_FBS_POSTING_GET,
    OZON_FBS_POSTINGS,
    OZON_SUPPLY_ORDER_GET,
    OZON_SUPPLY_ORDER_LIST,
    OZON_TRANSACTIONS,
    Endpoint,
)
from mpdesk.adapters.marketplaces.ozon_reports import monthly_reports
from mpdesk.adapters.marketplaces.pages import (
    Cursor,
    Page,
    field_bool,
    field_int,
    field_list,
    field_object,
)
from mpdesk.adapters.marketplaces.paging import Call, walk
from mpdesk.adapters.marketplaces.transport import ApiTransport, Reply
from mpdesk.domain.api_errors import ApiRequestRejectedError, ApiSchemaDriftError

PAGE_SIZE = 1000
CHAT_PAGE = 100
CHAT_HISTORY_PAGE = 1000
SUPPLY_ORDER_PAGE = 100
#: the states listed in GetSupplyOrdersListRequestFilter of the pinned spec
SUPPLY_ORDER_STATES = (
    "ORDER_STATE_DATA_FILLING",
    "ORDER_STATE_READY_TO_SUPPLY",
    "ORDER_STATE_ACCEPTED_AT_SUPPLY_WAREHOUSE",
    "ORDER_STATE_IN_TRANSIT",
    "ORDER_STATE_ACCEPTANCE_AT_STORAGE_WAREHOUSE",
    "ORDER_STATE_REPORTS_CONFIRMATION_AWAITING",
    "ORDER_STATE_REPORT_REJECTED",
    "ORDER_STATE_COMPLETED",
    "ORDER_STATE_REJECTED_AT_SUPPLY_WAREHOUSE",
    "ORDER_STATE_CANCELLED",
)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _next_transactions(call: Call, reply: Reply) -> Call | None:
    ep = call.endpoint
    result = field_object(ep, field_object(ep, reply.data, "$").get("result"), "result")
    page_count = field_int(ep, result, "page_count", "result")
    field_list(ep, result.get("operations"), "result.operations")
    if call.body["page"] >= page_count:
        return None
    return Call(ep, body={**call.body, "page": call.body["page"] + 1})


def _next_supply_orders(call: Call, reply: Reply) -> Call | None:
    ep = call.endpoint
    data = field_object(ep, reply.data, "$")
    ids = field_list(ep, data.get("supply_order_id"), "supply_order_id")
    if not ids:
        return None
    last = field_int(ep, data, "last_supply_order_id")
    if last == call.body["paging"].get("from_supply_order_id"):
        return None
    paging = {**call.body["paging"], "from_supply_order_id": last}
    return Call(ep, body={**call.body, "paging": paging})


def _next_fbo(call: Call, reply: Reply) -> Call | None:
    ep = call.endpoint
    rows = field_list(ep, field_object(ep, reply.data, "$").get("result"), "result")
    if len(rows) < call.body["limit"]:
        return None
    return Call(ep, body={**call.body, "offset": call.body["offset"] + len(rows)})


def _next_fbs(call: Call, reply: Reply) -> Call | None:
    ep = call.endpoint
    result = field_object(ep, field_object(ep, reply.data, "$").get("result"), "result")
    postings = field_list(ep, result.get("postings"), "result.postings")
    if not field_bool(ep, result, "has_next", "result"):
        return None
    return Call(ep, body={**call.body, "offset": call.body["offset"] + len(postings)})


def _flag(call: Call, data: dict[str, object], name: str) -> bool:
    value = data.get(name, False)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if not isinstance(value, bool):
        ep = call.endpoint
        raise ApiSchemaDriftError(ep.marketplace, ep.id, name, "boolean")
    return value


def _next_chats(call: Call, reply: Reply) -> Call | None:
    ep = call.endpoint
    data = field_object(ep, reply.data, "$")
    field_list(ep, data.get("chats"), "chats")
    if not _flag(call, data, "has_next"):
        return None
    cursor = data.get("cursor")
    if not isinstance(cursor, str) or not cursor or cursor == call.body.get("cursor"):
        return None
    return Call(ep, body={**call.body, "cursor": cursor})


def message_id(endpoint: Endpoint, value: object, where: str) -> int:
    """A chat message id (uint64) whether the answer sends it as a number or a string."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise ApiSchemaDriftError(endpoint.marketplace, endpoint.id, where, "integer")


def _next_history(call: Call, reply: Reply) -> Call | None:
    ep = call.endpoint
    data = field_object(ep, reply.data, "$")
    messages = field_list(ep, data.get("messages"), "messages")
    if not messages or not _flag(call, data, "has_next"):
        return None
    last = field_object(ep, messages[-1], f"messages[{len(messages) - 1}]")
    after = message_id(ep, last.get("message_id"), f"messages[{len(messages) - 1}].message_id")
    if after == call.body.get("from_message_id"):
        return None
    return Call(ep, body={**call.body, "from_message_id": after})


def _no_next(_call: Call, _reply: Reply) -> Call | None:
    return None


class OzonClient:
    def __init__(self, transport: ApiTransport) -> None:
        self._transport = transport

    def close(self) -> None:
        self._transport.close()

    def check(self, now: datetime) -> None:
        """The connection check: the first page of the last day's transactions (the pinned
        spec has no dedicated method); raises the API error (401/403) when refused."""
        next(iter(self.finance_transactions(now - timedelta(days=1), now)))

    def finance_transactions(
        self, since: datetime, to: datetime, *, cursor: Cursor | None = None
    ) -> Iterator[Page]:
        """All operations of the period (the spec allows at most one month per request)."""
        # no "posting_number": the spec's filter is oneOf {posting_number} | {date}
        period = {"from": _iso(since), "to": _iso(to)}
        body = {
            "filter": {"date": period, "operation_type": [], "transaction_type": "all"},
            "page": 1,
            "page_size": PAGE_SIZE,
        }
        return walk(self._transport, Call(OZON_TRANSACTIONS, body=body), _next_transactions, cursor)

    def supply_order_ids(
        self, states: Sequence[str] = SUPPLY_ORDER_STATES, *, cursor: Cursor | None = None
    ) -> Iterator[Page]:
        body = {
            "filter": {"states": list(states)},
            "paging": {"from_supply_order_id": 0, "limit": SUPPLY_ORDER_PAGE},
        }
        first = Call(OZON_SUPPLY_ORDER_LIST, body=body)
        return walk(self._transport, first, _next_supply_orders, cursor)

    def supply_orders(self, order_ids: Sequence[int | str]) -> Page:
        """The supply orders with these ids, one page."""
        call = Call(OZON_SUPPLY_ORDER_GET, body={"order_ids": [str(i) for i in order_ids]})
        return next(walk(self._transport, call, lambda _call, _reply: None))

    def fbo_postings(
        self, since: datetime, to: datetime, *, cursor: Cursor | None = None
    ) -> Iterator[Page]:
        body = {
            "dir": "ASC",
            "filter": {"since": _iso(since), "to": _iso(to), "status": ""},
            "limit": PAGE_SIZE,
            "offset": 0,
            "translit": False,
            "with": {"analytics_data": True, "financial_data": True},
        }
        return walk(self._transport, Call(OZON_FBO_POSTINGS, body=body), _next_fbo, cursor)

    def fbs_postings(
        self, since: datetime, to: datetime, *, cursor: Cursor | None = None
    ) -> Iterator[Page]:
        body = {
            "dir": "ASC",
            "filter": {"since": _iso(since), "to": _iso(to)},
            "limit": PAGE_SIZE,
            "offset": 0,
            "with": {"analytics_data": True, "financial_data": True},
        }
        return walk(self._transport, Call(OZON_FBS_POSTINGS, body=body), _next_fbs, cursor)

    def compensation_reports(
        self, first: str, last: str, *, cursor: Cursor | None = None
    ) -> Iterator[Page]:
        """The compensation report (XLSX) of every month ``first``..``last`` (``YYYY-MM``)."""
        return monthly_reports(self._transport, OZON_COMPENSATION, first, last, cursor)

    def decompensation_reports(
        self, first: str, last: str, *, cursor: Cursor | None = None
    ) -> Iterator[Page]:
        """The decompensation report (XLSX) of every month ``first``..``last``."""
        return monthly_reports(self._transport, OZON_DECOMPENSATION, first, last, cursor)

    def posting(self, posting_number: str) -> Page | None:
        """One posting by its number: asked as FBS first, then as FBO; None when neither
        knows it (404)."""
        for endpoint, body in (
            (OZON_FBS_POSTING_GET, {"posting_number": posting_number}),
            (OZON_FBO_POSTING_GET, {"posting_number": posting_number, "translit": False}),
        ):
            try:
                return next(walk(self._transport, Call(endpoint, body=body), _no_next))
            except ApiRequestRejectedError as exc:
                if exc.fields.get("status") not in (400, 404):
                    raise
        return None

    def chats(self, *, cursor: Cursor | None = None) -> Iterator[Page]:
        """Every chat of the seller (buyer and support chats, opened and closed)."""
        body = {"filter": {"chat_status": "All"}, "limit": CHAT_PAGE}
        return walk(self._transport, Call(OZON_CHAT_LIST, body=body), _next_chats, cursor)

    def chat_history(self, chat_id: str, after_message_id: int | None = None) -> Iterator[Page]:
        """The chat's messages: all of them newest first, or those from ``after_message_id``
        (which the answer includes again) oldest first."""
        body: dict[str, object] = {
            "chat_id": chat_id,
            "direction": "Backward" if after_message_id is None else "Forward",
            "limit": CHAT_HISTORY_PAGE,
        }
        if after_message_id is not None:
            body["from_message_id"] = after_message_id
        return walk(self._transport, Call(OZON_CHAT_HISTORY, body=body), _next_history)
