"""The next step after an answer, as a pure function of its reading and explicit dates.

- ``needs_data`` → provide the asked items (their checklist items reopen);
- ``refused`` → the pre-trial claim (or a follow-up when the refusal asks for nothing and the
  case has no money at stake — the caller decides with ``claim_possible``);
- ``resolved`` → wait until the promised day (money shows in a report), then check and close;
- ``no_decision`` / ``auto_reply`` → wait until the promised day or the reply deadline, then
  follow up; after ``max_follow_ups`` unanswered follow-ups, the pre-trial claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from mpdesk.domain.answers.extract import Term
from mpdesk.domain.answers.lexicon import AnswerClass
from mpdesk.domain.answers.reading import AnswerReading
from mpdesk.domain.sla import BusinessCalendar


class StepKind(StrEnum):
    PROVIDE_DATA = "provide_data"
    WAIT = "wait"
    FOLLOW_UP = "follow_up"
    PRETRIAL_CLAIM = "pretrial_claim"
    CLOSE = "close"


@dataclass(frozen=True)
class NextStep:
    kind: StepKind
    #: wait until this day (inclusive); for a follow-up, the day it became due
    until: date | None = None
    #: finer items to provide (``provide_data``)
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class StepPolicy:
    """Defaults when an answer promises no term."""

    wait_days: int = 3  # working days to wait after a non-answer
    credit_days: int = 14  # calendar days for promised money to show in a report
    max_follow_ups: int = 2


def term_end(term: Term | None, answered_on: date, calendar: BusinessCalendar) -> date | None:
    """The last day of a promised term counted from the answer's day."""
    if term is None:
        return None
    if term.days is not None:
        if term.business:
            return calendar.add_business_days(answered_on, term.days)
        return answered_on + timedelta(days=term.days)
    if term.day is None or term.month is None:
        return None
    year = term.year or answered_on.year
    try:
        day = date(year, term.month, term.day)
    except ValueError:
        return None
    if term.year is None and day < answered_on:
        try:
            day = date(year + 1, term.month, term.day)  # «до 10.01» written in December
        except ValueError:
            return None
    return day


def propose_next_step(
    reading: AnswerReading,
    *,
    answered_on: date,
    today: date,
    calendar: BusinessCalendar,
    reply_due: date | None = None,
    follow_ups_sent: int = 0,
    claim_possible: bool = True,
    policy: StepPolicy | None = None,
) -> NextStep:
    """``reply_due``: the appeal's own reply deadline (for an acknowledgement);
    ``follow_ups_sent``: follow-ups already sent without an answer that decided."""
    policy = policy or StepPolicy()
    cls = reading.answer_class
    if cls is AnswerClass.NEEDS_DATA:
        items = reading.details or tuple(k.value for k in reading.requested)
        return NextStep(StepKind.PROVIDE_DATA, items=items)
    if cls is AnswerClass.REFUSED:
        return NextStep(StepKind.PRETRIAL_CLAIM if claim_possible else StepKind.FOLLOW_UP)
    promised = term_end(reading.promised, answered_on, calendar)
    if cls is AnswerClass.RESOLVED:
        if reading.amount is None and promised is None:
            return NextStep(StepKind.CLOSE)
        until = promised or answered_on + timedelta(days=policy.credit_days)
        return NextStep(StepKind.WAIT, until) if today <= until else NextStep(StepKind.CLOSE)
    if cls is AnswerClass.AUTO_REPLY:
        until = promised or reply_due or calendar.add_business_days(answered_on, policy.wait_days)
    else:
        until = promised or calendar.add_business_days(answered_on, policy.wait_days)
    if today <= until:
        return NextStep(StepKind.WAIT, until)
    if follow_ups_sent >= policy.max_follow_ups and claim_possible:
        return NextStep(StepKind.PRETRIAL_CLAIM, until)
    return NextStep(StepKind.FOLLOW_UP, until)
