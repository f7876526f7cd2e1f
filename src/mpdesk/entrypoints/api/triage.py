"""``POST /api/v1/triage``: a problem description read into a structured draft (the same
reading as the web form and ``mpdesk triage``), with the appeal it would make."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from mpdesk.domain.accounts import Principal
from mpdesk.domain.appeal import AppealDraft
from mpdesk.entrypoints.api import schemas as s
from mpdesk.entrypoints.api.openapi import ERRORS
from mpdesk.entrypoints.web.security import api_principal, wctx_of
from mpdesk.services import journal, live_triage
from mpdesk.services.views import appeal_public

router = APIRouter(prefix="/api/v1", dependencies=[Depends(api_principal)], responses=ERRORS)
PrincipalDep = Annotated[Principal, Depends(api_principal)]


@router.post("/triage", response_model=s.TriagePublic, summary="Read a problem description")
def triage(request: Request, principal: PrincipalDep, body: s.TriageRequest) -> Any:
    ctx = wctx_of(request).acting(principal)
    hint = body.marketplace if body.marketplace in ctx.kb.marketplaces else None
    found = live_triage.suggest(ctx, body.text, hint, body.attachments, body.received_at)
    appeal = None
    if found.marketplace in ctx.kb.marketplaces and found.category in ctx.kb.categories:
        assert found.marketplace is not None and found.category is not None
        draft = AppealDraft(
            marketplace=found.marketplace,
            category=found.category,
            description=body.text,
            identifiers=list(found.identifiers),
            event_date=found.event_date,
        )
        preview = journal.preview_appeal(ctx, draft, attachment_names=body.attachments)
        appeal = appeal_public(preview, ctx.message)
    return {
        "available": found.available,
        "marketplace": found.marketplace,
        "category": found.category,
        "identifiers": [{"type": i.type, "value": i.value} for i in found.identifiers],
        "event_date": found.event_date,
        "channel": found.channel,
        "missing": found.missing or (appeal["missing"] if appeal else []),
        "questions": found.questions or (appeal["questions"] if appeal else []),
        "needs_confirmation": found.needs_confirmation,
        "category_alternatives": found.alternatives,
        "confirmation_question": found.question,
        "urgent": found.urgent,
        "appeal": appeal,
    }
