"""«Журнал»: filters (status, marketplace, category, shop, overdue, due soon, urgent), full-text
search, sorting, pagination; CSV/XLSX export of the current filter."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask
from starlette.responses import Response

from mpdesk.domain.accounts import Principal
from mpdesk.domain.tickets import AWAITING_REPLY, OPEN_STATUSES, Status
from mpdesk.entrypoints.web.rendering import is_htmx, render
from mpdesk.entrypoints.web.security import require_visitor, wctx_of
from mpdesk.services import access, journal
from mpdesk.services.context import ServiceContext
from mpdesk.services.export import export_journal
from mpdesk.services.ports.journal import TicketFilter
from mpdesk.services.user_input import parse_shop_id

router = APIRouter(include_in_schema=False)  # pages, not the API
PAGE_SIZE = 50
#: orders offered on the page → their labels' codes in the message catalogue
SORTS = {
    "-id": "sort_newest",
    "id": "sort_oldest",
    "-updated_at": "sort_recently_changed",
    "reply_due_at": "sort_reply_due",
    "status": "sort_status",
}
GROUPS = {"open": OPEN_STATUSES, "awaiting": AWAITING_REPLY}


@dataclass
class JournalQuery:
    statuses: list[str]
    marketplace: str
    category: str
    shop: str
    due: str  # "" | "overdue" | "24h"
    urgent: bool  # «Срочные» only
    q: str
    sort: str
    page: int

    @classmethod
    def parse(cls, request: Request) -> JournalQuery:
        p = request.query_params
        page = p.get("page", "1")
        return cls(
            statuses=[
                s for s in p.getlist("status") if s in GROUPS or s in Status._value2member_map_
            ],
            marketplace=p.get("marketplace", "")[:32],
            category=p.get("category", "")[:32],
            shop=p.get("shop", "")[:12],
            due=p.get("due", "") if p.get("due") in ("overdue", "24h") else "",
            urgent=p.get("urgent", "") in ("1", "true", "on"),
            q=p.get("q", "")[:200],
            sort=p.get("sort", "-id") if p.get("sort") in SORTS else "-id",
            page=min(int(page), 100_000) if page.isdigit() and int(page) > 0 else 1,
        )

    def to_filter(self, ctx: ServiceContext) -> TicketFilter:
        statuses: set[Status] = set()
        for value in self.statuses:
            statuses |= set(
                GROUPS.get(value, {Status(value)} if value in Status._value2member_map_ else set())
            )
        now = ctx.clock.now()
        return TicketFilter(
            status=sorted(statuses),
            marketplace=self.marketplace if self.marketplace in ctx.kb.marketplaces else None,
            category=self.category if self.category in ctx.kb.categories else None,
            shop_id=parse_shop_id(self.shop),
            overdue_at=now if self.due == "overdue" else None,
            due_before=now + timedelta(hours=24) if self.due == "24h" else None,
            urgent_at=now if self.urgent else None,
            text=self.q or None,
            order_by=self.sort,
            limit=PAGE_SIZE,
            offset=(self.page - 1) * PAGE_SIZE,
        )


def _check_shop(ctx: ServiceContext, principal: Principal, query: JournalQuery) -> None:
    """Another shop's id answers «not found», as for tickets."""
    shop_id = parse_shop_id(query.shop)
    if shop_id is not None:
        journal.get_shop(ctx, principal, shop_id)


@router.get("/journal")
def journal_page(request: Request) -> Response:
    visitor = require_visitor(request)
    ctx = wctx_of(request).ctx
    query = JournalQuery.parse(request)
    # the page shows neither identifiers nor texts
    flt = replace(query.to_filter(ctx), identifiers=False, texts=False)
    page, shops = journal.journal_page(ctx, visitor.principal, flt)
    pages = max(1, -(-page.total // PAGE_SIZE))
    now = ctx.clock.now()
    context = {
        "query": query,
        "page": page,
        "shop_names": {s.id: s.name for s in shops},
        "pages": pages,
        "shops": shops,
        "sorts": {key: ctx.message(code) for key, code in SORTS.items()},
        "params": list(request.query_params.multi_items()),
        "now": now,
    }
    block = (
        "results" if is_htmx(request) and request.headers.get("hx-target") == "results" else None
    )
    return render(request, "journal.html", context, block=block)


@router.get("/journal/export.{fmt}")
def export(request: Request, fmt: Literal["csv", "xlsx"]) -> Response:
    visitor = require_visitor(request)
    ctx = wctx_of(request).ctx
    query = JournalQuery.parse(request)
    _check_shop(ctx, visitor.principal, query)
    flt = access.scoped(visitor.principal, query.to_filter(ctx))
    flt.limit, flt.offset = None, 0
    tmp = Path(tempfile.mkdtemp(prefix="mpdesk-export-"))
    dest = tmp / f"mpdesk-journal.{fmt}"
    try:
        export_journal(ctx, fmt, dest, flt)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    media = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return FileResponse(
        dest,
        media_type=media,
        filename=dest.name,
        content_disposition_type="attachment",
        headers={"cache-control": "private, no-store"},
        background=BackgroundTask(shutil.rmtree, tmp, True),
    )
