"""Deadlines and the escalation ladder of appeals, over explicit ``now``, time zone and calendar.

Pure: imports the standard library and ``mpdesk.domain`` only. The clock, the time zone and the
business-day calendar (official Russian holidays, loaded from the knowledge base) come in as
arguments; the rules come from ``knowledge/deadlines.yaml`` as ``DeadlineRule`` values.

Clocks of one ticket (``ticket_deadlines``):

- ``reply``      the marketplace's answer is due (channel reply hours; ``reply_due_at``);
- ``follow_up``  the reply is overdue: send a follow-up within ``days`` after the reply deadline;
- ``objection``  a document window (WB acceptance act 7 days, weekly report 7 calendar days,
                 УПД 3 working days, …) counted from ``event_date`` — met when the appeal is sent;
- ``claim_answer`` / ``claim_wait``  a submitted pre-trial claim: answer due, and the 30 calendar
                 days after which the dispute may go to the arbitration court (АПК РФ ч. 5 ст. 4).

The ladder of a money claim (``escalation_ladder``): appeal → follow-up when the reply is overdue
or unsatisfying → pre-trial claim → 30-day wait → court.

Day-counted windows end at the end of their last day in the display time zone. Objection
windows are never moved past a non-working day (the conservative reading, so the seller is not
late); the claim wait is (АПК РФ ст. 114 ч. 4), so the court date is never too early.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from mpdesk.domain.knowledge import DeadlineRule
from mpdesk.domain.tickets import AWAITING_REPLY, Status, Ticket, reply_due_after

#: statuses in which the appeal has not been sent yet
UNSENT = frozenset({Status.DRAFT, Status.READY})


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days: Monday–Friday, minus official holidays, plus transferred working days."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    years: frozenset[int] = frozenset()  # years the data covers
    #: (month, day) of the fixed public holidays (ТК РФ ст. 112), used for uncovered years
    fixed: frozenset[tuple[int, int]] = frozenset()

    def covers(self, day: date) -> bool:
        return day.year in self.years

    def is_business_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if not self.covers(day) and (day.month, day.day) in self.fixed:
            return False
        return day.weekday() < 5

    def next_business_day(self, day: date) -> date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def add_business_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
        day = start
        left = days
        while left > 0:
            day += timedelta(days=1)
            if self.is_business_day(day):
                left -= 1
        return day


class DeadlineKind(StrEnum):
    REPLY = "reply"
    FOLLOW_UP = "follow_up"
    OBJECTION = "objection"
    CLAIM_ANSWER = "claim_answer"
    CLAIM_WAIT = "claim_wait"


class Role(StrEnum):
    """What a ticket is in its chain: the first appeal, a follow-up, or a pre-trial claim."""

    APPEAL = "appeal"
    FOLLOW_UP = "follow_up"
    CLAIM = "claim"


@dataclass(frozen=True)
class Links:
    """Escalation links of one ticket (from the journal's ``follow_up`` / ``claim`` events)."""

    role: Role = Role.APPEAL
    follow_up_ids: tuple[int, ...] = ()
    claim_ids: tuple[int, ...] = ()


#: the links of a first appeal without follow-ups or claim
NO_LINKS = Links()


class Bucket(StrEnum):
    OVERDUE = "overdue"
    TODAY = "today"
    WEEK = "week"
    LATER = "later"


@dataclass(frozen=True)
class Deadline:
    ticket_id: int | None
    rule_id: str
    kind: DeadlineKind
    label_ru: str
    due_at: datetime  # aware, UTC
    source: str = ""
    informational: bool = False  # a date to know (court possible), not one to be late for

    def overdue_by(self, now: datetime) -> timedelta | None:
        """How long ago the deadline passed; ``None`` when it has not (or is informational)."""
        if self.informational or now <= self.due_at:
            return None
        return now - self.due_at

    def bucket(self, now: datetime, tz: tzinfo, horizon_days: int = 7) -> Bucket:
        if self.overdue_by(now) is not None:
            return Bucket.OVERDUE
        today = now.astimezone(tz).date()
        due_day = max(self.due_at, now).astimezone(tz).date()
        if due_day == today:
            return Bucket.TODAY
        if due_day <= today + timedelta(days=horizon_days):
            return Bucket.WEEK
        return Bucket.LATER


def end_of_day(day: date, tz: tzinfo) -> datetime:
    """The last microsecond of ``day`` in ``tz``, as an aware datetime."""
    return datetime.combine(day, time.max, tzinfo=tz)


def window_end(start: date, rule: DeadlineRule, calendar: BusinessCalendar) -> date:
    """Last day of a window of ``rule.days`` calendar or working days after ``start``."""
    if rule.business_days:
        return calendar.add_business_days(start, rule.days)
    return start + timedelta(days=rule.days)


def rule_applies(rule: DeadlineRule, ticket: Ticket) -> bool:
    if rule.marketplace and rule.marketplace != ticket.marketplace:
        return False
    return not rule.categories or ticket.category in rule.categories


def find_rule(rules: tuple[DeadlineRule, ...], kind: str, ticket: Ticket) -> DeadlineRule | None:
    """The most specific rule of ``kind`` for the ticket (marketplace and category beat none)."""
    matching = [r for r in rules if r.kind == kind and rule_applies(r, ticket)]
    matching.sort(key=lambda r: (not r.marketplace, not r.categories))
    return matching[0] if matching else None


def reply_due(ticket: Ticket, rules: tuple[DeadlineRule, ...], reply_hours: int | None) -> datetime:
    """When the answer is due: stored ``reply_due_at``, else channel hours, else the rule."""
    if ticket.reply_due_at is not None:
        return ticket.reply_due_at
    sent = ticket.submitted_at or ticket.created_at
    if reply_hours:
        return reply_due_after(sent, reply_hours)
    rule = find_rule(rules, DeadlineKind.REPLY, ticket)
    return sent + timedelta(days=rule.days if rule else 2)


def claim_wait_end(
    submitted_at: datetime, rule: DeadlineRule, calendar: BusinessCalendar, tz: tzinfo
) -> date:
    """Last day of the pre-trial wait; moved to the next working day (АПК РФ ст. 114 ч. 4)."""
    start = submitted_at.astimezone(tz).date()
    return calendar.next_business_day(window_end(start, rule, calendar))


def court_possible_at(
    submitted_at: datetime, rule: DeadlineRule, calendar: BusinessCalendar, tz: tzinfo
) -> datetime:
    """The first moment the dispute may go to court: the day after the wait ends."""
    last = claim_wait_end(submitted_at, rule, calendar, tz)
    return datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)


