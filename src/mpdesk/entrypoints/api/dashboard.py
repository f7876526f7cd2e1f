"""``/api/v1``: the dashboard numbers and a ticket's deadlines (issue 6).

Included by ``entrypoints/web/routes/deadlines.py``; scoped like every API route (another
shop's ticket or shop answers 404) and answering errors through the one envelope.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from mpdesk.domain.accounts import Principal
from mpdesk.entrypoints.api import dashboard_schemas as ds
from mpdesk.entrypoints.api import schemas as s
from mpdesk.entrypoints.api.openapi import ERRORS
from mpdesk.entrypoints.api.routes import TicketId
from mpdesk.entrypoints.web.security import api_principal, wctx_of
from mpdesk.services import deadline_views

router = APIRouter(prefix="/api/v1", dependencies=[Depends(api_principal)], responses=ERRORS)
PrincipalDep = Annotated[Principal, Depends(api_principal)]


@router.get(
    "/stats/dashboard",
    response_model=ds.DashboardPublic,
    summary="The dashboard numbers: tiles, due board, analytics",
)
def get_dashboard(
    request: Request,
    principal: PrincipalDep,
    shop_id: Annotated[
        int | None, Query(ge=1, le=s.INT32, description="Only this shop (default: all yours).")
    ] = None,
    weeks: Annotated[int, Query(ge=1, le=104, description="Length of the period.")] = 12,
    days: Annotated[int, Query(ge=1, le=90, description="Horizon of the due board.")] = 7,
    limit: Annotated[int, Query(ge=0, le=100, description="Clocks listed per section.")] = 10,
) -> dict[str, Any]:
    ctx = wctx_of(request).ctx
    numbers = deadline_views.dashboard_numbers(ctx, principal, shop_id, weeks, days, limit)
    return deadline_views.dashboard_public(numbers)


@router.get(
    "/tickets/{ticket_id}/deadlines",
    response_model=ds.TicketDeadlinesPublic,
    summary="A ticket's clocks and its escalation ladder",
)
def get_ticket_deadlines(request: Request, principal: PrincipalDep, ticket_id: TicketId) -> Any:
    ctx = wctx_of(request).ctx
    view = deadline_views.ticket_clocks(ctx, principal, ticket_id)
    return deadline_views.ticket_clocks_public(ctx, view)
