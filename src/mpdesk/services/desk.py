"""The journal as one signed-in person sees it: every read and write scoped to their shops.

Another shop's ticket or attachment is reported as *not found* (never «forbidden»), so ids
of other shops leak nothing. Writes need the manager role in the ticket's shop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from mpdesk.domain.accounts import Principal, Role
from mpdesk.domain.appeal import AppealDraft, AttachmentInfo
from mpdesk.domain.errors import (
    ConcurrentEditError,
    ForbiddenError,
    NotFoundError,
    TicketNotFoundError,
    UnknownValueError,
    UserInputError,
)
from mpdesk.domain.identifiers import Identifier
from mpdesk.domain.tickets import Attachment, Status, Ticket
from mpdesk.services import journal
from mpdesk.services.compose_appeal import Appeal, compose_appeal
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports import BlobStream, Shop, TicketFilter, UnitOfWork
from mpdesk.services.recent import RecentCache

#: the journal shows «more than N» instead of counting millions of rows on every page
COUNT_CAP = 1_000
#: a full-text search counts its matches one document at a time (a common word: a few
#: milliseconds of database time per thousand), on every keystroke: it stops earlier
SEARCH_COUNT_CAP = 200


@dataclass(frozen=True)
class Page:
    tickets: list[Ticket]
    total: int  # exact up to COUNT_CAP (SEARCH_COUNT_CAP with a text search)
    capped: bool  # True when there are more matches than that
    has_next: bool


def visible_shops(ctx: ServiceContext, principal: Principal) -> list[Shop]:
    with ctx.uow() as uow:
        return [s for s in uow.shops.list() if principal.can_view(s.id)]


def editable_shops(ctx: ServiceContext, principal: Principal) -> list[Shop]:
    return [s for s in visible_shops(ctx, principal) if principal.can(s.id, Role.MANAGER)]


def visible_shop(ctx: ServiceContext, principal: Principal, shop_id: int) -> Shop:
    with ctx.uow() as uow:
        shop = uow.shops.get(shop_id)
    if shop is None or not principal.can_view(shop_id):
        raise NotFoundError("shop_not_found", name=str(shop_id))
    return shop


def scoped(principal: Principal, flt: TicketFilter) -> TicketFilter:
    """The filter limited to the principal's shops (another shop's id matches nothing)."""
    allowed = principal.shop_ids
    if allowed is None:
        return flt
    return replace(flt, shop_ids=allowed)


def list_page(ctx: ServiceContext, principal: Principal, flt: TicketFilter) -> Page:
    """One page of the journal (``flt.limit``/``flt.offset``) and a capped total."""
    with ctx.reads() as uow:
        return _page(uow, scoped(principal, flt))


def journal_page(
    ctx: ServiceContext,
    principal: Principal,
    flt: TicketFilter,
    known_shops: RecentCache | None = None,
) -> tuple[Page, list[Shop]]:
    """A page of the journal and the shops its filters offer, in one unit of work (the web
    journal asks on every keystroke of a search); another shop's id answers «not found».

    ``known_shops`` keeps the list of shops for a few seconds; a shop it does not know yet
    (asked for, or owning a ticket on the page) makes it read the list again, so a new shop
    is never missing."""
    with ctx.reads() as uow:
        every = _shops(uow, known_shops, fresh=False)
        if flt.shop_id is not None and all(s.id != flt.shop_id for s in every):
            every = _shops(uow, known_shops, fresh=True)
        shops = [s for s in every if principal.can_view(s.id)]
        if flt.shop_id is not None and all(s.id != flt.shop_id for s in shops):
            raise NotFoundError("shop_not_found", name=str(flt.shop_id))
        page = _page(uow, scoped(principal, flt))
        ids = {s.id for s in every}
        if any(t.shop_id not in ids for t in page.tickets):
            shops = [s for s in _shops(uow, known_shops, fresh=True) if principal.can_view(s.id)]
        return page, shops


def _shops(uow: UnitOfWork, known: RecentCache | None, fresh: bool) -> list[Shop]:
    found: list[Shop] | None = None if known is None or fresh else known.get("shops")
    if found is None:
        found = uow.shops.list()
        if known is not None:
            known.put("shops", found)
    return found


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
    total = min(total, cap)
    return Page(rows[:limit], total, capped, len(rows) > limit)


def get_visible(ctx: ServiceContext, principal: Principal, ticket_id: int) -> Ticket:
    with ctx.uow() as uow:
        ticket = uow.tickets.get(ticket_id)
    if ticket is None or not principal.can_view(ticket.shop_id):
        raise TicketNotFoundError(ticket_id)
    return ticket


def require_edit(principal: Principal, ticket: Ticket) -> None:
    if not principal.can(ticket.shop_id, Role.MANAGER):
        raise ForbiddenError(shop_id=ticket.shop_id)


def get_editable(ctx: ServiceContext, principal: Principal, ticket_id: int) -> Ticket:
    ticket = get_visible(ctx, principal, ticket_id)
    require_edit(principal, ticket)
    return ticket


def get_attachment(
    ctx: ServiceContext, principal: Principal, ticket_id: int, attachment_id: int
) -> tuple[Attachment, BlobStream]:
    """The attachment and an open stream of its content (the caller closes it)."""
    ticket = get_visible(ctx, principal, ticket_id)
    for att in ticket.attachments:
        if att.id == attachment_id:
            return att, ctx.files.open(att.sha256)
    raise NotFoundError("attachment_not_found", attachment_id=attachment_id)


def open_for_shop(
    ctx: ServiceContext,
    principal: Principal,
    draft: AppealDraft,
    files: Sequence[Path],
    shop_id: int | None,
    amount_claimed: str | None = None,
) -> journal.OpenedTicket:
    """Save a new ticket in a shop where the principal is at least a manager."""
    shop_name = None
    if shop_id is not None:
        shop = visible_shop(ctx, principal, shop_id)
        if not principal.can(shop.id, Role.MANAGER):
            raise ForbiddenError(shop_id=shop.id)
        shop_name = shop.name
    else:
        candidates = [
            s for s in editable_shops(ctx, principal) if s.marketplace == draft.marketplace
        ]
        if candidates:
            default = next((s for s in candidates if s.is_default), candidates[0])
            shop_name = default.name
        elif not principal.is_admin:
            raise UserInputError("no_shop_for_marketplace", marketplace=draft.marketplace)
    return journal.open_ticket(
        ctx, draft, files, shop_name=shop_name, amount_claimed=amount_claimed
    )


def preview(
    ctx: ServiceContext, draft: AppealDraft, attachment_names: Sequence[str] = ()
) -> Appeal:
    """Compose the appeal for display; attachment names stand for files not yet uploaded."""
    draft.attachments = [
        *draft.attachments,
        *(AttachmentInfo(name, 0, "", "") for name in attachment_names if name),
    ]
    return compose_appeal(ctx.kb, ctx.renderer, draft, ctx.clock.today())


def transition(
    ctx: ServiceContext,
    principal: Principal,
    ticket_id: int,
    target: Status,
    comment: str = "",
    external_id: str = "",
    channel_id: str = "",
    amount_recovered: str | None = None,
    expected_version: int | None = None,
) -> Ticket:
    ticket = get_editable(ctx, principal, ticket_id)
    if target is Status.SUBMITTED and ticket.status in (Status.DRAFT, Status.READY):
        if expected_version is not None and expected_version != ticket.version:
            raise ConcurrentEditError(ticket_id, expected_version, ticket.version)
        return journal.submit_ticket(ctx, ticket_id, external_id, channel_id)
    return journal.change_status(
        ctx, ticket_id, target, comment, amount_recovered, expected_version
    )


def reply(
    ctx: ServiceContext, principal: Principal, ticket_id: int, text: str, files: Sequence[Path]
) -> Ticket:
    get_editable(ctx, principal, ticket_id)
    return journal.record_reply(ctx, ticket_id, text, files)


def note(ctx: ServiceContext, principal: Principal, ticket_id: int, text: str) -> Ticket:
    get_editable(ctx, principal, ticket_id)
    return journal.add_note(ctx, ticket_id, text)


def follow_up(ctx: ServiceContext, principal: Principal, ticket_id: int) -> journal.OpenedTicket:
    get_editable(ctx, principal, ticket_id)
    return journal.follow_up(ctx, ticket_id)


def attach(
    ctx: ServiceContext, principal: Principal, ticket_id: int, files: Sequence[Path]
) -> Ticket:
    """Add evidence files to a ticket; a draft whose checklist becomes complete turns ready."""
    get_editable(ctx, principal, ticket_id)
    if not files:
        raise UserInputError("attachment_required")
    now = ctx.clock.now()
    try:
        with ctx.uow() as uow:
            ticket = uow.tickets.get(ticket_id)
            if ticket is None:
                raise TicketNotFoundError(ticket_id)
            for path in files:
                ctx.files.inspect(path)
            for path in files:
                stored = ctx.files.put(path)
                ticket.attachments.append(
                    Attachment(stored.sha256, path.name, stored.size, stored.media_type, now)
                )
            ticket.updated_at = now
            _recompose(ctx, uow, ticket)
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


def _draft_of(ticket: Ticket) -> AppealDraft:
    return AppealDraft(
        marketplace=ticket.marketplace,
        category=ticket.category,
        description=ticket.description,
        identifiers=list(ticket.identifiers),
        event_date=ticket.event_date,
        attachments=[
            AttachmentInfo(a.filename, a.size, a.media_type, a.sha256) for a in ticket.attachments
        ],
        channel_id=ticket.channel_id,
    )


def _recompose(ctx: ServiceContext, uow: UnitOfWork, ticket: Ticket) -> None:
    """Re-render subject and body of a not yet submitted ticket after a change."""
    if ticket.status not in (Status.DRAFT, Status.READY):
        return
    shop = uow.shops.get(ticket.shop_id)
    draft = _draft_of(ticket)
    draft.shop_name = shop.name if shop else ""
    appeal = compose_appeal(ctx.kb, ctx.renderer, draft, ctx.clock.today())
    ticket.subject, ticket.body = appeal.subject, appeal.body
    ticket.channel_id = appeal.channel.id
    ticket.urgent = journal.is_urgent(ctx, draft)
    journal.refresh_readiness(ticket, appeal, ctx.clock.now(), ctx.actor)


def update_ticket(
    ctx: ServiceContext,
    principal: Principal,
    ticket_id: int,
    changes: TicketChanges,
    expected_version: int | None = None,
) -> Ticket:
    get_editable(ctx, principal, ticket_id)
    with ctx.uow() as uow:
        ticket = uow.tickets.get(ticket_id)
        if ticket is None:
            raise TicketNotFoundError(ticket_id)
        if expected_version is not None and expected_version != ticket.version:
            raise ConcurrentEditError(ticket_id, expected_version, ticket.version)
        editable_fields = (
            changes.category,
            changes.identifiers,
            changes.event_date,
            changes.channel_id,
        )
        if ticket.status not in (Status.DRAFT, Status.READY) and (
            any(v is not None for v in editable_fields) or changes.clear_event_date
        ):
            raise UserInputError("ticket_not_editable", ticket_id=ticket_id)
        if changes.category is not None:
            if changes.category not in ctx.kb.categories:
                raise UnknownValueError("category", changes.category, sorted(ctx.kb.categories))
            ticket.category = changes.category
        if changes.description is not None:
            ticket.description = changes.description
        if changes.identifiers is not None:
            ticket.identifiers = list(dict.fromkeys(changes.identifiers))
        if changes.clear_event_date:
            ticket.event_date = None
        elif changes.event_date is not None:
            ticket.event_date = changes.event_date
        if changes.channel_id is not None:
            ticket.channel_id = changes.channel_id
        if changes.amount_claimed is not None:
            ticket.amount_claimed = changes.amount_claimed
        ticket.updated_at = ctx.clock.now()
        _recompose(ctx, uow, ticket)
        uow.tickets.save(ticket)
        uow.commit()
        return ticket
