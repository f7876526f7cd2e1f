"""Use cases of the appeals journal, as one principal sees it: open a ticket (and submit it in
the same transaction), read one, list pages of the journal, build a filter from user input.

Every use case takes the acting ``Principal`` (the CLI acts as ``LOCAL_OWNER``) and checks
access in the unit of work it reads or writes with (``services/access.py``). Changes of an
existing ticket are ``services/ticket_actions.py``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mpdesk.domain.accounts import Principal
from mpdesk.domain.appeal import AppealDraft, AttachmentInfo
from mpdesk.domain.errors import NotFoundError, UnknownValueError, UserInputError
from mpdesk.domain.filenames import clean_filename
from mpdesk.domain.identifiers import IdType
from mpdesk.domain.shops import Shop
from mpdesk.domain.tickets import Attachment, Direction, Event, Message, Status, Ticket
from mpdesk.services import access
from mpdesk.services.compose_appeal import Appeal, compose_appeal
from mpdesk.services.context import ServiceContext
from mpdesk.services.letter_rows import with_rows_files, write_rows_files
from mpdesk.services.ports.files import BlobStream, StoredFile
from mpdesk.services.ports.journal import TicketFilter, UnitOfWork
from mpdesk.services.shops import resolve_shop
from mpdesk.services.triage_case import read_urgent_sign
from mpdesk.services.user_input import check_event_date, parse_category, parse_marketplace

if TYPE_CHECKING:
    from mpdesk.services.urgency import UrgencyNote

#: the journal shows «more than N» instead of counting millions of rows on every page
COUNT_CAP = 1_000
#: a full-text search counts its matches one document at a time: it stops earlier
SEARCH_COUNT_CAP = 200


@dataclass(frozen=True)
class OpenedTicket:
    ticket: Ticket
    appeal: Appeal


@dataclass(frozen=True)
class Page:
    tickets: list[Ticket]
    total: int  # exact up to COUNT_CAP (SEARCH_COUNT_CAP with a text search)
    capped: bool  # True when there are more matches than that
    has_next: bool
    #: why each urgent ticket of the page is urgent, and what to do now (by ticket id)
    urgent: dict[int, UrgencyNote] = field(default_factory=dict)


def store_files(ctx: ServiceContext, paths: Sequence[Path]) -> list[tuple[Path, StoredFile]]:
    """Check every file before storing any, so a bad file leaves the store untouched."""
    for path in paths:
        ctx.files.inspect(path)
    return [(p, ctx.files.put(p)) for p in paths]


def as_attachments(stored: list[tuple[Path, StoredFile]], now: datetime) -> list[Attachment]:
    return [
        Attachment(
            s.sha256,
            clean_filename(p.name),
            s.size,
            s.media_type,
            now,
            width=s.pixels[0] if s.pixels else None,
            height=s.pixels[1] if s.pixels else None,
        )
        for p, s in stored
    ]


def preview_appeal(
    ctx: ServiceContext,
    draft: AppealDraft,
    files: Sequence[Path] = (),
    attachment_names: Sequence[str] = (),
    extra_context: dict[str, Any] | None = None,
) -> Appeal:
    """Compose without saving anything: files are only inspected, and attachment names stand
    for files not uploaded yet."""
    infos = [
        AttachmentInfo(p.name, s.size, s.media_type, s.sha256)
        for p, s in ((p, ctx.files.inspect(p)) for p in files)
    ]
    extra = with_rows_files(extra_context)  # long rows: the XLSX saving will attach
    names = [*(n for n in attachment_names if n), *extra["rows_files"].values()]
    draft.attachments = [*draft.attachments, *infos, *(AttachmentInfo(n, 0, "", "") for n in names)]
    return compose_appeal(ctx.kb, ctx.renderer, draft, ctx.clock.today(), None, extra)


@dataclass(frozen=True)
class Submission:
    """«Create and submit»: the number the marketplace gave, and the channel it went to."""

    external_id: str
    channel_id: str = ""


def open_ticket(
    ctx: ServiceContext,
    principal: Principal,
    draft: AppealDraft,
    files: Sequence[Path] = (),
    shop_id: int | None = None,
    shop_name: str | None = None,
    amount_claimed: str | None = None,
    submission: Submission | None = None,
    extra_context: dict[str, Any] | None = None,
    follow_up_of: int | None = None,
) -> OpenedTicket:
    """Save a new ticket in a shop where the principal is at least a manager (the shop given by
    id or name, else the default one of the marketplace); with ``submission`` it is marked
    submitted in the same transaction, so a refused submission leaves no draft behind. With
    ``follow_up_of`` the ticket joins that appeal's case as a follow-up (a duplicate added to
    its case), in the appeal's shop."""
    try:
        with ctx.uow() as uow:
            parent = None
            if follow_up_of is not None:
                parent = access.editable_ticket(uow, principal, follow_up_of)
                shop_id, shop_name = parent.shop_id, None
            shop = _target_shop(ctx, uow, principal, draft.marketplace, shop_id, shop_name)
            opened = add_ticket(
                ctx,
                uow,
                draft,
                files,
                shop.name,
                amount_claimed,
                extra_context=extra_context,
                actor=principal.login,
                parent=parent,
            )
            if submission is not None:
                ticket = opened.ticket
                submit(ctx, ticket, submission.external_id, submission.channel_id, principal.login)
                uow.tickets.save(ticket)
            uow.commit()
    except BaseException:
        ctx.files.discard_pending()
        raise
    ctx.files.commit_pending()
    return opened


