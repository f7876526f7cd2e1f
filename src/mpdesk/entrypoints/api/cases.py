"""``/api/v1/cases``: one case (its appeals, money counted once, findings) and the duplicate
check of a new appeal. Included by ``entrypoints/web/routes/cases.py``; scoped like every API
route (another shop's case answers 404)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from mpdesk.domain.accounts import Principal
from mpdesk.entrypoints.api import case_schemas as cs
from mpdesk.entrypoints.api.openapi import ERRORS
from mpdesk.entrypoints.api.schemas import INT32
from mpdesk.entrypoints.web.security import api_principal, wctx_of
from mpdesk.services import cases
from mpdesk.services.user_input import parse_identifiers

router = APIRouter(prefix="/api/v1", dependencies=[Depends(api_principal)], responses=ERRORS)
PrincipalDep = Annotated[Principal, Depends(api_principal)]
CaseId = Annotated[int, Path(ge=1, le=INT32, description="The case's (or any of its appeals') id.")]


@router.get("/cases/{case_id}", response_model=cs.CasePublic, summary="One case")
def get_case(request: Request, principal: PrincipalDep, case_id: CaseId) -> dict[str, Any]:
    view = cases.get_case(wctx_of(request).ctx, principal, case_id)
    return cases.case_public(view)


@router.post(
    "/duplicate-cases",
    response_model=list[cs.DuplicatePublic],
    summary="Open or recently resolved cases about the same supply, order, SKU or barcode",
)
def find_duplicates(
    request: Request, principal: PrincipalDep, body: cs.DuplicateQuery
) -> list[dict[str, Any]]:
    ctx = wctx_of(request).ctx
    identifiers = parse_identifiers(body.marketplace, ((i.type, i.value) for i in body.identifiers))
    found = cases.find_duplicates(ctx, principal, body.marketplace, identifiers, body.shop_id)
    return [cases.duplicate_public(d) for d in found]
