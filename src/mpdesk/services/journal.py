"""Use cases of the appeals journal: open, submit, log replies, change status, follow up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mpdesk.domain.appeal import AppealDraft, AttachmentInfo, is_complete
from mpdesk.domain.errors import (
    ConcurrentEditError,
    TicketNotFoundError,
    UnknownValueError,
    UserInputError,
)
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.tickets import (
    Attachment,
    Direction,
    Event,
    Message,
    Status,
    Ticket,
)
from mpdesk.services.compose_appeal import Appeal, compose_appeal
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.files import StoredFile
from mpdesk.services.ports.journal import TicketFilter, UnitOfWork
from mpdesk.services.shops import resolve_shop


def _store_files(ctx: ServiceContext, paths: Sequence[Path]) -> list[tuple[Path, StoredFile]]:
    # check every file before storing any, so a bad file leaves the store untouched
    for path in paths:
        ctx.files.inspect(path)
    return [(p, ctx.files.put(p)) for p in paths]


def _attachments(stored: list[tuple[Path, StoredFile]], now: datetime) -> list[Attachment]:
    return [Attachment(s.sha256, p.name, s.size, s.media_type, now) for p, s in stored]


def is_urgent(ctx: ServiceContext, draft: AppealDraft) -> bool:
    category = ctx.kb.categories.get(draft.category)
    has_money = any(i.type is IdType.AMOUNT for i in draft.identifiers)
    return bool(category and category.urgent) or has_money


def _load(uow: UnitOfWork, ticket_id: int) -> Ticket:
    ticket = uow.tickets.get(ticket_id)
    if ticket is None:
        raise TicketNotFoundError(ticket_id)
    return ticket


@dataclass(frozen=True)
class OpenedTicket:
    ticket: Ticket
    appeal: Appeal


def preview_appeal(ctx: ServiceContext, draft: AppealDraft, files: Sequence[Path] = ()) -> Appeal:
    """Compose without saving anything (files are only inspected)."""
    infos = [
        AttachmentInfo(p.name, s.size, s.media_type, s.sha256)
        for p, s in ((p, ctx.files.inspect(p)) for p in files)
    ]
    draft.attachments = [*draft.attachments, *infos]
    return compose_appeal(ctx.kb, ctx.renderer, draft, ctx.clock.today())


def open_ticket(
    ctx: ServiceContext,
    draft: AppealDraft,
    files: Sequence[Path] = (),
    shop_name: str | None = None,
    amount_claimed: str | None = None,
) -> OpenedTicket:
    try:
        with ctx.uow() as uow:
            opened = add_ticket(ctx, uow, draft, files, shop_name, amount_claimed)
            uow.commit()
    except BaseException:
        ctx.files.discard_pending()
        raise
    ctx.files.commit_pending()
    return opened


def add_ticket(
    ctx: ServiceContext,
    uow: UnitOfWork,
    draft: AppealDraft,
    files: Sequence[Path] = (),
    shop_name: str | None = None,
    amount_claimed: str | None = None,
    template_id: str | None = None,
    extra_context: dict[str, Any] | None = None,
) -> OpenedTicket:
    """Create a ticket inside the caller's unit of work. The caller commits, then commits or
    discards the files stored pending (``ctx.files``). ``template_id`` and ``extra_context``
    choose another appeal template than the category's (audits use their own)."""
    now = ctx.clock.now()
    shop = resolve_shop(ctx, uow, draft.marketplace, shop_name)
    draft.shop_name = shop.name
    stored = _store_files(ctx, files)
    draft.attachments = [
        *draft.attachments,
        *(AttachmentInfo(p.name, s.size, s.media_type, s.sha256) for p, s in stored),
    ]
    appeal = compose_appeal(
        ctx.kb, ctx.renderer, draft, ctx.clock.today(), template_id, extra_context
    )
    if amount_claimed is None:
        amounts = [i.value for i in draft.identifiers if i.type is IdType.AMOUNT]
        amount_claimed = amounts[0] if amounts else None
    ticket = Ticket(
        shop_id=shop.id,
        marketplace=draft.marketplace,
        category=draft.category,
        subject=appeal.subject,
        body=appeal.body,
        description=draft.description,
        created_at=now,
        updated_at=now,
        event_date=draft.event_date,
        status=Status.READY if appeal.complete else Status.DRAFT,
        channel_id=appeal.channel.id,
        urgent=is_urgent(ctx, draft),
        amount_claimed=amount_claimed,
        identifiers=list(dict.fromkeys(draft.identifiers)),
        attachments=_attachments(stored, now),
        events=[Event("created", now, ctx.actor, "", "draft")],
    )
    if ticket.status is Status.READY:
        ticket.events.append(Event("status", now, ctx.actor, "draft", "ready"))
    uow.tickets.add(ticket)
    return OpenedTicket(ticket, appeal)


