"""Use cases that change a ticket: submit, change the status, log the marketplace's answer,
add a note or evidence files, edit a ticket not yet sent, draft a follow-up.

Each takes the acting ``Principal`` and loads, checks access to and saves the ticket in one
unit of work (``services/access.py``): a ticket of another shop is *not found*, one the
principal may only view is *forbidden*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from mpdesk.domain.accounts import Principal
from mpdesk.domain.appeal import draft_from_ticket, is_complete
from mpdesk.domain.errors import (
    ConcurrentEditError,
    StateConflictError,
    UnknownValueError,
    UserInputError,
)
from mpdesk.domain.identifiers import Identifier
from mpdesk.domain.tickets import (
    CLOSED_STATUSES,
    Attachment,
    Direction,
    Event,
    Message,
    Status,
    Ticket,
    reply_due_after,
)
from mpdesk.services import access, cases, formatting
from mpdesk.services.compose_appeal import Appeal, compose_appeal
from mpdesk.services.context import ServiceContext
from mpdesk.services.journal import OpenedTicket, as_attachments, store_files, submit
from mpdesk.services.ports.journal import UnitOfWork
from mpdesk.services.triage_case import read_urgent_sign
from mpdesk.services.user_input import check_event_date

UNSENT = (Status.DRAFT, Status.READY)


def _check_version(ticket: Ticket, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != ticket.version:
        raise ConcurrentEditError(ticket.id or 0, expected_version, ticket.version)


def submit_ticket(
    ctx: ServiceContext,
    principal: Principal,
    ticket_id: int,
    external_id: str,
    channel_id: str = "",
    expected_version: int | None = None,
) -> Ticket:
    with ctx.uow() as uow:
        ticket = access.editable_ticket(uow, principal, ticket_id)
        _check_version(ticket, expected_version)
        submit(ctx, ticket, external_id, channel_id, principal.login)
        uow.tickets.save(ticket)
        uow.commit()
        return ticket


def change_status(
    ctx: ServiceContext,
    principal: Principal,
    ticket_id: int,
    target: Status,
    comment: str = "",
    amount_recovered: str | None = None,
    expected_version: int | None = None,
    external_id: str = "",
    channel_id: str = "",
) -> Ticket:
    """Any allowed transition; submitting a draft or a ready ticket needs ``external_id``."""
    actor = principal.login
    with ctx.uow() as uow:
        ticket = access.editable_ticket(uow, principal, ticket_id)
        _check_version(ticket, expected_version)
        now = ctx.clock.now()
        if target is Status.SUBMITTED and ticket.status in UNSENT:
            submit(ctx, ticket, external_id, channel_id, actor)
        else:
            ticket.transition(target, now, actor, comment)
            channel = ctx.kb.channels.get(ticket.channel_id)
            if target is Status.SUBMITTED and channel is not None:
                ticket.reply_due_at = reply_due_after(now, channel.reply_hours)
        if comment:
            ticket.messages.append(Message(Direction.NOTE, comment, now, "", actor))
        if amount_recovered is not None:
            before = ticket.amount_recovered or ""
            ticket.events.append(Event("amount_recovered", now, actor, before, amount_recovered))
            ticket.amount_recovered = amount_recovered
        uow.tickets.save(ticket)
        if target in CLOSED_STATUSES:
            cases.close_earlier_appeals(ctx, uow, ticket, actor)
        uow.commit()
        return ticket


def record_reply(
    ctx: ServiceContext,
    principal: Principal,
    ticket_id: int,
    text: str,
    files: Sequence[Path] = (),
    at: datetime | None = None,
) -> Ticket:
    """Log the marketplace's answer (with optional attachments)."""
    if not text.strip():
        raise UserInputError("reply_text_required", ticket_id=ticket_id)
    now = ctx.clock.now()
    try:
        with ctx.uow() as uow:
            ticket = access.editable_ticket(uow, principal, ticket_id)
            ticket.attachments.extend(as_attachments(store_files(ctx, files), now))
            message = Message(
                Direction.IN, text.strip(), at or now, ticket.channel_id, principal.login
            )
            ticket.record_answer(message, principal.login)
            uow.tickets.save(ticket)
            uow.commit()
    except BaseException:
        ctx.files.discard_pending()
        raise
    ctx.files.commit_pending()
    return ticket


