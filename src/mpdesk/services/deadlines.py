"""Use cases of deadlines and escalation: the due board, one case's ladder, the pre-trial claim.

The rules are domain (``mpdesk.domain.sla``); this module only loads tickets and their links,
passes ``now``, the time zone and the business-day calendar in, and records results.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from mpdesk.domain.accounts import Principal
from mpdesk.domain.appeal import draft_from_ticket
from mpdesk.domain.errors import TicketNotFoundError, UserInputError
from mpdesk.domain.sla import (
    Bucket,
    Deadline,
    Ladder,
    Links,
    Role,
    escalation_ladder,
    ticket_deadlines,
)
from mpdesk.domain.tickets import Attachment, Direction, Ticket
from mpdesk.services import access, formatting, shop_legal
from mpdesk.services.compose_appeal import compose_appeal
from mpdesk.services.context import DeadlinePorts, ServiceContext
from mpdesk.services.journal import OpenedTicket
from mpdesk.services.ports.journal import UnitOfWork
from mpdesk.services.ticket_actions import add_linked_ticket, original_reference


def deadline_ports(ctx: ServiceContext) -> DeadlinePorts:
    if ctx.deadlines is None:
        raise RuntimeError("deadline ports are not wired (bootstrap with a journal)")
    return ctx.deadlines


def display_tz(ctx: ServiceContext) -> tzinfo:
    tz = ctx.clock.local(ctx.clock.now()).tzinfo
    assert tz is not None
    return tz


def reply_hours(ctx: ServiceContext, ticket: Ticket) -> int | None:
    channel = ctx.kb.channels.get(ticket.channel_id)
    return channel.reply_hours if channel else None


def links_for(ctx: ServiceContext, tickets: list[Ticket]) -> dict[int, Links]:
    """Role and children of each linked ticket, from the ``follow_up``/``claim`` events; a
    ticket without parent and children (most of them) is left out: ``Links()`` applies."""
    parents = {t.id: t.parent_id for t in tickets if t.id is not None}
    return links_from(parents, deadline_ports(ctx).analytics.links(parents))


def links_from(
    parents: dict[int, int | None], raw: dict[int, tuple[list[int], list[int]]]
) -> dict[int, Links]:
    """``links_for`` over links already read (``iter_clock_batches``)."""
    claims = {child for _, (_, claim_ids) in raw.items() for child in claim_ids}
    result = {}
    for tid, parent in parents.items():
        follow_ids, claim_ids = raw.get(tid, ([], []))
        if parent is None and not follow_ids and not claim_ids:
            continue  # a first appeal without follow-ups or claim: the default links
        if parent is not None and not claim_ids:  # a claim on the case supersedes follow-ups
            claim_ids = [c for c in raw.get(parent, ([], []))[1] if c != tid]
        if tid in claims:
            role = Role.CLAIM
        elif parent is not None:
            role = Role.FOLLOW_UP
        else:
            role = Role.APPEAL
        result[tid] = Links(role, tuple(follow_ids), tuple(claim_ids))
    return result


@dataclass(frozen=True)
class DueItem:
    ticket: Ticket
    deadline: Deadline
    bucket: Bucket
    overdue_by: timedelta | None
    due_in: timedelta | None


@dataclass(frozen=True)
class DueBoard:
    now: datetime
    horizon_days: int
    items: list[DueItem]

    def section(self, bucket: Bucket) -> list[DueItem]:
        return [i for i in self.items if i.bucket is bucket]


def _scope(shop_id: int | None, shop_ids: Sequence[int] | None) -> list[int] | None:
    scope = list(shop_ids) if shop_ids is not None else None
    if shop_id is not None:
        scope = [s for s in (scope if scope is not None else [shop_id]) if s == shop_id]
    return scope


def _running_clocks(
    ctx: ServiceContext,
    now: datetime,
    horizon_days: int,
    scope: list[int] | None,
    with_identifiers: bool = False,
) -> Iterator[tuple[Ticket, Deadline, Bucket]]:
    """Every clock of the open tickets of ``scope`` that is overdue, due today or within the
    horizon. Tickets are read without texts and correspondence, and only those that may have
    a clock (awaiting a reply, unsent with an event date, linked to a parent)."""
    tz = display_tz(ctx)
    calendar = deadline_ports(ctx).calendar
    rules = ctx.kb.deadlines
    # in batches: a few thousand tickets at a time stay cheap for the garbage collector
    for batch, raw in deadline_ports(ctx).analytics.iter_clock_batches(
        scope, with_identifiers=with_identifiers
    ):
        links = links_from({t.id: t.parent_id for t in batch if t.id is not None}, raw)
        for ticket in batch:
            link = links.get(ticket.id or 0)
            hours = reply_hours(ctx, ticket)
            for d in ticket_deadlines(ticket, rules, calendar, tz, now, link, hours):
                bucket = d.bucket(now, tz, horizon_days)
                if bucket is not Bucket.LATER:
                    yield ticket, d, bucket


def _item(ticket: Ticket, d: Deadline, bucket: Bucket, now: datetime) -> DueItem:
    return DueItem(ticket, d, bucket, d.overdue_by(now), d.due_at - now if d.due_at > now else None)


_ORDER = {Bucket.OVERDUE: 0, Bucket.TODAY: 1, Bucket.WEEK: 2}


def due_board(
    ctx: ServiceContext,
    horizon_days: int = 7,
    shop_id: int | None = None,
    shop_ids: Sequence[int] | None = None,
) -> DueBoard:
    """Every clock of every open ticket that is overdue, due today or within the horizon,
    in the shop ``shop_id`` or the shops ``shop_ids`` (``None``: every shop); the tickets
    carry their identifiers (``mpdesk due --json``)."""
    now = ctx.clock.now()
    scope = _scope(shop_id, shop_ids)
    items = [
        _item(t, d, b, now)
        for t, d, b in _running_clocks(ctx, now, horizon_days, scope, with_identifiers=True)
    ]
    items.sort(key=lambda i: (_ORDER[i.bucket], i.deadline.due_at, i.ticket.id or 0))
    return DueBoard(now, horizon_days, items)


@dataclass(frozen=True)
class DueSection:
    bucket: Bucket
    tickets: int  # distinct tickets with a clock in this section
    clocks: int  # clocks in this section
    items: list[DueItem]  # the first ``limit`` clocks, most urgent first

    @property
    def more(self) -> int:
        """Clocks not listed."""
        return self.clocks - len(self.items)


@dataclass(frozen=True)
class DueSummary:
    now: datetime
    horizon_days: int
    overdue: DueSection
    today: DueSection
    week: DueSection

    @property
    def sections(self) -> list[DueSection]:
        return [self.overdue, self.today, self.week]


def due_summary(
    ctx: ServiceContext,
    shop_ids: Sequence[int] | None = None,
    horizon_days: int = 7,
    limit: int = 10,
) -> DueSummary:
    """The due board in short, for the dashboard and the API: per section the number of
    tickets and clocks and the ``limit`` most urgent clocks (overdue: the longest overdue
    first). Counts without building the whole board: a journal may have thousands."""
    now = ctx.clock.now()
    tickets: dict[Bucket, set[int]] = {b: set() for b in _ORDER}
    clocks: dict[Bucket, int] = dict.fromkeys(_ORDER, 0)
    # per section a heap of the ``limit`` earliest clocks, keyed negated: its top is the latest
    heads: dict[Bucket, list[tuple[float, int, int, Ticket, Deadline]]] = {b: [] for b in _ORDER}
    running = _running_clocks(ctx, now, horizon_days, _scope(None, shop_ids))
    for n, (ticket, d, bucket) in enumerate(running):
        tickets[bucket].add(ticket.id or 0)
        clocks[bucket] += 1
        entry = (-d.due_at.timestamp(), -(ticket.id or 0), -n, ticket, d)
        head = heads[bucket]
        if len(head) < limit:
            heapq.heappush(head, entry)
        elif head and entry[:3] > head[0][:3]:
            heapq.heapreplace(head, entry)

    def section(bucket: Bucket) -> DueSection:
        listed = sorted(heads[bucket], key=lambda e: e[:3], reverse=True)
        items = [_item(t, d, bucket, now) for *_, t, d in listed]
        return DueSection(bucket, len(tickets[bucket]), clocks[bucket], items)

    return DueSummary(
        now, horizon_days, section(Bucket.OVERDUE), section(Bucket.TODAY), section(Bucket.WEEK)
    )


# --- one case: chain, ladder, claim -------------------------------------------------------------


def _load(uow: UnitOfWork, ticket_id: int) -> Ticket:
    ticket = uow.tickets.get(ticket_id)
    if ticket is None:
        raise TicketNotFoundError(ticket_id)
    return ticket


def _children(ticket: Ticket, kind: str) -> list[int]:
    return [int(e.to_value) for e in ticket.events if e.kind == kind and e.to_value.isdigit()]


@dataclass(frozen=True)
class Case:
    root: Ticket
    follow_ups: list[Ticket]
    claim: Ticket | None

    @property
    def tickets(self) -> list[Ticket]:
        return [self.root, *self.follow_ups, *([self.claim] if self.claim else [])]


def load_case(uow: UnitOfWork, ticket_id: int) -> Case:
    """The whole chain a ticket belongs to: first appeal, follow-ups, claim."""
    ticket = _load(uow, ticket_id)
    root = ticket
    seen = {root.id}
    while root.parent_id is not None and root.parent_id not in seen:
        seen.add(root.parent_id)
        root = _load(uow, root.parent_id)
    follow_ups: list[Ticket] = []
    claim: Ticket | None = None
    seen = {root.id}
    queue = [root]
    while queue:
        current = queue.pop(0)
        for child_id in _children(current, "follow_up"):
            child = uow.tickets.get(child_id)
            if child is not None and child.id not in seen:
                seen.add(child.id)
                follow_ups.append(child)
                queue.append(child)
        for child_id in _children(current, "claim"):
            child = uow.tickets.get(child_id)
            if child is not None:
                claim = child
    follow_ups.sort(key=lambda t: (t.created_at, t.id or 0))
    return Case(root, follow_ups, claim)


@dataclass(frozen=True)
class CaseClocks:
    case: Case
    ladder: Ladder
    deadlines: list[Deadline]


def case_clocks(ctx: ServiceContext, principal: Principal, ticket_id: int) -> CaseClocks:
    """The escalation ladder of the ticket's case and every clock of its tickets."""
    now = ctx.clock.now()
    tz = display_tz(ctx)
    calendar = deadline_ports(ctx).calendar
    with ctx.reads() as uow:
        access.visible_ticket(uow, principal, ticket_id)
        case = load_case(uow, ticket_id)
    links = links_for(ctx, case.tickets)
    deadlines = []
    for t in case.tickets:
        if t.is_open:
            found = ticket_deadlines(
                t, ctx.kb.deadlines, calendar, tz, now, links.get(t.id or 0), reply_hours(ctx, t)
            )
            deadlines.extend(found)
    ladder = escalation_ladder(
        case.root,
        case.follow_ups,
        case.claim,
        ctx.kb.deadlines,
        calendar,
        tz,
        now,
        reply_hours(ctx, case.root),
    )
    return CaseClocks(case, ladder, sorted(deadlines, key=lambda d: d.due_at))