def _deadline(
    ticket: Ticket, rule: DeadlineRule, kind: DeadlineKind, due: datetime, info: bool = False
) -> Deadline:
    return Deadline(ticket.id, rule.id, kind, rule.label_ru, due, rule.source, info)


def ticket_deadlines(
    ticket: Ticket,
    rules: tuple[DeadlineRule, ...],
    calendar: BusinessCalendar,
    tz: tzinfo,
    now: datetime,
    links: Links | None = None,
    reply_hours: int | None = None,
) -> list[Deadline]:
    """Every clock that applies to the ticket now, earliest first."""
    links = links or NO_LINKS
    found: list[Deadline] = []
    if ticket.status in UNSENT and ticket.event_date is not None:
        for rule in rules:
            if rule.kind == DeadlineKind.OBJECTION and rule_applies(rule, ticket):
                last = window_end(ticket.event_date, rule, calendar)
                due = end_of_day(last, tz)
                found.append(_deadline(ticket, rule, DeadlineKind.OBJECTION, due))
    if links.role is Role.CLAIM:
        found.extend(_claim_deadlines(ticket, rules, calendar, tz))
    elif ticket.status in AWAITING_REPLY and not (links.follow_up_ids or links.claim_ids):
        # a follow-up or a claim carries the case on: this ticket's own clocks are superseded
        due = reply_due(ticket, rules, reply_hours)
        reply_rule = find_rule(rules, DeadlineKind.REPLY, ticket) or DeadlineRule(
            "reply", DeadlineKind.REPLY, 2
        )
        found.append(_deadline(ticket, reply_rule, DeadlineKind.REPLY, due))
        follow_rule = find_rule(rules, DeadlineKind.FOLLOW_UP, ticket)
        if follow_rule and now > due:
            last = window_end(due.astimezone(tz).date(), follow_rule, calendar)
            found.append(
                _deadline(ticket, follow_rule, DeadlineKind.FOLLOW_UP, end_of_day(last, tz))
            )
    return sorted(found, key=lambda d: d.due_at)


def _claim_deadlines(
    ticket: Ticket, rules: tuple[DeadlineRule, ...], calendar: BusinessCalendar, tz: tzinfo
) -> list[Deadline]:
    if ticket.submitted_at is None or ticket.status is Status.RESOLVED:
        return []
    found = []
    answer = find_rule(rules, DeadlineKind.CLAIM_ANSWER, ticket)
    if answer and ticket.status in AWAITING_REPLY:
        last = window_end(ticket.submitted_at.astimezone(tz).date(), answer, calendar)
        found.append(_deadline(ticket, answer, DeadlineKind.CLAIM_ANSWER, end_of_day(last, tz)))
    wait = find_rule(rules, DeadlineKind.CLAIM_WAIT, ticket)
    if wait:
        court = court_possible_at(ticket.submitted_at, wait, calendar, tz)
        found.append(_deadline(ticket, wait, DeadlineKind.CLAIM_WAIT, court, info=True))
    return found


