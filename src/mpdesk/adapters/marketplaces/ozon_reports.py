"""Ozon reports made on request: the monthly compensation and decompensation reports.

Per the pinned ``ozon-2025-08/swagger.json``: ``/v1/finance/compensation`` and
``/v1/finance/decompensation`` take ``{"date": "YYYY-MM", "language": "RU"}`` and answer
``result.code``; ``/v1/report/info`` with that code answers ``result.status`` (``waiting``,
``processing``, ``success``, ``failed``) and, once ``success``, ``result.file`` — the link to
the XLSX file, which is downloaded as it is (``ApiTransport.download``).

One page per month: its body is the file's bytes, its data says which month, report code and
link it came from, and its cursor is the next month (``None`` after the last), so a sync
stopped between months asks only for the months not yet kept.
"""

from __future__ import annotations

from collections.abc import Iterator

from mpdesk.adapters.marketplaces.endpoints import (
    OZON_REPORT_FILE,
    OZON_REPORT_INFO,
    Endpoint,
)
from mpdesk.adapters.marketplaces.pages import Cursor, Page, field_object, field_str
from mpdesk.adapters.marketplaces.transport import ApiTransport
from mpdesk.domain.api_errors import ApiBadResponseError

#: how often and how long ``/v1/report/info`` is asked before the report counts as not ready
REPORT_POLLS = 30
REPORT_POLL_S = 2.0
_PENDING = ("waiting", "processing")


def month_after(month: str) -> str:
    """``YYYY-MM`` of the month after ``month`` (``YYYY-MM``)."""
    year, number = (int(part) for part in month.split("-"))
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def months(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last``, both included."""
    found = []
    month = first
    while month <= last:
        found.append(month)
        month = month_after(month)
    return found


def _result(endpoint: Endpoint, data: object) -> dict[str, object]:
    return field_object(endpoint, field_object(endpoint, data, "$").get("result"), "result")


def report_file(transport: ApiTransport, create: Endpoint, month: str) -> Page:
    """Create one month's report, wait until Ozon has made it, download its file."""
    reply = transport.call(create, json_body={"date": month, "language": "RU"})
    code = field_str(create, _result(create, reply.data), "code", "result")
    info: dict[str, object] = {}
    for attempt in range(REPORT_POLLS):
        if attempt:
            transport.pause(REPORT_POLL_S)
        answer = transport.call(OZON_REPORT_INFO, json_body={"code": code})
        info = _result(OZON_REPORT_INFO, answer.data)
        status = field_str(OZON_REPORT_INFO, info, "status", "result")
        if status not in _PENDING:
            break
    else:
        raise ApiBadResponseError(
            OZON_REPORT_INFO.marketplace, OZON_REPORT_INFO.id, "report_not_ready"
        )
    if info.get("status") != "success":
        raise ApiBadResponseError(
            OZON_REPORT_INFO.marketplace, OZON_REPORT_INFO.id, "report_failed"
        )
    link = info.get("file")
    body = b""
    status_code = 200
    if isinstance(link, str) and link:
        downloaded = transport.download(OZON_REPORT_FILE, link)
        body, status_code = downloaded.body, downloaded.status
    data = {"month": month, "code": code, "file": link or ""}
    return Page(create.id, status_code, {"date": month}, body, data, None)


def monthly_reports(
    transport: ApiTransport, create: Endpoint, first: str, last: str, cursor: Cursor | None
) -> Iterator[Page]:
    """The report of every month from ``first`` (or the cursor's month) to ``last``."""
    start = cursor.get("month", first) if cursor else first
    wanted = months(str(start), last)
    for index, month in enumerate(wanted):
        page = report_file(transport, create, month)
        following = {"month": wanted[index + 1]} if index + 1 < len(wanted) else None
        yield Page(page.endpoint, page.status, page.request, page.body, page.data, following)


def _bad(problem: str) -> ApiBadResponseError:
    return ApiBadResponseError(OZON_REPORT_INFO.marketplace, OZON_REPORT_INFO.id, problem)