def get_ticket(ctx: ServiceContext, ticket_id: int) -> Ticket:
    with ctx.uow() as uow:
        return _load(uow, ticket_id)


def list_tickets(ctx: ServiceContext, flt: TicketFilter) -> list[Ticket]:
    with ctx.uow() as uow:
        return uow.tickets.list(flt)


def submit_ticket(
    ctx: ServiceContext, ticket_id: int, external_id: str, channel_id: str = ""
) -> Ticket:
    with ctx.uow() as uow:
        ticket = _load(uow, ticket_id)
        channel_id = channel_id or ticket.channel_id
        channel = ctx.kb.channels.get(channel_id)
        if channel is None or channel.marketplace not in (ticket.marketplace, "*"):
            allowed = sorted(
                c.id for c in ctx.kb.channels.values() if c.marketplace == ticket.marketplace
            )
            raise UnknownValueError("channel", channel_id, allowed)
        now = ctx.clock.now()
        ticket.submit(external_id, channel.id, now, channel.reply_hours, ctx.actor)
        ticket.messages.append(Message(Direction.OUT, ticket.body, now, channel.id, ctx.actor))
        uow.tickets.save(ticket)
        uow.commit()
        return ticket


def record_reply(
    ctx: ServiceContext,
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
            ticket = _load(uow, ticket_id)
            stored = _store_files(ctx, files)
            ticket.attachments.extend(_attachments(stored, now))
            message = Message(Direction.IN, text.strip(), at or now, ticket.channel_id, ctx.actor)
            ticket.record_answer(message, ctx.actor)
            uow.tickets.save(ticket)
            uow.commit()
    except BaseException:
        ctx.files.discard_pending()
        raise
    ctx.files.commit_pending()
    return ticket


def add_note(ctx: ServiceContext, ticket_id: int, text: str) -> Ticket:
    if not text.strip():
        raise UserInputError("note_text_required", ticket_id=ticket_id)
    with ctx.uow() as uow:
        ticket = _load(uow, ticket_id)
        ticket.add_note(Message(Direction.NOTE, text.strip(), ctx.clock.now(), "", ctx.actor))
        uow.tickets.save(ticket)
        uow.commit()
        return ticket


def change_status(
    ctx: ServiceContext,
    ticket_id: int,
    target: Status,
    comment: str = "",
    amount_recovered: str | None = None,
    expected_version: int | None = None,
) -> Ticket:
    with ctx.uow() as uow:
        ticket = _load(uow, ticket_id)
        if expected_version is not None and expected_version != ticket.version:
            raise ConcurrentEditError(ticket_id, expected_version, ticket.version)
        now = ctx.clock.now()
        ticket.transition(target, now, ctx.actor, comment)
        if target is Status.SUBMITTED and ticket.channel_id in ctx.kb.channels:
            hours = ctx.kb.channels[ticket.channel_id].reply_hours
            ticket.reply_due_at = now + timedelta(hours=hours)
        if comment:
            ticket.messages.append(Message(Direction.NOTE, comment, now, "", ctx.actor))
        if amount_recovered is not None:
            ticket.events.append(
                Event(
                    "amount_recovered",
                    now,
                    ctx.actor,
                    ticket.amount_recovered or "",
                    amount_recovered,
                )
            )
            ticket.amount_recovered = amount_recovered
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


def add_linked_ticket(
    ctx: ServiceContext,
    uow: UnitOfWork,
    parent: Ticket,
    appeal: Appeal,
    kind: str,
    identifiers: Sequence[Identifier],
    attachments: Sequence[Attachment],
    urgent: bool | None = None,
) -> Ticket:
    """Add a ticket that continues ``parent`` (a follow-up or a claim) and note it on the parent.

    The caller commits the unit of work."""
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
        urgent=parent.urgent if urgent is None else urgent,
        parent_id=parent.id,
        amount_claimed=parent.amount_claimed,
        identifiers=list(identifiers),
        attachments=[
            Attachment(a.sha256, a.filename, a.size, a.media_type, now) for a in attachments
        ],
        events=[Event("created", now, ctx.actor, "", "ready", f"{kind} of {parent.id}")],
    )
    uow.tickets.add(ticket)
    parent.events.append(Event(kind, now, ctx.actor, "", str(ticket.id)))
    parent.updated_at = now
    uow.tickets.save(parent)
    return ticket


