"""Is an appeal urgent now, and why: derived whenever it is shown, never stored.

Urgency comes from the problem and from the clocks:

- the problem: the kind of urgent problem triage reads in the seller's text
  (``Ticket.urgent_sign``: ``cabinet_blocked``, ``payouts_frozen``, ``sales_stopped``,
  ``deadline_today``); a text that says «сегодня последний день» counts only during the day
  after it was written;
- the clocks: a deadline the seller must meet (the objection window of an unsent appeal, the
  window for a follow-up) that ends within ``URGENT_WITHIN``.

Only an open appeal is urgent. A clock comes first: it says by when to act.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from mpdesk.domain.sla import Deadline, DeadlineKind
from mpdesk.domain.tickets import Ticket

#: kinds of urgent problem triage reads (the lexicon's ``urgent.terms`` keys)
PROBLEM_KINDS = ("cabinet_blocked", "payouts_frozen", "sales_stopped", "deadline_today")
URGENT_WITHIN = timedelta(hours=24)
#: a text's own «today is the last day» is news for this long after it was written
TEXT_DEADLINE_FRESH = timedelta(hours=24)
#: the problem kind that speaks of a deadline in the text
TEXT_DEADLINE = "deadline_today"
#: seller's clocks → urgency reason
CLOCK_REASONS = {
    DeadlineKind.OBJECTION: "objection_window",
    DeadlineKind.FOLLOW_UP: "follow_up_window",
}


#: every reason an appeal can be urgent for (each has its words and first action)
REASONS = (*PROBLEM_KINDS, *CLOCK_REASONS.values())


@dataclass(frozen=True)
class Urgency:
    """Why the appeal is urgent (``reason``: a problem kind or a clock) and, for a clock,
    when it ends."""

    reason: str
    due_at: datetime | None = None


def clock_urgency(deadlines: Iterable[Deadline], now: datetime) -> Urgency | None:
    """The earliest seller's clock that ends within ``URGENT_WITHIN`` (not yet passed)."""
    for d in sorted(deadlines, key=lambda d: d.due_at):
        reason = CLOCK_REASONS.get(d.kind)
        if reason and not d.informational and now <= d.due_at <= now + URGENT_WITHIN:
            return Urgency(reason, d.due_at)
    return None


def problem_urgency(ticket: Ticket, now: datetime) -> Urgency | None:
    sign = ticket.urgent_sign
    if not sign:
        return None
    if sign == TEXT_DEADLINE and now - ticket.created_at > TEXT_DEADLINE_FRESH:
        return None
    return Urgency(sign)


def ticket_urgency(ticket: Ticket, deadlines: Iterable[Deadline], now: datetime) -> Urgency | None:
    """Urgency of the ticket at ``now`` given its running clocks; ``None`` when not urgent."""
    if not ticket.is_open:
        return None
    return clock_urgency(deadlines, now) or problem_urgency(ticket, now)
