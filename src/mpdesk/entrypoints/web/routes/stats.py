"""Analytics on «Сводка»: the last twelve weeks in numbers and server-side SVG charts (money at
stake vs recovered, appeals per week, reply-time medians per channel, categories), and the
monthly report to download (``/stats/report.html?month=YYYY-MM``, ``report.pdf``), all scoped to the
visitor's shops."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from starlette.responses import Response

from mpdesk.domain.accounts import Principal
from mpdesk.entrypoints.web.downloads import document_response
from mpdesk.entrypoints.web.navigation import DashboardPartial
from mpdesk.entrypoints.web.security import require_visitor, wctx_of
from mpdesk.entrypoints.web.shared_routes import add_routes
from mpdesk.services import analytics, deadline_views, documents, formatting

router = APIRouter(include_in_schema=False)  # pages, not the API
WEEKS = 12
Month = Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


def recent_months(today: date, count: int = 12) -> list[tuple[str, str]]:
    """``(YYYY-MM, «ноябрь 2026»)`` of this month and the ``count - 1`` before it."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append((f"{year:04d}-{month:02d}", formatting.month(year, month)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def _stats_block(request: Request, principal: Principal) -> dict[str, Any]:
    ctx = wctx_of(request).ctx
    return {
        "board": analytics.dashboard(ctx, principal.shop_ids, WEEKS),
        "weeks": WEEKS,
        "months": recent_months(ctx.clock.today()),
    }


@router.get("/stats/report.html")
def monthly_report(request: Request, month: Month) -> Response:
    """The month's report as one self-contained HTML file (inline CSS and SVG, no scripts)."""
    visitor = require_visitor(request)
    html = deadline_views.monthly_report(wctx_of(request).ctx, visitor.principal, month)
    return Response(
        html,
        media_type="text/html; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="mpdesk-report-{month}.html"',
            "content-security-policy": "sandbox",
            "cache-control": "private, no-store",
        },
    )


@router.get("/stats/report.pdf")
def monthly_report_pdf(request: Request, month: Month) -> Response:
    """The month's report as PDF, of the visitor's shops."""
    visitor = require_visitor(request)
    ctx = wctx_of(request).ctx
    return document_response(
        documents.monthly_report_pdf(ctx, month, shop_ids=visitor.principal.shop_ids)
    )


def register(api: FastAPI) -> None:
    add_routes(api, router)
    api.state.dashboard_partials.append(DashboardPartial("_dashboard_stats.html", _stats_block))
    api.state.templates.env.filters["hours"] = formatting.hours
