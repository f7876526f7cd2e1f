"""The e-mail channel in the API: send a ticket's appeal by e-mail, read its latest answer,
fetch the shops' mailboxes, list the unmatched inbox and file a message of it under a ticket.
Each endpoint calls one use case of ``services/mail_send.py``, ``services/mail_fetch.py`` or
``services/answer_reading.py``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from mpdesk.domain.accounts import Principal
from mpdesk.entrypoints.api import schemas as s
from mpdesk.entrypoints.api.openapi import ERRORS
from mpdesk.entrypoints.api.routes import acting, ticket_out
from mpdesk.entrypoints.web.security import api_principal
from mpdesk.services import journal
from mpdesk.services.answer_reading import read_ticket_answer
from mpdesk.services.mail_fetch import (
    FetchReport,
    assign_mail,
    fetch_all_mail,
    fetch_mail,
    list_unmatched,
    mail_public,
)
from mpdesk.services.mail_send import send_appeal

MAIL_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    502: {"model": s.ErrorPublic, "description": "The shop's mail server failed or refused"},
}
router = APIRouter(
    prefix="/api/v1", dependencies=[Depends(api_principal)], responses=MAIL_ERRORS, tags=["mail"]
)
PrincipalDep = Annotated[Principal, Depends(api_principal)]
Id = Annotated[int, Path(ge=1, le=s.INT32)]


class MailPublic(BaseModel):
    id: int | None
    shop_id: int
    ticket_id: int | None
    direction: Literal["in", "out"]
    message_id: str
    subject: str
    sender: str
    at: str
    text: str
    answer_class: str | None
    appeal_number: str | None
    auto_reply: bool
    problems: list[str]


class MailFetchPublic(BaseModel):
    shop_id: int
    fetched: int
    matched: int
    unmatched: int
    duplicates: int
    tickets: list[int]
    notified: dict[str, int]  # reminder channel → new answers the seller was told about
    recovered: list[int]  # tickets whose interrupted send was found in the Sent folder


class NextStepPublic(BaseModel):
    kind: Literal["provide_data", "wait", "follow_up", "pretrial_claim", "close"]
    until: str | None
    items: list[str]


class AnswerReadingPublic(BaseModel):
    """The latest answer of a ticket read per the answer contract, with the next step."""

    at: str
    answer_class: Literal["resolved", "refused", "needs_data", "no_decision", "auto_reply"]
    appeal_number: str | None
    requested: list[str]
    amount: str | None
    details: list[str]
    reason: str | None
    next_step: NextStepPublic
    text: list[str]  # the same in Russian, as the ticket page shows it


class MailAssign(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_id: int = Field(ge=1, le=s.INT32)


def _report(report: FetchReport) -> dict[str, Any]:
    return {
        "shop_id": report.shop_id,
        "fetched": report.fetched,
        "matched": len(report.matched),
        "unmatched": report.unmatched,
        "duplicates": report.duplicates,
        "tickets": report.matched,
        "notified": report.notified,
        "recovered": report.recovered,
    }


@router.post(
    "/tickets/{ticket_id}/mail",
    response_model=s.TicketPublic,
    summary="Send the appeal by e-mail from the shop's mailbox (the ticket becomes submitted)",
)
def send(
    request: Request,
    principal: PrincipalDep,
    ticket_id: Id,
    resend: Annotated[
        bool, Query(description="Send although an earlier send may have arrived")
    ] = False,
) -> Any:
    """409 ``mail_send_unconfirmed``: an earlier send was interrupted after the server may
    have accepted it and the Sent folder does not show it; repeat with ``resend=true``."""
    ctx = acting(request, principal)
    return ticket_out(ctx, send_appeal(ctx, principal, ticket_id, resend=resend))


@router.get(
    "/tickets/{ticket_id}/answer",
    response_model=AnswerReadingPublic | None,
    summary="The ticket's latest answer (by mail or logged by hand), read, with the next step",
)
def answer(request: Request, principal: PrincipalDep, ticket_id: Id) -> Any:
    ctx = acting(request, principal)
    found = read_ticket_answer(ctx, journal.get_ticket(ctx, principal, ticket_id))
    if found is None:
        return None
    contract = found.reading.contract()
    step = found.step
    return {
        "at": found.at.isoformat(),
        "answer_class": contract.pop("class"),
        **contract,
        "next_step": {"kind": step.kind.value, "items": list(step.items),
                      "until": step.until.isoformat() if step.until else None},
        "text": found.lines,
    }  # fmt: skip


@router.post(
    "/mail/fetch",
    response_model=list[MailFetchPublic],
    summary="Fetch new mail of the shops' mailboxes and file answers under tickets",
)
def fetch(
    request: Request,
    principal: PrincipalDep,
    shop_id: Annotated[int | None, Query(ge=1, le=s.INT32)] = None,
) -> Any:
    ctx = acting(request, principal)
    if shop_id is not None:
        return [_report(fetch_mail(ctx, principal, shop_id))]
    return [_report(r) for r in fetch_all_mail(ctx, principal)]


@router.get(
    "/mail/inbox", response_model=list[MailPublic], summary="Mail no ticket claimed, newest first"
)
def inbox(request: Request, principal: PrincipalDep) -> Any:
    return [mail_public(r) for r in list_unmatched(acting(request, principal), principal)]


@router.post(
    "/mail/{mail_id}/assign",
    response_model=s.TicketPublic,
    summary="File a message of the unmatched inbox under a ticket of the same shop",
)
def assign(request: Request, principal: PrincipalDep, mail_id: Id, body: MailAssign) -> Any:
    ctx = acting(request, principal)
    return ticket_out(ctx, assign_mail(ctx, principal, mail_id, body.ticket_id))
