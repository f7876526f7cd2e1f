"""Background jobs in the API: what ran, when, for which shop, and how it ended."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from mpdesk.domain.accounts import Principal
from mpdesk.entrypoints.api.openapi import ERRORS
from mpdesk.entrypoints.web.security import api_principal, wctx_of
from mpdesk.services import jobs

router = APIRouter(
    prefix="/api/v1", dependencies=[Depends(api_principal)], responses=ERRORS, tags=["jobs"]
)
PrincipalDep = Annotated[Principal, Depends(api_principal)]
Kind = Literal["remind", "mail_fetch", "sync"]


class JobRunPublic(BaseModel):
    id: int
    kind: str
    kind_label: str
    shop_id: int | None
    started_at: str
    finished_at: str | None
    outcome: Literal["running", "ok", "failed"]
    outcome_label: str
    error_code: str | None
    summary: str


@router.get("/jobs", response_model=list[JobRunPublic], summary="Recent background job runs")
def list_jobs(
    request: Request,
    principal: PrincipalDep,
    kind: Annotated[list[Kind] | None, Query(max_length=3)] = None,
    failed: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, object]]:
    ctx = wctx_of(request).ctx
    known = set(jobs.job_kinds(ctx))
    kinds = [k for k in (kind or []) if k in known]
    if kind and not kinds:
        return []
    runs = jobs.list_jobs(ctx, principal, kinds=kinds, failed_only=failed, limit=limit)
    return [jobs.job_public(ctx, run) for run in runs]