def add_note(ctx: ServiceContext, principal: Principal, ticket_id: int, text: str) -> Ticket:
    if not text.strip():
        raise UserInputError("note_text_required", ticket_id=ticket_id)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        uow.tickets.lock_for_append(ticket_id, now)  # appends queue: a note never conflicts
        ticket = access.editable_ticket(uow, principal, ticket_id)
        ticket.add_note(Message(Direction.NOTE, text.strip(), now, "", principal.login))
        uow.tickets.append(ticket)
        uow.commit()
        return ticket


def attach(
    ctx: ServiceContext, principal: Principal, ticket_id: int, files: Sequence[Path]
) -> Ticket:
    """Add evidence files to a ticket; a draft whose checklist becomes complete turns ready."""
    if not files:
        raise UserInputError("attachment_required")
    now = ctx.clock.now()
    try:
        with ctx.uow() as uow:
            ticket = access.editable_ticket(uow, principal, ticket_id)
            ticket.attachments.extend(as_attachments(store_files(ctx, files), now))
            ticket.updated_at = now
            _recompose(ctx, uow, ticket, principal.login)
            uow.tickets.save(ticket)
            uow.commit()
    except BaseException:
        ctx.files.discard_pending()
        raise
    ctx.files.commit_pending()
    return ticket


@dataclass
class TicketChanges:
    """Fields of a not yet submitted ticket that may change (None = keep)."""

    category: str | None = None
    description: str | None = None
    identifiers: list[Identifier] | None = None
    event_date: date | None = None
    clear_event_date: bool = False
    channel_id: str | None = None
    amount_claimed: str | None = None

    def touches_the_appeal(self) -> bool:
        fields = (self.category, self.identifiers, self.event_date, self.channel_id)
        return any(v is not None for v in fields) or self.clear_event_date


def update_ticket(
    ctx: ServiceContext,
    principal: Principal,
    ticket_id: int,
    changes: TicketChanges,
    expected_version: int | None = None,
) -> Ticket:
    with ctx.uow() as uow:
        ticket = access.editable_ticket(uow, principal, ticket_id)
        _check_version(ticket, expected_version)
        if ticket.status not in UNSENT and changes.touches_the_appeal():
            raise UserInputError("ticket_not_editable", ticket_id=ticket_id)
        if changes.category is not None:
            if changes.category not in ctx.kb.categories:
                raise UnknownValueError("category", changes.category, sorted(ctx.kb.categories))
            ticket.category = changes.category
        if changes.description is not None:
            ticket.description = changes.description
            ticket.urgent_sign = read_urgent_sign(ctx, ticket.description)
        if changes.identifiers is not None:
            ticket.identifiers = list(dict.fromkeys(changes.identifiers))
        if changes.clear_event_date:
            ticket.event_date = None
        elif changes.event_date is not None:
            check_event_date(ctx, changes.event_date)
            ticket.event_date = changes.event_date
        if changes.channel_id is not None:
            ticket.channel_id = changes.channel_id
        if changes.amount_claimed is not None:
            ticket.amount_claimed = changes.amount_claimed
        ticket.updated_at = ctx.clock.now()
        _recompose(ctx, uow, ticket, principal.login)
        uow.tickets.save(ticket)
        uow.commit()
        return ticket


def refresh_readiness(ticket: Ticket, appeal: Appeal, now: datetime, actor: str) -> None:
    """Move draft ⇄ ready when the checklist became complete or incomplete."""
    complete = is_complete(appeal.checklist)
    if ticket.status is Status.DRAFT and complete:
        ticket.transition(Status.READY, now, actor)
    elif ticket.status is Status.READY and not complete:
        ticket.transition(Status.DRAFT, now, actor)


