"""«Сводка»: open appeals, overdue, awaiting reply, due within 24 h, by category and
marketplace, money at stake — each number links to the filtered journal."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from mpdesk.entrypoints.web.rendering import render
from mpdesk.entrypoints.web.security import require_admin, require_visitor, verify_csrf, wctx_of
from mpdesk.services import dashboard, demo

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


@router.get("/")
def dashboard_page(request: Request) -> Response:
    visitor = require_visitor(request)
    wctx = wctx_of(request)
    summary = dashboard.journal_summary(wctx, visitor.principal)
    partials = []
    for part in request.app.state.dashboard_partials:
        extra = part.context(request, visitor.principal) if part.context else {}
        partials.append((part.template, {**part.extra, **extra}))
    return render(
        request,
        "dashboard.html",
        {
            "summary": summary,
            "partials": partials,
            "empty": summary.open == 0 and demo.is_journal_empty(wctx.ctx),
        },
    )


@router.post("/demo")
def load_demo(request: Request) -> Response:
    require_admin(request)
    demo.seed_demo(wctx_of(request).ctx)
    return RedirectResponse("/", status_code=303)
