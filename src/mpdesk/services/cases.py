"""Use cases of cases (``domain/cases.py``): one case shown with its appeals, money and findings;
a final outcome closing the earlier appeals; the duplicate check of a new appeal.

The CLI (``mpdesk case show``), the ticket and case pages and the API call these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from mpdesk.domain import cases as domain
from mpdesk.domain.accounts import Principal
from mpdesk.domain.audit.findings import SavedFinding
from mpdesk.domain.cases import CaseRole, CaseState, Duplicate
from mpdesk.domain.identifiers import Identifier
from mpdesk.domain.tickets import Direction, Message, Ticket
from mpdesk.services import access
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.audit import FindingFilter
from mpdesk.services.ports.journal import TicketFilter, UnitOfWork

#: at most this many appeals are read when looking for duplicates
_DUPLICATE_SCAN = 200


@dataclass(frozen=True)
class CaseMember:
    ticket: Ticket
    role: CaseRole
    #: «закрыто: решено по претензии №16» when the case's outcome closed this appeal
    closed_reason: str = ""


@dataclass(frozen=True)
class CaseView:
    id: int
    shop_id: int
    state: CaseState
    members: list[CaseMember]
    claimed: Decimal | None
    recovered: Decimal | None
    decided_by: Ticket | None
    closed_at: datetime | None
    reason: str  # how the case ended, in Russian ("" while open)
    findings: list[SavedFinding] = field(default_factory=list)

    @property
    def tickets(self) -> list[Ticket]:
        return [m.ticket for m in self.members]


def load_members(uow: UnitOfWork, case_id: int) -> list[Ticket]:
    """Every appeal of the case, whole (correspondence and events), oldest first."""
    listed = uow.tickets.list(TicketFilter(case_id=case_id, order_by="id", identifiers=False))
    found = [uow.tickets.get(t.id) for t in listed if t.id is not None]
    members = [t for t in found if t is not None]
    if not members:  # a ticket saved before cases existed is its own case
        root = uow.tickets.get(case_id)
        members = [root] if root is not None else []
    return members


def reason_text(ctx: ServiceContext, final: Ticket, members: Sequence[Ticket]) -> str:
    role = domain.role_of(final, members)
    return ctx.message(
        "case_closed_reason",
        outcome=ctx.message(f"case_outcome_{final.status.value}"),
        by=ctx.message(f"case_by_{role.value}"),
        id=final.id,
    )


def close_earlier_appeals(
    ctx: ServiceContext, uow: UnitOfWork, final: Ticket, actor: str
) -> list[Ticket]:
    """After ``final`` got a final outcome: close the earlier appeals of its case still open,
    with a reason and a note naming it (their reply clocks stop). The caller commits."""
    case_id = domain.case_of(final)
    if case_id is None:
        return []
    members = [t if t.id != final.id else final for t in load_members(uow, case_id)]
    closing = domain.to_close(members, final)
    if not closing:
        return []
    now = ctx.clock.now()
    reason = reason_text(ctx, final, members)
    for ticket in closing:
        domain.close_by(ticket, final, now, actor, reason)
        ticket.messages.append(Message(Direction.NOTE, reason, now, "", actor))
        uow.tickets.save(ticket)
    return closing


def _member_reason(ctx: ServiceContext, ticket: Ticket, by_id: dict[int, Ticket]) -> str:
    event = next((e for e in reversed(ticket.events) if e.kind == "case_closed"), None)
    if event is None or not event.to_value.isdigit():
        return ""
    final = by_id.get(int(event.to_value))
    return reason_text(ctx, final, list(by_id.values())) if final is not None else ""


def build_view(ctx: ServiceContext, members: list[Ticket]) -> CaseView:
    by_id = {t.id: t for t in members if t.id is not None}
    state = domain.case_state(members)
    final = domain.deciding_ticket(members)
    claimed, recovered = domain.case_money(members)
    rows = [
        CaseMember(t, domain.role_of(t, members), _member_reason(ctx, t, by_id)) for t in members
    ]
    root = members[0]
    return CaseView(
        id=domain.case_of(root) or 0,
        shop_id=root.shop_id,
        state=state,
        members=rows,
        claimed=claimed,
        recovered=recovered,
        decided_by=final,
        closed_at=final.closed_at if final else None,
        reason=reason_text(ctx, final, members) if final is not None else "",
    )


def get_case(ctx: ServiceContext, principal: Principal, ticket_id: int) -> CaseView:
    """The case of a ticket (a case's number is its first appeal's number)."""
    with ctx.reads() as uow:
        ticket = access.visible_ticket(uow, principal, ticket_id)
        members = load_members(uow, domain.case_of(ticket) or ticket_id)
    view = build_view(ctx, members)
    if ctx.audit is not None:
        ids = [t.id for t in view.tickets if t.id is not None]
        with ctx.audit.uow() as auw:
            found = auw.audits.list(FindingFilter(ticket_ids=ids, shop_id=view.shop_id))
        view = CaseView(**{**view.__dict__, "findings": found})
    return view


def find_duplicates(
    ctx: ServiceContext,
    principal: Principal,
    marketplace: str,
    identifiers: Sequence[Identifier],
    shop_id: int | None = None,
) -> list[Duplicate]:
    """Open cases, or cases closed within 30 days, of the marketplace in the person's shops
    (or in ``shop_id``) that name one of the supply, order, SKU or barcode of a new appeal;
    newest case first."""
    wanted = domain.problem_identifiers(identifiers)
    if not wanted:
        return []
    now = ctx.clock.now()
    result = []
    with ctx.reads() as uow:
        if shop_id is not None:
            access.visible_shop(uow, principal, shop_id)
        flt = access.scoped(principal, TicketFilter(
            marketplace=marketplace, shop_id=shop_id, any_identifier=wanted,
            limit=_DUPLICATE_SCAN, identifiers=False,
        ))  # fmt: skip
        hits = uow.tickets.list(flt)
        case_ids = sorted({domain.case_of(t) or 0 for t in hits}, reverse=True)
        for case_id in case_ids:
            members = load_members(uow, case_id)
            if not members or not domain.is_duplicate_candidate(members, now):
                continue
            named = {i for t in members for i in t.identifiers}
            latest = max((t for t in members if t.submitted_at is not None),
                         key=lambda t: t.id or 0, default=members[-1])  # fmt: skip
            result.append(
                Duplicate(
                    case_id=case_id,
                    state=domain.case_state(members),
                    matched=tuple(i for i in wanted if i in named),
                    ticket_ids=tuple(t.id for t in members if t.id is not None),
                    latest_id=latest.id or case_id,
                    closed_at=domain.closed_at(members),
                )
            )
    return result


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def _at(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def duplicate_public(d: Duplicate) -> dict[str, Any]:
    return {
        "case_id": d.case_id,
        "state": d.state.value,
        "matched": [{"type": i.type.value, "value": i.value} for i in d.matched],
        "ticket_ids": list(d.ticket_ids),
        "follow_up_of": d.latest_id,
        "closed_at": _at(d.closed_at),
    }


def case_public(view: CaseView) -> dict[str, Any]:
    """Plain dict for ``--json`` and the API (codes, ISO times, decimal strings)."""
    return {
        "id": view.id,
        "shop_id": view.shop_id,
        "state": view.state.value,
        "amount_claimed": _money(view.claimed),
        "amount_recovered": _money(view.recovered),
        "decided_by": view.decided_by.id if view.decided_by else None,
        "closed_at": _at(view.closed_at),
        "reason": view.reason,
        "appeals": [
            {
                "id": m.ticket.id,
                "role": m.role.value,
                "status": m.ticket.status.value,
                "subject": m.ticket.subject,
                "external_id": m.ticket.external_id,
                "created_at": _at(m.ticket.created_at),
                "submitted_at": _at(m.ticket.submitted_at),
                "closed_at": _at(m.ticket.closed_at),
                "amount_claimed": m.ticket.amount_claimed,
                "amount_recovered": m.ticket.amount_recovered,
                "closed_reason": m.closed_reason,
            }
            for m in view.members
        ],
        "findings": [
            {
                "id": f.id,
                "kind": f.finding.kind.value,
                "status": f.status.value,
                "ticket_id": f.ticket_id,
                "amount": _money(f.finding.amount),
                "currency": f.finding.currency,
            }
            for f in view.findings
        ],
    }