def _target_shop(
    ctx: ServiceContext,
    uow: UnitOfWork,
    principal: Principal,
    marketplace: str,
    shop_id: int | None,
    shop_name: str | None,
) -> Shop:
    if shop_id is not None:
        return access.editable_shop(uow, principal, shop_id)
    if shop_name or principal.is_admin:  # the named shop, or the default (made on first use)
        shop = resolve_shop(ctx, uow, marketplace, shop_name)
        access.require_manager(principal, shop.id)
        return shop
    candidates = [s for s in access.editable_shops(uow, principal) if s.marketplace == marketplace]
    if not candidates:
        raise UserInputError("no_shop_for_marketplace", marketplace=marketplace)
    return next((s for s in candidates if s.is_default), candidates[0])


def add_ticket(
    ctx: ServiceContext,
    uow: UnitOfWork,
    draft: AppealDraft,
    files: Sequence[Path] = (),
    shop_name: str | None = None,
    amount_claimed: str | None = None,
    template_id: str | None = None,
    extra_context: dict[str, Any] | None = None,
    actor: str | None = None,
    parent: Ticket | None = None,
) -> OpenedTicket:
    """Create a ticket inside the caller's unit of work (with ``parent``: a follow-up in the
    parent's case, noted on the parent). The caller commits, then commits or
    discards the files stored pending (``ctx.files``). ``template_id`` and ``extra_context``
    choose another appeal template than the category's (audits use their own)."""
    actor = actor or ctx.actor
    now = ctx.clock.now()
    check_event_date(ctx, draft.event_date)
    shop = resolve_shop(ctx, uow, draft.marketplace, shop_name)
    draft.shop_name = shop.name
    extra_context = with_rows_files(extra_context)
    with tempfile.TemporaryDirectory(prefix="mpdesk-rows-") as folder:  # rows a letter cannot hold
        rows_files = write_rows_files(ctx, Path(folder), extra_context)
        stored = store_files(ctx, [*files, *rows_files])
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
        urgent_sign=read_urgent_sign(ctx, draft.description),
        amount_claimed=amount_claimed,
        identifiers=list(dict.fromkeys(draft.identifiers)),
        attachments=as_attachments(stored, now),
        events=[Event("created", now, actor, "", "draft")],
    )
    if ticket.status is Status.READY:
        ticket.events.append(Event("status", now, actor, "draft", "ready"))
    if parent is not None:
        ticket.parent_id, ticket.case_id = parent.id, parent.case_id or parent.id
        ticket.events[0].detail = f"follow_up of {parent.id}"
    uow.tickets.add(ticket)
    if parent is not None:
        parent.events.append(Event("follow_up", now, actor, "", str(ticket.id)))
        parent.updated_at = now
        uow.tickets.save(parent)
    return OpenedTicket(ticket, appeal)


def submit(
    ctx: ServiceContext, ticket: Ticket, external_id: str, channel_id: str, actor: str
) -> None:
    """Mark ``ticket`` submitted through a channel of its marketplace (the caller saves it)."""
    channel_id = channel_id or ticket.channel_id
    channel = ctx.kb.channels.get(channel_id)
    if channel is None or channel.marketplace not in (ticket.marketplace, "*"):
        allowed = sorted(
            c.id for c in ctx.kb.channels.values() if c.marketplace == ticket.marketplace
        )
        raise UnknownValueError("channel", channel_id, allowed)
    now = ctx.clock.now()
    numbered = channel.name_ru if channel.gives_number else None
    ticket.submit(external_id, channel.id, now, channel.reply_hours, actor, numbered)
    ticket.messages.append(Message(Direction.OUT, ticket.body, now, channel.id, actor))


# --- reading -----------------------------------------------------------------------------


