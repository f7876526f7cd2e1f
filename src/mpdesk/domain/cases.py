"""A case: the appeals about one problem — the first appeal, its follow-ups, the pre-trial claim
(and the audit findings drafted into them). Every ticket carries ``case_id``, the id of the
case's first appeal; a follow-up or a claim inherits it from the ticket it continues.

    state:  draft    no appeal of the case was sent
            open     a sent appeal still waits or was answered without a final outcome
            resolved / rejected   the latest final outcome, no sent appeal open

A final outcome (resolved or rejected) of any appeal closes the case: the earlier appeals still
open are closed with the same outcome and a reason naming the one that decided (their reply
clocks stop). The case's money is counted once: the largest amount claimed by a sent appeal
(a follow-up or a claim repeats the first appeal's amount), and the amounts recovered added up,
never above the amount claimed when one is known. Drafts carry no money.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.tickets import CLOSED_STATUSES, Event, Status, Ticket

#: statuses of an appeal never sent: a draft carries no money and no clock
UNSENT = frozenset({Status.DRAFT, Status.READY})
#: statuses a final outcome closes: sent and still open
CLOSABLE = frozenset({Status.SUBMITTED, Status.ANSWERED, Status.REOPENED})
#: identifiers that name the problem: an appeal naming one of an open case's is a duplicate
DUPLICATE_ID_TYPES = (IdType.SUPPLY_ID, IdType.ORDER_ID, IdType.SKU, IdType.BARCODE)
#: a case resolved this recently still catches a duplicate
RECENT = timedelta(days=30)


class CaseState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    RESOLVED = "resolved"
    REJECTED = "rejected"


class CaseRole(StrEnum):
    """What an appeal is in its case."""

    APPEAL = "appeal"
    FOLLOW_UP = "follow_up"
    CLAIM = "claim"


def case_of(ticket: Ticket) -> int | None:
    """The case id of a ticket (a first appeal not yet saved has none)."""
    return ticket.case_id if ticket.case_id is not None else ticket.id


def role_of(ticket: Ticket, members: Sequence[Ticket]) -> CaseRole:
    """A claim is noted on the ticket it continues (a ``claim`` event naming it)."""
    ref = str(ticket.id)
    if any(e.kind == "claim" and e.to_value == ref for m in members for e in m.events):
        return CaseRole.CLAIM
    if any(e.kind == "created" and e.detail.startswith("claim of ") for e in ticket.events):
        return CaseRole.CLAIM
    return CaseRole.APPEAL if ticket.parent_id is None else CaseRole.FOLLOW_UP


def _closed_by_case(ticket: Ticket) -> bool:
    """Closed by another appeal's outcome (and not reopened and decided since)."""
    last = next((e for e in reversed(ticket.events) if e.kind in ("case_closed", "status")), None)
    return last is not None and last.kind == "case_closed"


def _final(tickets: Sequence[Ticket]) -> Ticket | None:
    """The latest appeal closed by its own outcome (one the case closed does not decide)."""
    closed = [t for t in tickets if t.status in CLOSED_STATUSES]
    own = [t for t in closed if not _closed_by_case(t)] or closed
    return max(own, key=lambda t: (t.closed_at or t.updated_at, t.id or 0), default=None)


def case_state(tickets: Sequence[Ticket]) -> CaseState:
    sent = [t for t in tickets if t.status not in UNSENT]
    if not sent:
        return CaseState.DRAFT
    if any(t.status in CLOSABLE for t in sent):
        return CaseState.OPEN
    final = _final(sent)
    assert final is not None
    return CaseState.RESOLVED if final.status is Status.RESOLVED else CaseState.REJECTED


def deciding_ticket(tickets: Sequence[Ticket]) -> Ticket | None:
    """The appeal whose final outcome closed the case (None while it is open)."""
    if case_state(tickets) not in (CaseState.RESOLVED, CaseState.REJECTED):
        return None
    return _final(tickets)


def closed_at(tickets: Sequence[Ticket]) -> datetime | None:
    final = deciding_ticket(tickets)
    return final.closed_at if final is not None else None


def _amount(value: str | None) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


def case_money(tickets: Sequence[Ticket]) -> tuple[Decimal | None, Decimal | None]:
    """``(claimed, recovered)`` of the case, each counted once (module docstring)."""
    sent = [t for t in tickets if t.status not in UNSENT]
    claimed_values = [a for a in (_amount(t.amount_claimed) for t in sent) if a is not None]
    recovered_values = [a for a in (_amount(t.amount_recovered) for t in sent) if a is not None]
    claimed = max(claimed_values) if claimed_values else None
    recovered = sum(recovered_values, Decimal(0)) if recovered_values else None
    if claimed is not None and recovered is not None:
        recovered = min(recovered, claimed)
    return claimed, recovered


def to_close(tickets: Sequence[Ticket], final: Ticket) -> list[Ticket]:
    """The earlier appeals of the case that ``final``'s outcome closes."""
    if final.status not in CLOSED_STATUSES or final.id is None:
        return []
    return [t for t in tickets if t.id is not None and t.id < final.id and t.status in CLOSABLE]


def close_by(ticket: Ticket, final: Ticket, now: datetime, actor: str, reason: str) -> None:
    """Close an earlier appeal with ``final``'s outcome; its reply clock stops."""
    ticket.transition(final.status, now, actor, reason)
    ticket.events.append(Event("case_closed", now, actor, final.status.value, str(final.id)))
    ticket.reply_due_at = None


def problem_identifiers(identifiers: Sequence[Identifier]) -> list[Identifier]:
    """The identifiers that find a duplicate: supply, order, SKU, barcode."""
    return [i for i in dict.fromkeys(identifiers) if i.type in DUPLICATE_ID_TYPES]


@dataclass(frozen=True)
class Duplicate:
    """An open case, or one resolved within ``RECENT``, about the same goods."""

    case_id: int
    state: CaseState
    matched: tuple[Identifier, ...]
    ticket_ids: tuple[int, ...]
    latest_id: int  # the appeal a follow-up continues
    closed_at: datetime | None


def is_duplicate_candidate(tickets: Sequence[Ticket], now: datetime) -> bool:
    """Open, or closed less than ``RECENT`` ago (a case of drafts only is not one yet)."""
    state = case_state(tickets)
    if state is CaseState.OPEN:
        return True
    if state is CaseState.DRAFT:
        return False
    at = closed_at(tickets)
    return at is not None and now - at <= RECENT