def _recompose(ctx: ServiceContext, uow: UnitOfWork, ticket: Ticket, actor: str) -> None:
    """Re-render subject and body of a not yet submitted ticket after a change."""
    if ticket.status not in UNSENT:
        return
    shop = uow.shops.get(ticket.shop_id)
    draft = draft_from_ticket(ticket, shop.name if shop else "")
    appeal = compose_appeal(ctx.kb, ctx.renderer, draft, ctx.clock.today())
    ticket.subject, ticket.body = appeal.subject, appeal.body
    ticket.channel_id = appeal.channel.id
    refresh_readiness(ticket, appeal, ctx.clock.now(), actor)


def add_linked_ticket(
    ctx: ServiceContext,
    uow: UnitOfWork,
    parent: Ticket,
    appeal: Appeal,
    kind: str,
    identifiers: Sequence[Identifier],
    attachments: Sequence[Attachment],
    actor: str | None = None,
) -> Ticket:
    """Add a ticket that continues ``parent`` (a follow-up or a claim) and note it on the
    parent. The caller commits the unit of work."""
    actor = actor or ctx.actor
    now = ctx.clock.now()
    ticket = Ticket(
        shop_id=parent.shop_id,
        marketplace=parent.marketplace,
        category=parent.category,
        subject=appeal.subject,
        body=appeal.body,
        description=parent.description,
        created_at=now,
        updated_at=now,
        event_date=parent.event_date,
        status=Status.READY,
        channel_id=parent.channel_id,
        urgent_sign=parent.urgent_sign,
        parent_id=parent.id,
        case_id=parent.case_id or parent.id,
        amount_claimed=parent.amount_claimed,
        identifiers=list(identifiers),
        attachments=[
            Attachment(a.sha256, a.filename, a.size, a.media_type, now) for a in attachments
        ],
        events=[Event("created", now, actor, "", "ready", f"{kind} of {parent.id}")],
    )
    uow.tickets.add(ticket)
    parent.events.append(Event(kind, now, actor, "", str(ticket.id)))
    parent.updated_at = now
    uow.tickets.save(parent)
    return ticket


def original_reference(ctx: ServiceContext, ticket: Ticket) -> dict[str, str] | None:
    """What identifies a sent appeal in a follow-up or a claim: the marketplace's number, or
    for an e-mail appeal without one the Message-ID and the date of its e-mail; None when the
    appeal was not sent."""
    if ticket.submitted_at is None:
        return None
    mailed = ticket.mailed_appeal()
    if not ticket.external_id and mailed is None:
        return None
    return {
        "external_id": ticket.external_id,
        "first_submitted": formatting.day(ctx.clock.local(ticket.submitted_at).date()),
        "message_id": mailed.to_value if mailed else "",
        "mailed_on": formatting.day(ctx.clock.local(mailed.at).date()) if mailed else "",
    }


def follow_up(ctx: ServiceContext, principal: Principal, ticket_id: int) -> OpenedTicket:
    """Draft a follow-up linked to the ticket, referencing its external number (or, for an
    e-mail appeal without one, its Message-ID and send date)."""
    with ctx.uow() as uow:
        parent = access.editable_ticket(uow, principal, ticket_id)
        reference = original_reference(ctx, parent)
        if reference is None:
            raise StateConflictError("follow_up_needs_submission", ticket_id=ticket_id)
        shop = uow.shops.get(parent.shop_id)
        draft = draft_from_ticket(parent, shop.name if shop else "", vague=False)
        extra = {**reference, "parent_subject": parent.subject}
        appeal = compose_appeal(ctx.kb, ctx.renderer, draft, ctx.clock.today(), "follow_up", extra)
        ticket = add_linked_ticket(
            ctx, uow, parent, appeal, "follow_up", parent.identifiers, parent.attachments,
            actor=principal.login,
        )  # fmt: skip
        uow.commit()
        return OpenedTicket(ticket, appeal)