def get_ticket(ctx: ServiceContext, principal: Principal, ticket_id: int) -> Ticket:
    with ctx.reads() as uow:
        return access.visible_ticket(uow, principal, ticket_id)


def get_attachment(
    ctx: ServiceContext, principal: Principal, ticket_id: int, attachment_id: int
) -> tuple[Attachment, BlobStream]:
    """The attachment and an open stream of its content (the caller closes it)."""
    ticket = get_ticket(ctx, principal, ticket_id)
    for att in ticket.attachments:
        if att.id == attachment_id:
            return att, ctx.files.open(att.sha256)
    raise NotFoundError("attachment_not_found", attachment_id=attachment_id)


def list_shops(ctx: ServiceContext, principal: Principal, editable: bool = False) -> list[Shop]:
    """The shops the principal sees (``editable``: where they may open tickets)."""
    with ctx.reads() as uow:
        if editable:
            return access.editable_shops(uow, principal)
        return access.visible_shops(uow, principal)


def get_shop(ctx: ServiceContext, principal: Principal, shop_id: int) -> Shop:
    with ctx.reads() as uow:
        return access.visible_shop(uow, principal, shop_id)


def list_tickets(ctx: ServiceContext, principal: Principal, flt: TicketFilter) -> list[Ticket]:
    from mpdesk.services.urgency import resolve_urgent  # urgency reads the deadlines module

    # the clocks are read on a connection of their own: before the journal's is taken, never
    # while it is held (a request holding one connection and waiting for a second one
    # deadlocks a busy server once every pooled connection is held that way)
    flt = resolve_urgent(ctx, access.scoped(principal, flt))
    with ctx.reads() as uow:
        return uow.tickets.list(flt)


def list_page(ctx: ServiceContext, principal: Principal, flt: TicketFilter) -> Page:
    """One page of the journal (``flt.limit``/``flt.offset``) and a capped total; another
    shop's id matches nothing."""
    from mpdesk.services.urgency import resolve_urgent  # it reads deadlines

    flt = resolve_urgent(ctx, access.scoped(principal, flt))  # before the journal's connection
    with ctx.reads() as uow:
        page = _page(uow, flt)
    return _noted(ctx, page)


def journal_page(
    ctx: ServiceContext, principal: Principal, flt: TicketFilter
) -> tuple[Page, list[Shop]]:
    """A page of the journal and the shops its filters offer, in one unit of work; another
    shop's id answers «not found». The clocks (the «Срочные» filter, the urgency notes) are
    read on their own connection before and after the journal's, never while it is held."""
    from mpdesk.services.urgency import resolve_urgent  # it reads deadlines

    flt = resolve_urgent(ctx, access.scoped(principal, flt))
    with ctx.reads() as uow:
        shops = access.visible_shops(uow, principal)
        if flt.shop_id is not None and all(s.id != flt.shop_id for s in shops):
            raise NotFoundError("shop_not_found", name=str(flt.shop_id))
        page = _page(uow, flt)
    return _noted(ctx, page), shops


def _noted(ctx: ServiceContext, page: Page) -> Page:
    from mpdesk.services.urgency import notes_for  # it reads deadlines

    return replace(page, urgent=notes_for(ctx, page.tickets))


def _page(uow: UnitOfWork, flt: TicketFilter) -> Page:
    limit = flt.limit or 50
    cap = SEARCH_COUNT_CAP if flt.text else COUNT_CAP
    rows, counted = uow.tickets.list_counted(replace(flt, limit=limit + 1), cap + 1)
    if flt.offset == 0 and len(rows) <= limit:
        total = len(rows)
    elif counted is not None:
        total = counted
    else:
        total = uow.tickets.count_upto(replace(flt, limit=None, offset=0), cap + 1)
    capped = total > cap
    shown = rows[:limit]
    return Page(shown, min(total, cap), capped, len(rows) > limit, {})


def build_filter(
    ctx: ServiceContext,
    statuses: Sequence[str] | None = None,
    marketplace: str | None = None,
    category: str | None = None,
    shop_name: str | None = None,
    overdue: bool = False,
    text: str | None = None,
    urgent: bool = False,
) -> TicketFilter:
    """A ticket filter from user input, each value checked against the valid ones."""
    parsed = []
    for value in statuses or []:
        try:
            parsed.append(Status(value))
        except ValueError as exc:
            raise UnknownValueError("status", value, [s.value for s in Status]) from exc
    marketplace = parse_marketplace(ctx, marketplace)
    category = parse_category(ctx, category)
    shop_id = None
    if shop_name:
        with ctx.reads() as uow:
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
        urgent_at=ctx.clock.now() if urgent else None,
    )
