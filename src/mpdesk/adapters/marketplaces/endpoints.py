"""The endpoints mpdesk calls, with their documented request limits kept as data.

Each ``RateLimit`` names where its numbers come from. WB publishes a token bucket per seller
account and method (period, limit, interval, burst) in each method's description in the pinned
OpenAPI files (``tests/connectors/specs``); the numbers below are the "personal token" row.
The pinned Ozon spec documents no per-method limits, so Ozon uses our own conservative default.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: ``burst`` requests at once, refilled at ``requests`` per ``period_s``."""

    requests: int
    period_s: float
    burst: int
    source: str

    @property
    def rate(self) -> float:
        """Tokens added per second."""
        return self.requests / self.period_s

    def slower(self, headroom: float) -> RateLimit:
        """The same bucket refilled ``headroom`` (a fraction) slower: the pace mpdesk keeps so
        that a marketplace counting at arrival never sees two requests closer than allowed,
        whatever the jitter between our clock, the network and theirs."""
        if headroom <= 0:
            return self
        return RateLimit(self.requests, self.period_s * (1 + headroom), self.burst, self.source)


@dataclass(frozen=True)
class Endpoint:
    """One method of a seller API. ``id`` is ours and stable (used in errors, logs, buckets)."""

    id: str
    marketplace: str
    method: str
    base_url: str
    path: str
    limit: RateLimit

    @property
    def bucket(self) -> str:
        """Endpoints sharing a documented limit share a bucket; here each has its own."""
        return self.id


WB_STATISTICS_HOST = "https://statistics-api.wildberries.ru"
WB_FINANCE_HOST = "https://finance-api.wildberries.ru"
WB_SUPPLIES_HOST = "https://supplies-api.wildberries.ru"
OZON_SELLER_HOST = "https://api-seller.ozon.ru"

_WB_ONE_PER_MINUTE_2025 = RateLimit(
    1, 60.0, 1, "wb-2025-12 (13-finances.yaml, 12-reports.yaml): 1 request / 1 min, burst 1"
)
_WB_ONE_PER_MINUTE_2026 = RateLimit(
    1, 60.0, 1, "wb-2026-08/13-finances.yaml sales-reports/detailed: personal 1 / 1 min, burst 1"
)
_WB_SUPPLIES_LIMIT = RateLimit(
    30, 60.0, 10, "wb-2026-08/07-orders-fbw.yaml supplies: personal 30 / 1 min, burst 10"
)
_WB_PING_LIMIT = RateLimit(
    3, 30.0, 3, "wb-2026-08/01-general.yaml /ping: 3 requests / 30 s, per domain"
)
_OZON_DEFAULT = RateLimit(
    5, 1.0, 5, "not documented in ozon-2025-08/swagger.json; mpdesk default (5 per second)"
)

