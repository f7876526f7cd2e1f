"""``/api/v1``: audits of report files and the saved findings (issue 5).

Included by ``entrypoints/web/routes/audit.py``; scoped like every API route (another shop's
finding or shop answers 404, viewers get 403 on writes) and answering errors through the one
envelope.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile

from mpdesk.domain.accounts import Principal
from mpdesk.domain.audit.findings import FindingStatus
from mpdesk.domain.errors import UserInputError
from mpdesk.entrypoints.api import audit_schemas as a
from mpdesk.entrypoints.api import schemas as s
from mpdesk.entrypoints.api.openapi import ERRORS
from mpdesk.entrypoints.web.audit_uploads import MAX_FILES, run_uploaded_audit
from mpdesk.entrypoints.web.security import api_principal, wctx_of
from mpdesk.services import findings
from mpdesk.services.audit_views import audit_public, file_public, finding_row
from mpdesk.services.user_input import parse_amount

router = APIRouter(prefix="/api/v1", dependencies=[Depends(api_principal)], responses=ERRORS)
PrincipalDep = Annotated[Principal, Depends(api_principal)]
FindingId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", description="A finding's id.")]


def _finding_out(request: Request, principal: Principal, saved: Any) -> dict[str, Any]:
    ctx = wctx_of(request).ctx
    row = finding_row(ctx, principal, saved, ctx.clock.today())
    return {k: v for k, v in row.items() if k in a.FindingPublic.model_fields}


@router.post(
    "/audits",
    response_model=a.AuditPublic,
    summary="Audit report files (multipart, field `files`) and save the findings",
    description=f"Up to {MAX_FILES} files: WB realization detail, incomes, supply goods, the "
    "seller's shipment list, Ozon transactions (XLSX, CSV or JSON, recognised by content). "
    "A file that cannot be used is reported in `files[].problem` and the others are audited; "
    "when none can be used the answer is 422 `audit_no_usable_files` with the files in "
    "`fields.files`. Needs the manager role in `shop_id`.",
)
def create_audit(
    request: Request,
    principal: PrincipalDep,
    files: Annotated[list[UploadFile], File(description="Report files")],
    shop_id: Annotated[int, Form(ge=1, le=s.INT32, description="Shop to save findings to.")],
    save: Annotated[bool, Form(description="Save the findings (default true).")] = True,
    supply_id: Annotated[
        str | None,
        Form(max_length=40, description="WB supply number of a bare supply-goods answer."),
    ] = None,
) -> dict[str, Any]:
    ctx = wctx_of(request).ctx
    result = run_uploaded_audit(request, principal, files, shop_id, save, supply_id)
    if not result.usable:
        raise UserInputError(
            "audit_no_usable_files", files=[file_public(ctx, f) for f in result.files]
        )
    data = audit_public(ctx, result)
    data.setdefault("saved", None)
    data["usable"] = result.usable
    return data


@router.get(
    "/findings",
    response_model=a.FindingListPublic,
    summary="Saved findings of your shops, with totals per kind",
)
def list_findings(
    request: Request,
    principal: PrincipalDep,
    kind: Annotated[list[a.FindingKindName], Query()] = [],  # noqa: B006 - FastAPI copies it
    status: Annotated[list[a.FindingStatusName], Query()] = [],  # noqa: B006
    shop_id: Annotated[int | None, Query(ge=1, le=s.INT32)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    ctx = wctx_of(request).ctx
    query = findings.FindingQuery(kind, status, shop_id, limit, offset)
    page = findings.list_page(ctx, principal, query)
    return {
        "items": [_finding_out(request, principal, f) for f in page.findings],
        "total": page.count,
        "amount": f"{page.amount:.2f}",
        "recovered": f"{page.recovered:.2f}",
        "by_kind": {
            t.kind: {
                "count": t.count,
                "amount": f"{t.amount:.2f}",
                "recovered": f"{t.recovered:.2f}",
            }
            for t in page.totals
        },
        "limit": limit,
        "offset": offset,
        "has_next": page.has_next,
    }


@router.post(
    "/findings/draft",
    response_model=a.DraftListPublic,
    status_code=201,
    summary="Draft appeals from new findings (one per supply, one per report and kind)",
)
def draft_findings(request: Request, principal: PrincipalDep, body: a.DraftCreate) -> Any:
    ctx = wctx_of(request).acting(principal)
    drafted = findings.draft_appeals(ctx, principal, body.ids)
    return {
        "appeals": [
            {
                "ticket_id": d.ticket.id,
                "subject": d.ticket.subject,
                "status": d.ticket.status.value,
                "amount_claimed": d.ticket.amount_claimed,
                "finding_ids": [f.id for f in d.findings],
                "attachment": d.attachment,
                "deadline": d.deadline,
            }
            for d in drafted
        ]
    }


@router.post(
    "/findings/{finding_id}/status",
    response_model=a.FindingPublic,
    summary="Dismiss, mark claimed, mark recovered (with `amount`) or reopen a finding",
)
def change_finding_status(
    request: Request, principal: PrincipalDep, finding_id: FindingId, body: a.FindingStatusUpdate
) -> Any:
    ctx = wctx_of(request).acting(principal)
    amount = Decimal(parse_amount(body.amount, "amount")) if body.amount else None
    saved = findings.change_finding_status(
        ctx, principal, finding_id, FindingStatus(body.to), amount, body.comment
    )
    return _finding_out(request, principal, saved)
