"""``/api/v1/shops/{shop_id}/connection``: a shop's marketplace API connection and last sync.

Read-only and scoped like every API route (a shop the caller cannot see answers 404). The
answer never carries a key: expiry, category bits, the check's answer per API category, and
the last sync with its error in Russian. Keys are connected through the CLI or «Настройки».
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel

from mpdesk.domain.accounts import Principal
from mpdesk.entrypoints.api import schemas as s
from mpdesk.entrypoints.api.openapi import ERRORS
from mpdesk.entrypoints.api.routes import acting
from mpdesk.entrypoints.web.security import api_principal
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