def _history(ctx: ServiceContext, case: Case) -> list[dict[str, str]]:
    """Appeals and answers of the case, oldest first, for the claim text."""
    entries = []
    for t in [case.root, *case.follow_ups]:
        if t.submitted_at is None:
            continue
        answers = [m for m in t.messages if m.direction is Direction.IN]
        mailed = t.mailed_appeal()
        entries.append(
            {
                "date": formatting.day(ctx.clock.local(t.submitted_at).date()),
                "external_id": t.external_id,
                "message_id": mailed.to_value if mailed else "",
                "mailed_on": formatting.day(ctx.clock.local(mailed.at).date()) if mailed else "",
                "subject": t.subject,
                "answer_date": (
                    formatting.day(ctx.clock.local(answers[0].at).date()) if answers else ""
                ),
                "answer": answers[-1].body.strip().splitlines()[0][:300] if answers else "",
            }
        )
    return entries


def draft_claim(ctx: ServiceContext, principal: Principal, ticket_id: int) -> OpenedTicket:
    """Draft the pre-trial claim of a case from the ``pretrial_claim`` template with the appeal
    history and all evidence attached; record it as a ticket linked to the first appeal (a
    manager of the case's shop)."""
    with ctx.uow() as uow:
        access.editable_ticket(uow, principal, ticket_id)
        case = load_case(uow, ticket_id)
        root = case.root
        reference = original_reference(ctx, root)
        if reference is None:
            raise UserInputError("claim_needs_submission", ticket_id=root.id or ticket_id)
        if case.claim is not None:
            raise UserInputError(
                "claim_exists", ticket_id=root.id or ticket_id, claim_id=case.claim.id or "?"
            )
        shop = uow.shops.get(root.shop_id)
        parties, legal_warning = shop_legal.parties_of(ctx, uow, shop) if shop else ({}, None)
        evidence: dict[str, Attachment] = {}
        for t in case.tickets:
            for a in t.attachments:
                evidence.setdefault(a.sha256, a)
        identifiers = list(dict.fromkeys(i for t in case.tickets for i in t.identifiers))
        draft = draft_from_ticket(
            root, shop.name if shop else "", identifiers, list(evidence.values()), vague=False
        )
        extra = {
            **reference,
            "parent_subject": root.subject,
            "history": _history(ctx, case),
            "amount_claimed": root.amount_claimed or "",
            **({"parties": parties} if parties else {}),
        }
        appeal = compose_appeal(
            ctx.kb, ctx.renderer, draft, ctx.clock.today(), "pretrial_claim", extra
        )
        if legal_warning is not None:
            appeal = replace(appeal, warnings=[*appeal.warnings, legal_warning])
        claim = add_linked_ticket(
            ctx, uow, root, appeal, "claim", identifiers, list(evidence.values()),
            actor=principal.login,
        )  # fmt: skip
        uow.commit()
        return OpenedTicket(claim, appeal)
