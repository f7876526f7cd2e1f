"""The case page ``/cases/{id}`` (the ticket page shows the same block) and the cases API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path, Request
from starlette.responses import Response

from mpdesk.entrypoints.api import cases as api_cases
from mpdesk.entrypoints.web.rendering import render
from mpdesk.entrypoints.web.security import require_visitor, verify_csrf, wctx_of
from mpdesk.entrypoints.web.shared_routes import add_routes
from mpdesk.services import cases

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
CaseId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: CaseId) -> Response:
    visitor = require_visitor(request)
    view = cases.get_case(wctx_of(request).ctx, visitor.principal, case_id)
    return render(request, "case.html", {"case": view})


def register(api: FastAPI) -> None:
    add_routes(api, router)
    add_routes(api, api_cases.router)
