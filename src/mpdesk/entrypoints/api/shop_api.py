"""``/api/v1/shops/{shop_id}/connection``: a shop's marketplace API connection and last sync;
``/api/v1/shops/{shop_id}/legal``: the seller's legal details of the shop (the claim's party);
``/api/v1/tickets/{ticket_id}/claim.pdf``: the case's pre-trial claim as PDF.

Read-only and scoped like every API route (a shop the caller cannot see answers 404). The
answer never carries a key: expiry, category bits, the check's answer per API category, and
the last sync with its error in Russian. Keys are connected through the CLI or «Настройки».
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel
from starlette.responses import Response

from mpdesk.domain.accounts import Principal
from mpdesk.entrypoints.api import schemas as s
from mpdesk.entrypoints.api.openapi import ERRORS
from mpdesk.entrypoints.api.routes import acting
from mpdesk.entrypoints.web.downloads import document_response
from mpdesk.entrypoints.web.security import api_principal
from mpdesk.services import documents, shop_legal
from mpdesk.services.connection_views import status_view
from mpdesk.services.connections import shop_status

router = APIRouter(prefix="/api/v1", dependencies=[Depends(api_principal)], responses=ERRORS)
PrincipalDep = Annotated[Principal, Depends(api_principal)]


class ApiAccessPublic(BaseModel):
    value: Literal["ok", "forbidden", "payment_required"]
    label: str
    answer: str


class SyncRunPublic(BaseModel):
    started_at: datetime
    finished_at: datetime | None
    outcome: Literal["running", "ok", "failed"]
    outcome_label: str
    error_code: str
    error: str
    pages: int
    rows: int
    new_files: int
    findings_added: int
    findings_updated: int


class ShopConnectionPublic(BaseModel):
    shop_id: int
    shop: str
    marketplace: str
    connected: bool
    connected_at: datetime | None
    expires_at: datetime | None
    days_left: int | None
    expired: bool
    expires_soon: bool
    category_bits: list[int]
    access: dict[str, ApiAccessPublic]
    last_sync: SyncRunPublic | None


@router.get(
    "/shops/{shop_id}/connection",
    response_model=ShopConnectionPublic,
    summary="A shop's marketplace API connection and its last sync (never the key)",
)
def get_connection(
    request: Request,
    principal: PrincipalDep,
    shop_id: Annotated[int, Path(ge=1, le=s.INT32)],
) -> dict[str, Any]:
    ctx = acting(request, principal)
    return status_view(ctx, shop_status(ctx, principal, shop_id))


class ShopLegalPublic(BaseModel):
    shop_id: int
    shop: str
    name: str
    inn: str
    ogrn: str
    address: str
    contract_number: str
    contract_date: date | None
    is_entrepreneur: bool
    missing: list[str]


class ShopLegalUpdate(s.Strict):
    """Fields to change; a field left out stays, an empty string clears it."""

    name: s.Text300 | None = None
    inn: s.Text20 | None = None
    ogrn: s.Text20 | None = None
    address: s.Text500 | None = None
    contract_number: s.Text100 | None = None
    contract_date: s.Text40 | None = None


def _legal_out(item: shop_legal.ShopLegal) -> dict[str, Any]:
    legal = item.legal
    return {
        "shop_id": item.shop.id, "shop": item.shop.name, "name": legal.name, "inn": legal.inn,
        "ogrn": legal.ogrn, "address": legal.address, "contract_number": legal.contract_number,
        "contract_date": legal.contract_date, "is_entrepreneur": legal.is_entrepreneur,
        "missing": item.missing,
    }  # fmt: skip


ShopId = Annotated[int, Path(ge=1, le=s.INT32)]


@router.get(
    "/shops/{shop_id}/legal",
    response_model=ShopLegalPublic,
    summary="The seller's legal details of a shop (the seller's party of a pre-trial claim)",
)
def get_legal(request: Request, principal: PrincipalDep, shop_id: ShopId) -> dict[str, Any]:
    ctx = acting(request, principal)
    return _legal_out(shop_legal.get_shop_legal(ctx, principal, shop_id))


@router.patch(
    "/shops/{shop_id}/legal",
    response_model=ShopLegalPublic,
    summary="Change the seller's legal details of a shop (INN and OGRN checked; managers)",
)
def update_legal(
    request: Request, principal: PrincipalDep, shop_id: ShopId, body: ShopLegalUpdate
) -> dict[str, Any]:
    ctx = acting(request, principal)
    changes = body.model_dump(exclude_unset=True)
    return _legal_out(shop_legal.update_shop_legal(ctx, principal, shop_id, changes))


@router.get(
    "/tickets/{ticket_id}/claim.pdf",
    responses={200: {"content": {"application/pdf": {}}, "description": "The claim as PDF"}},
    response_class=Response,
    summary="The pre-trial claim of the ticket's case as PDF",
)
def claim_pdf(
    request: Request, principal: PrincipalDep, ticket_id: Annotated[int, Path(ge=1, le=s.INT32)]
) -> Response:
    document = documents.claim_pdf(acting(request, principal), principal, ticket_id)
    return document_response(document)
