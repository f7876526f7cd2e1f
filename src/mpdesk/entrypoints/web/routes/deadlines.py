"""«Сроки»: what is overdue, due today and this week (a block on «Сводка» and the page
``/deadlines``), the clocks and the escalation ladder of a ticket (``/tickets/{id}/deadlines``,
loaded into the ticket page by HTMX, a page of its own without JavaScript) with the buttons
that draft the follow-up and the pre-trial claim; and the API of these numbers.

Every list is scoped to the visitor's shops (``services/deadline_views.py``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from mpdesk.domain.accounts import Principal
from mpdesk.domain.sla import Bucket
from mpdesk.entrypoints.api import dashboard as api_dashboard
from mpdesk.entrypoints.web.downloads import document_response
from mpdesk.entrypoints.web.navigation import DashboardPartial, NavItem
from mpdesk.entrypoints.web.rendering import is_htmx, render
from mpdesk.entrypoints.web.security import require_visitor, verify_csrf, wctx_of
from mpdesk.entrypoints.web.shared_routes import add_routes
from mpdesk.services import deadline_views, deadlines, documents, formatting, shop_legal
from mpdesk.services.answer_reading import answered_next_steps

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
TicketId = Annotated[int, Path(ge=1, le=2**31 - 1)]
#: clocks listed per section on the «Сроки» page (the counts are always complete)
PAGE_LIMIT = 200
#: section → its title's code in the message catalogue
SECTION_TITLES = {
    b: f"deadline_section_{b.value}" for b in (Bucket.OVERDUE, Bucket.TODAY, Bucket.WEEK)
}


def _due_block(request: Request, principal: Principal) -> dict[str, Any]:
    """Context of the «Сводка» block: the due board in short, ten clocks per section."""
    ctx = wctx_of(request).ctx
    return {"due": deadline_views.due_summary(ctx, principal)}


@router.get("/deadlines")
def deadlines_page(
    request: Request,
    section: Literal["all", "overdue", "today", "week"] = "all",
    days: Annotated[int, Query(ge=1, le=90)] = 7,
) -> Response:
    visitor = require_visitor(request)
    ctx = wctx_of(request).ctx
    due = deadline_views.due_summary(ctx, visitor.principal, days, PAGE_LIMIT)
    sections = [s for s in due.sections if section in ("all", s.bucket.value)]
    answered = answered_next_steps(ctx, visitor.principal) if section == "all" else []
    return render(
        request,
        "deadlines.html",
        {"due": due, "sections": sections, "section": section, "days": days,
         "answered": answered},
    )  # fmt: skip


@router.get("/tickets/{ticket_id}/deadlines")
def ticket_deadlines(request: Request, ticket_id: TicketId) -> Response:
    """The «Сроки» block of the ticket page (HTMX), or a page of its own."""
    visitor = require_visitor(request)
    ctx = wctx_of(request).ctx
    view = deadline_views.ticket_clocks(ctx, visitor.principal, ticket_id)
    legal = shop_legal.get_shop_legal(ctx, visitor.principal, view.ticket.shop_id)
    context = {"view": view, "now": ctx.clock.now(), "tz": deadline_views.display_tz(ctx),
               "legal_missing": shop_legal.missing_text(ctx, legal)}  # fmt: skip
    block = "clocks" if is_htmx(request) else None
    return render(request, "ticket_deadlines.html", context, block=block)


@router.post("/tickets/{ticket_id}/claim")
def draft_claim(request: Request, ticket_id: TicketId) -> Response:
    visitor = require_visitor(request)
    ctx = wctx_of(request).acting(visitor.principal)
    opened = deadlines.draft_claim(ctx, visitor.principal, ticket_id)
    return RedirectResponse(f"/tickets/{opened.ticket.id}?done=claim", status_code=303)


@router.get("/tickets/{ticket_id}/claim.pdf")
def claim_pdf(request: Request, ticket_id: TicketId) -> Response:
    """The case's pre-trial claim as PDF (from the claim or any appeal of its case)."""
    visitor = require_visitor(request)
    document = documents.claim_pdf(wctx_of(request).ctx, visitor.principal, ticket_id)
    return document_response(document)


def _duration(delta: timedelta | None) -> str:
    return formatting.duration(delta) if delta is not None else ""


def register(api: FastAPI) -> None:
    add_routes(api, router)
    add_routes(api, api_dashboard.router)
    nav = api.state.nav
    at = next((i for i, item in enumerate(nav) if item.key == "journal"), len(nav) - 1) + 1
    message = api.state.wctx.ctx.message
    nav.insert(at, NavItem("/deadlines", message("nav_deadlines"), "deadlines"))
    api.state.dashboard_partials.append(DashboardPartial("_dashboard_deadlines.html", _due_block))
    env = api.state.templates.env
    env.filters["duration"] = _duration
    env.globals["SECTION_TITLES"] = {b: message(code) for b, code in SECTION_TITLES.items()}