def objection_breaches(
    ticket: Ticket, rules: tuple[DeadlineRule, ...], calendar: BusinessCalendar, tz: tzinfo
) -> list[tuple[Deadline, timedelta]]:
    """Objection windows the appeal was sent after (history, for analytics and warnings)."""
    if ticket.event_date is None or ticket.submitted_at is None:
        return []
    late = []
    for rule in rules:
        if rule.kind == DeadlineKind.OBJECTION and rule_applies(rule, ticket):
            due = end_of_day(window_end(ticket.event_date, rule, calendar), tz)
            if ticket.submitted_at > due:
                deadline = _deadline(ticket, rule, DeadlineKind.OBJECTION, due)
                late.append((deadline, ticket.submitted_at - due))
    return late


# --- the escalation ladder ------------------------------------------------------------------


class Step(StrEnum):
    APPEAL = "appeal"
    FOLLOW_UP = "follow_up"
    CLAIM = "claim"
    CLAIM_WAIT = "claim_wait"
    COURT = "court"
    DONE = "done"


@dataclass(frozen=True)
class Ladder:
    """Where a case stands and what comes next.

    ``reason``: not_submitted | awaiting_reply | reply_overdue | answered | rejected |
    claim_draft | claim_wait | court_possible | resolved.
    """

    step: Step
    reason: str
    next_step: Step | None = None
    next_at: datetime | None = None  # when the next step is due or becomes possible
    court_possible_at: datetime | None = None
    is_money_claim: bool = False
    steps: tuple[Step, ...] = field(default=())  # the full ladder for this case


MONEY_LADDER = (Step.APPEAL, Step.FOLLOW_UP, Step.CLAIM, Step.CLAIM_WAIT, Step.COURT)
PLAIN_LADDER = (Step.APPEAL, Step.FOLLOW_UP)


def escalation_ladder(
    root: Ticket,
    follow_ups: list[Ticket],
    claim: Ticket | None,
    rules: tuple[DeadlineRule, ...],
    calendar: BusinessCalendar,
    tz: tzinfo,
    now: datetime,
    reply_hours: int | None = None,
) -> Ladder:
    """The ladder of a case: its first appeal, its follow-ups (oldest first), its claim."""
    money = root.amount_claimed is not None
    steps = MONEY_LADDER if money else PLAIN_LADDER

    def ladder(
        step: Step,
        reason: str,
        nxt: Step | None = None,
        at: datetime | None = None,
        court: datetime | None = None,
    ) -> Ladder:
        return Ladder(step, reason, nxt, at, court, money, steps)

    chain = [root, *follow_ups, *([claim] if claim else [])]
    if any(t.status is Status.RESOLVED for t in chain):
        return ladder(Step.DONE, "resolved")
    if claim is not None:
        wait = find_rule(rules, DeadlineKind.CLAIM_WAIT, claim)
        if claim.submitted_at is None or wait is None:
            return ladder(Step.CLAIM, "claim_draft", Step.CLAIM_WAIT)
        court = court_possible_at(claim.submitted_at, wait, calendar, tz)
        if now < court:
            return ladder(Step.CLAIM_WAIT, "claim_wait", Step.COURT, court, court)
        return ladder(Step.COURT, "court_possible", None, court, court)

    latest = follow_ups[-1] if follow_ups else root
    step = Step.FOLLOW_UP if follow_ups else Step.APPEAL
    after = Step.CLAIM if money and step is Step.FOLLOW_UP else Step.FOLLOW_UP
    if latest.status in UNSENT:
        return ladder(step, "not_submitted")
    if latest.status in AWAITING_REPLY:
        due = reply_due(latest, rules, reply_hours)
        return ladder(step, "reply_overdue" if now > due else "awaiting_reply", after, due)
    # answered (the seller judges the answer) or rejected: the next step is open now
    reason = "rejected" if latest.status is Status.REJECTED else "answered"
    moment = latest.first_answer_at or latest.closed_at or latest.updated_at
    return ladder(step, reason, after, moment)


def reminder_key(deadline: Deadline, now: datetime) -> str:
    """Stable id of one reminder event: a deadline (ticket, rule, due instant) in one state.

    A deadline is reminded about once while it is coming and once more when it is overdue;
    a moved deadline (a new ``due_at``) is a new event.
    """
    state = "overdue" if deadline.overdue_by(now) is not None else "due"
    return f"{deadline.ticket_id}:{deadline.rule_id}:{deadline.due_at:%Y%m%dT%H%M}:{state}"
