"""Urgency is derived from the problem sign and the seller's clocks at ``now``; a closed
appeal is never urgent, and a text's «сегодня последний день» goes stale after a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mpdesk.domain.sla import Deadline, DeadlineKind
from mpdesk.domain.tickets import Status, Ticket
from mpdesk.domain.urgency import Urgency, ticket_urgency

NOW = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)


def ticket(status: Status = Status.DRAFT, sign: str | None = "", age_hours: int = 1) -> Ticket:
    created = NOW - timedelta(hours=age_hours)
    return Ticket(1, "wb", "acceptance", "s", "b", "d", created, created, status=status,
                  urgent_sign=sign, id=7)  # fmt: skip


def clock(kind: DeadlineKind, in_hours: float, informational: bool = False) -> Deadline:
    return Deadline(7, "rule", kind, "label", NOW + timedelta(hours=in_hours), "", informational)


def test_plain_open_appeal_without_clocks_is_not_urgent() -> None:
    assert ticket_urgency(ticket(), [], NOW) is None
    assert ticket_urgency(ticket(sign=None), [], NOW) is None  # text never read


@pytest.mark.parametrize("sign", ["cabinet_blocked", "payouts_frozen", "sales_stopped"])
def test_problem_sign_makes_open_appeal_urgent_at_any_age(sign: str) -> None:
    assert ticket_urgency(ticket(sign=sign, age_hours=24 * 30), [], NOW) == Urgency(sign)


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.REJECTED])
def test_closed_appeal_is_never_urgent(status: Status) -> None:
    closing = [clock(DeadlineKind.OBJECTION, 2)]
    assert ticket_urgency(ticket(status, "cabinet_blocked"), closing, NOW) is None


def test_text_deadline_counts_only_for_a_day() -> None:
    assert ticket_urgency(ticket(sign="deadline_today", age_hours=5), [], NOW) == Urgency(
        "deadline_today"
    )
    assert ticket_urgency(ticket(sign="deadline_today", age_hours=30), [], NOW) is None


def test_seller_clock_ending_within_a_day_is_urgent_and_comes_first() -> None:
    due = clock(DeadlineKind.OBJECTION, 23.5)
    found = ticket_urgency(ticket(sign="payouts_frozen"), [due], NOW)
    assert found == Urgency("objection_window", due.due_at)
    follow = clock(DeadlineKind.FOLLOW_UP, 3)
    assert ticket_urgency(ticket(Status.SUBMITTED), [follow], NOW) == Urgency(
        "follow_up_window", follow.due_at
    )


@pytest.mark.parametrize(
    ("kind", "in_hours", "informational"),
    [
        (DeadlineKind.OBJECTION, 25, False),  # later than a day
        (DeadlineKind.OBJECTION, -1, False),  # already passed: overdue, not «act now»
        (DeadlineKind.REPLY, 2, False),  # the marketplace's clock, not the seller's
        (DeadlineKind.CLAIM_WAIT, 2, True),  # a date to know
    ],
)
def test_other_clocks_do_not_make_it_urgent(
    kind: DeadlineKind, in_hours: float, informational: bool
) -> None:
    assert (
        ticket_urgency(ticket(Status.SUBMITTED), [clock(kind, in_hours, informational)], NOW)
        is None
    )