def follow_up(ctx: ServiceContext, ticket_id: int) -> OpenedTicket:
    """Draft a follow-up linked to the ticket, referencing its external number."""
    with ctx.uow() as uow:
        parent = _load(uow, ticket_id)
        if not parent.external_id or parent.submitted_at is None:
            raise UserInputError("follow_up_needs_submission", ticket_id=ticket_id)
        shop = uow.shops.get(parent.shop_id)
        draft = AppealDraft(
            marketplace=parent.marketplace,
            category=parent.category,
            description=parent.description,
            identifiers=list(parent.identifiers),
            event_date=parent.event_date,
            attachments=[
                AttachmentInfo(a.filename, a.size, a.media_type, a.sha256)
                for a in parent.attachments
            ],
            channel_id=parent.channel_id,
            shop_name=shop.name if shop else "",
            vague=False,
        )
        extra = {
            "external_id": parent.external_id,
            "first_submitted": ctx.clock.local(parent.submitted_at).strftime("%d.%m.%Y"),
            "parent_subject": parent.subject,
        }
        appeal = compose_appeal(ctx.kb, ctx.renderer, draft, ctx.clock.today(), "follow_up", extra)
        ticket = add_linked_ticket(
            ctx, uow, parent, appeal, "follow_up", parent.identifiers, parent.attachments
        )
        uow.commit()
        return OpenedTicket(ticket, appeal)


def build_filter(
    ctx: ServiceContext,
    statuses: Sequence[str] | None = None,
    marketplace: str | None = None,
    category: str | None = None,
    shop_name: str | None = None,
    overdue: bool = False,
    text: str | None = None,
) -> TicketFilter:
    """A ticket filter from user input, each value checked against the valid ones."""
    parsed = []
    for value in statuses or []:
        try:
            parsed.append(Status(value))
        except ValueError as exc:
            raise UnknownValueError("status", value, [s.value for s in Status]) from exc
    if marketplace and marketplace not in ctx.kb.marketplaces:
        raise UnknownValueError("marketplace", marketplace, sorted(ctx.kb.marketplaces))
    if category and category not in ctx.kb.categories:
        raise UnknownValueError("category", category, sorted(ctx.kb.categories))
    shop_id = None
    if shop_name:
        with ctx.uow() as uow:
            shops = uow.shops.list()
        found = next((s for s in shops if s.name == shop_name), None)
        if found is None:
            raise UnknownValueError("shop", shop_name, [s.name for s in shops])
        shop_id = found.id
    return TicketFilter(
        status=parsed,
        marketplace=marketplace or None,
        category=category or None,
        shop_id=shop_id,
        overdue_at=ctx.clock.now() if overdue else None,
        text=text or None,
    )