WB_REALIZATION_V5 = Endpoint(
    "wb.realization_v5",
    "wb",
    "GET",
    WB_STATISTICS_HOST,
    "/api/v5/supplier/reportDetailByPeriod",
    _WB_ONE_PER_MINUTE_2025,
)
WB_REALIZATION_FINANCE = Endpoint(
    "wb.realization_finance",
    "wb",
    "POST",
    WB_FINANCE_HOST,
    "/api/finance/v1/sales-reports/detailed",
    _WB_ONE_PER_MINUTE_2026,
)
WB_INCOMES = Endpoint(
    "wb.incomes",
    "wb",
    "GET",
    WB_STATISTICS_HOST,
    "/api/v1/supplier/incomes",
    _WB_ONE_PER_MINUTE_2025,
)
WB_SUPPLIES = Endpoint(
    "wb.supplies", "wb", "POST", WB_SUPPLIES_HOST, "/api/v1/supplies", _WB_SUPPLIES_LIMIT
)
WB_SUPPLY_GOODS = Endpoint(
    "wb.supply_goods",
    "wb",
    "GET",
    WB_SUPPLIES_HOST,
    "/api/v1/supplies/{ID}/goods",
    _WB_SUPPLIES_LIMIT,
)
OZON_TRANSACTIONS = Endpoint(
    "ozon.transactions",
    "ozon",
    "POST",
    OZON_SELLER_HOST,
    "/v3/finance/transaction/list",
    _OZON_DEFAULT,
)
OZON_SUPPLY_ORDER_LIST = Endpoint(
    "ozon.supply_order_list",
    "ozon",
    "POST",
    OZON_SELLER_HOST,
    "/v2/supply-order/list",
    _OZON_DEFAULT,
)
OZON_SUPPLY_ORDER_GET = Endpoint(
    "ozon.supply_order_get", "ozon", "POST", OZON_SELLER_HOST, "/v2/supply-order/get", _OZON_DEFAULT
)
OZON_FBO_POSTINGS = Endpoint(
    "ozon.fbo_postings", "ozon", "POST", OZON_SELLER_HOST, "/v2/posting/fbo/list", _OZON_DEFAULT
)
OZON_FBS_POSTINGS = Endpoint(
    "ozon.fbs_postings", "ozon", "POST", OZON_SELLER_HOST, "/v3/posting/fbs/list", _OZON_DEFAULT
)
OZON_CHAT_LIST = Endpoint(
    "ozon.chat_list", "ozon", "POST", OZON_SELLER_HOST, "/v3/chat/list", _OZON_DEFAULT
)
OZON_CHAT_HISTORY = Endpoint(
    "ozon.chat_history", "ozon", "POST", OZON_SELLER_HOST, "/v3/chat/history", _OZON_DEFAULT
)
OZON_COMPENSATION = Endpoint(
    "ozon.compensation",
    "ozon",
    "POST",
    OZON_SELLER_HOST,
    "/v1/finance/compensation",
    _OZON_DEFAULT,
)
OZON_DECOMPENSATION = Endpoint(
    "ozon.decompensation",
    "ozon",
    "POST",
    OZON_SELLER_HOST,
    "/v1/finance/decompensation",
    _OZON_DEFAULT,
)
OZON_REPORT_INFO = Endpoint(
    "ozon.report_info", "ozon", "POST", OZON_SELLER_HOST, "/v1/report/info", _OZON_DEFAULT
)
#: the report file ``/v1/report/info`` links to (``result.file``, on Ozon's CDN): fetched by
#: its own absolute address, so ``base_url`` and ``path`` are not used
OZON_REPORT_FILE = Endpoint("ozon.report_file", "ozon", "GET", "", "", _OZON_DEFAULT)
OZON_FBO_POSTING_GET = Endpoint(
    "ozon.fbo_posting_get", "ozon", "POST", OZON_SELLER_HOST, "/v2/posting/fbo/get", _OZON_DEFAULT
)
OZON_FBS_POSTING_GET = Endpoint(
    "ozon.fbs_posting_get", "ozon", "POST", OZON_SELLER_HOST, "/v3/posting/fbs/get", _OZON_DEFAULT
)

#: the connection check, one per API category mpdesk uses (the token's category must match)
WB_PING_STATISTICS = Endpoint(
    "wb.ping_statistics", "wb", "GET", WB_STATISTICS_HOST, "/ping", _WB_PING_LIMIT
)
WB_PING_FINANCE = Endpoint("wb.ping_finance", "wb", "GET", WB_FINANCE_HOST, "/ping", _WB_PING_LIMIT)
WB_PING_SUPPLIES = Endpoint(
    "wb.ping_supplies", "wb", "GET", WB_SUPPLIES_HOST, "/ping", _WB_PING_LIMIT
)

ALL_ENDPOINTS = (
    WB_PING_STATISTICS,
    WB_PING_FINANCE,
    WB_PING_SUPPLIES,
    WB_REALIZATION_V5,
    WB_REALIZATION_FINANCE,
    WB_INCOMES,
    WB_SUPPLIES,
    WB_SUPPLY_GOODS,
    OZON_TRANSACTIONS,
    OZON_SUPPLY_ORDER_LIST,
    OZON_SUPPLY_ORDER_GET,
    OZON_FBO_POSTINGS,
    OZON_FBS_POSTINGS,
    OZON_CHAT_LIST,
    OZON_CHAT_HISTORY,
    OZON_COMPENSATION,
    OZON_DECOMPENSATION,
    OZON_REPORT_INFO,
    OZON_REPORT_FILE,
    OZON_FBO_POSTING_GET,
    OZON_FBS_POSTING_GET,
)
