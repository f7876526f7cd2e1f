"""The next step is a pure function of the reading and the dates passed in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from mpdesk.domain.answers.extract import Term
from mpdesk.domain.answers.lexicon import AnswerClass, RequestKind
from mpdesk.domain.answers.next_step import StepKind, propose_next_step, term_end
from mpdesk.domain.answers.reading import AnswerReading
from mpdesk.domain.sla import BusinessCalendar

CAL = BusinessCalendar(
    holidays=frozenset({date(2026, 1, 1), date(2026, 1, 2)}), years=frozenset({2026})
)
MON = date(2025, 12, 1)


def step(reading: AnswerReading, today: date, **kw: object) -> tuple[StepKind, date | None]:
    s = propose_next_step(reading, answered_on=MON, today=today, calendar=CAL, **kw)  # type: ignore[arg-type]
    return s.kind, s.until


def test_asked_data_is_to_be_provided_with_its_items() -> None:
    reading = AnswerReading(
        AnswerClass.NEEDS_DATA, requested=(RequestKind.EVIDENCE,), details=("video", "upd")
    )
    result = propose_next_step(reading, answered_on=MON, today=MON, calendar=CAL)
    assert result.kind is StepKind.PROVIDE_DATA
    assert result.items == ("video", "upd")


def test_a_refusal_leads_to_the_pretrial_claim_unless_none_is_possible() -> None:
    reading = AnswerReading(AnswerClass.REFUSED)
    assert step(reading, MON)[0] is StepKind.PRETRIAL_CLAIM
    assert step(reading, MON, claim_possible=False)[0] is StepKind.FOLLOW_UP


def test_no_decision_waits_three_working_days_then_follows_up() -> None:
    reading = AnswerReading(AnswerClass.NO_DECISION)
    assert step(reading, MON) == (StepKind.WAIT, date(2025, 12, 4))
    assert step(reading, date(2025, 12, 5)) == (StepKind.FOLLOW_UP, date(2025, 12, 4))


def test_unanswered_follow_ups_lead_to_the_claim() -> None:
    reading = AnswerReading(AnswerClass.NO_DECISION)
    late = date(2025, 12, 10)
    assert step(reading, late, follow_ups_sent=2)[0] is StepKind.PRETRIAL_CLAIM


def test_a_promised_term_sets_the_wait() -> None:
    reading = AnswerReading(AnswerClass.NO_DECISION, promised=Term(days=10, business=True))
    assert step(reading, MON) == (StepKind.WAIT, date(2025, 12, 15))


def test_an_auto_reply_waits_for_the_appeals_own_deadline() -> None:
    reading = AnswerReading(AnswerClass.AUTO_REPLY)
    assert step(reading, MON, reply_due=date(2025, 12, 3)) == (StepKind.WAIT, date(2025, 12, 3))


def test_promised_money_is_waited_for_then_the_case_is_closed() -> None:
    reading = AnswerReading(AnswerClass.RESOLVED, amount=Decimal("500.00"))
    assert step(reading, MON) == (StepKind.WAIT, date(2025, 12, 15))
    assert step(reading, date(2025, 12, 16))[0] is StepKind.CLOSE
    assert step(AnswerReading(AnswerClass.RESOLVED), MON)[0] is StepKind.CLOSE


def test_term_end_counts_working_days_and_rolls_a_past_date_into_next_year() -> None:
    december = date(2025, 12, 30)
    assert term_end(Term(days=2, business=True), december, CAL) == date(2026, 1, 5)
    assert term_end(Term(day=10, month=1), december, CAL) == date(2026, 1, 10)
    assert term_end(Term(day=31, month=2), december, CAL) is None
    assert term_end(None, december, CAL) is None
