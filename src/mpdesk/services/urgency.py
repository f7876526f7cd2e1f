"""Urgency of appeals, derived when they are shown (``domain/urgency.py``): the kind of
urgent problem read from the seller's text and the seller's clocks that end within a day.

``urgency_of`` answers for the tickets a page shows; ``resolve_urgent`` turns the «Срочные»
filter into conditions the journal query can apply (the clocks are computed here, the
problem signs are a column); ``first_action`` words the reason and what to do now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from mpdesk.domain.sla import ticket_deadlines
from mpdesk.domain.tickets import Ticket
from mpdesk.domain.urgency import (
    TEXT_DEADLINE,
    TEXT_DEADLINE_FRESH,
    Urgency,
    clock_urgency,
    ticket_urgency,
)
from mpdesk.services import formatting
from mpdesk.services.context import ServiceContext
from mpdesk.services.deadlines import display_tz, links_for, links_from, reply_hours
from mpdesk.services.ports.journal import TicketFilter, UrgentOnly


@dataclass(frozen=True)
class UrgencyNote:
    """What a person reads: why the appeal is urgent and the first action to take now."""

    reason: str  # code (``cabinet_blocked``, ``objection_window``, …)
    label: str  # Russian
    action: str  # Russian
    due_at: datetime | None = None

    def public(self) -> dict[str, str | None]:
        return {
            "reason": self.reason,
            "label": self.label,
            "action": self.action,
            "due_at": self.due_at.astimezone(UTC).isoformat() if self.due_at else None,
        }


def urgency_of(ctx: ServiceContext, tickets: Sequence[Ticket]) -> dict[int, Urgency]:
    """The urgent ones among ``tickets`` (by id) at the clock's now."""
    now = ctx.clock.now()
    shown = [t for t in tickets if t.is_open and t.id is not None]
    if not shown:
        return {}
    if ctx.deadlines is None:  # a context without the journal's clocks: the problem only
        found = {t.id: ticket_urgency(t, (), now) for t in shown}
        return {tid: u for tid, u in found.items() if tid is not None and u is not None}
    tz, calendar, rules = display_tz(ctx), ctx.deadlines.calendar, ctx.kb.deadlines
    links = links_for(ctx, shown)
    result: dict[int, Urgency] = {}
    for t in shown:
        assert t.id is not None
        clocks = ticket_deadlines(t, rules, calendar, tz, now, links.get(t.id), reply_hours(ctx, t))
        urgency = ticket_urgency(t, clocks, now)
        if urgency is not None:
            result[t.id] = urgency
    return result


def _clock_urgent_ids(ctx: ServiceContext, scope: list[int] | None, now: datetime) -> list[int]:
    """Open tickets of ``scope`` whose seller's clock ends within a day."""
    if ctx.deadlines is None:
        return []
    tz, calendar, rules = display_tz(ctx), ctx.deadlines.calendar, ctx.kb.deadlines
    found: list[int] = []
    for batch, raw in ctx.deadlines.analytics.iter_clock_batches(scope):
        links = links_from({t.id: t.parent_id for t in batch if t.id is not None}, raw)
        for t in batch:
            if t.id is None or not t.is_open:
                continue
            clocks = ticket_deadlines(
                t, rules, calendar, tz, now, links.get(t.id), reply_hours(ctx, t)
            )
            if clock_urgency(clocks, now) is not None:
                found.append(t.id)
    return found


def resolve_urgent(ctx: ServiceContext, flt: TicketFilter) -> TicketFilter:
    """The filter with its «Срочные» condition computed (``flt.urgent_at`` set): the ids of
    tickets whose clock ends within a day, and the problem signs that count."""
    if flt.urgent_at is None or flt.urgent is not None:
        return flt
    scope = list(flt.shop_ids) if flt.shop_ids is not None else None
    if flt.shop_id is not None:
        scope = [s for s in (scope if scope is not None else [flt.shop_id]) if s == flt.shop_id]
    now = flt.urgent_at
    only = UrgentOnly(
        clock_ids=tuple(_clock_urgent_ids(ctx, scope, now)),
        fresh_sign=TEXT_DEADLINE,
        fresh_after=now - TEXT_DEADLINE_FRESH,
    )
    return replace(flt, urgent=only)


def first_action(ctx: ServiceContext, urgency: Urgency) -> UrgencyNote:
    """The reason in words and the first action to take now (``urgent_reason_<reason>``,
    ``urgent_action_<reason>`` in the message catalogue)."""
    due = ""
    if urgency.due_at is not None:
        due = formatting.moment(ctx.clock.local(urgency.due_at))
    return UrgencyNote(
        urgency.reason,
        ctx.message(f"urgent_reason_{urgency.reason}"),
        ctx.message(f"urgent_action_{urgency.reason}", due=due),
        urgency.due_at,
    )


def notes_for(ctx: ServiceContext, tickets: Sequence[Ticket]) -> dict[int, UrgencyNote]:
    """``urgency_of`` in words, for pages and the CLI."""
    return {tid: first_action(ctx, u) for tid, u in urgency_of(ctx, tickets).items()}


def public(note: UrgencyNote | None) -> dict[str, object]:
    """The JSON fields of a ticket's urgency: ``urgent`` and ``urgency`` (reason code, words,
    first action, clock end) or null."""
    return {"urgent": note is not None, "urgency": note.public() if note else None}
