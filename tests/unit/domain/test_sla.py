"""Every deadline rule of the knowledge base, the business-day calendar and the ladder."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mpdesk.adapters.calendar_files import load_calendar
from mpdesk.adapters.knowledge_files import KnowledgeFiles
from mpdesk.domain.knowledge import DeadlineRule, KnowledgeBase
from mpdesk.domain.sla import (
    Bucket,
    BusinessCalendar,
    DeadlineKind,
    Links,
    Role,
    Step,
    court_possible_at,
    escalation_ladder,
    objection_breaches,
    reminder_key,
    ticket_deadlines,
)
from mpdesk.domain.tickets import Status, Ticket

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=MSK)


@pytest.fixture(scope="module")
def calendar() -> BusinessCalendar:
    return load_calendar(KnowledgeFiles(None))


def ticket(**kw: object) -> Ticket:
    base: dict[str, object] = {
        "shop_id": 1,
        "marketplace": "wb",
        "category": "finance",
        "subject": "s",
        "body": "b",
        "description": "d",
        "created_at": NOW - timedelta(days=3),
        "updated_at": NOW - timedelta(days=3),
        "id": 7,
    }
    base.update(kw)
    return Ticket(**base)  # type: ignore[arg-type]


def by_rule(deadlines: list) -> dict:  # type: ignore[type-arg]
    return {d.rule_id: d for d in deadlines}


def test_official_2026_calendar_has_247_working_days(calendar: BusinessCalendar) -> None:
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    assert sum(calendar.is_business_day(d) for d in days) == 247
    assert not calendar.is_business_day(date(2026, 1, 9))  # transferred from 3 January
    assert not calendar.is_business_day(date(2026, 12, 31))  # transferred from 4 January
    assert calendar.covers(date(2026, 5, 1)) and not calendar.covers(date(2027, 5, 1))


def test_business_days_skip_weekends_and_holidays(calendar: BusinessCalendar) -> None:
    assert calendar.add_business_days(date(2026, 4, 29), 3) == date(2026, 5, 5)  # 1–3 May off
    assert calendar.add_business_days(date(2026, 11, 2), 3) == date(2026, 11, 6)  # 4 Nov off
    assert calendar.next_business_day(date(2026, 3, 7)) == date(2026, 3, 10)  # 9 March off
    workday = BusinessCalendar(workdays=frozenset({date(2027, 1, 2)}))
    assert workday.is_business_day(date(2027, 1, 2))  # a working Saturday


def test_upd_objection_is_three_working_days(kb: KnowledgeBase, calendar: BusinessCalendar) -> None:
    t = ticket(status=Status.DRAFT, event_date=date(2026, 11, 3))  # Tue; 4 Nov is a holiday
    found = by_rule(ticket_deadlines(t, kb.deadlines, calendar, MSK, NOW))
    upd = found["wb_upd_objection"]
    assert upd.kind is DeadlineKind.OBJECTION
    assert upd.due_at.astimezone(MSK).date() == date(2026, 11, 9)  # 5, 6 and Monday 9
    assert upd.overdue_by(NOW) == NOW - upd.due_at
    weekly = found["wb_weekly_report_objection"]
    assert weekly.due_at == datetime(2026, 11, 10, 23, 59, 59, 999999, tzinfo=MSK)


def test_acceptance_act_window_is_seven_days(kb: KnowledgeBase, calendar: BusinessCalendar) -> None:
    t = ticket(category="acceptance", status=Status.READY, event_date=date(2026, 11, 18))
    (act,) = ticket_deadlines(t, kb.deadlines, calendar, MSK, NOW)
    assert act.rule_id == "wb_acceptance_act_objection"
    assert act.due_at.astimezone(MSK).date() == date(2026, 11, 25)
    assert act.bucket(NOW, MSK) is Bucket.WEEK
    assert act.bucket(NOW, MSK, horizon_days=3) is Bucket.LATER
    assert act.bucket(datetime(2026, 11, 25, 9, 0, tzinfo=MSK), MSK) is Bucket.TODAY
    assert act.bucket(datetime(2026, 11, 21, 9, 0, tzinfo=MSK), MSK) is Bucket.WEEK


def test_ozon_act_approval_counts_working_days(
    kb: KnowledgeBase, calendar: BusinessCalendar
) -> None:
    day = date(2026, 12, 25)
    t = ticket(marketplace="ozon", category="acceptance", status=Status.DRAFT, event_date=day)
    (act,) = ticket_deadlines(t, kb.deadlines, calendar, MSK, NOW)
    # 28, 29, 30 Dec; 31 Dec is off (2026 data); 2027 is not listed, so its fixed holidays
    # 1–8 January (ТК РФ ст. 112) are off: 11 and 12 January
    assert act.due_at.astimezone(MSK).date() == date(2027, 1, 12)


def test_sent_appeal_has_no_objection_clock_but_a_late_one_is_a_breach(
    kb: KnowledgeBase, calendar: BusinessCalendar
) -> None:
    sent = NOW - timedelta(days=1)
    t = ticket(
        category="acceptance",
        status=Status.SUBMITTED,
        event_date=date(2026, 11, 1),
        submitted_at=sent,
        reply_due_at=sent + timedelta(hours=48),
    )
    found = ticket_deadlines(t, kb.deadlines, calendar, MSK, NOW)
    assert [d.kind for d in found] == [DeadlineKind.REPLY]
    ((late, by),) = objection_breaches(t, kb.deadlines, calendar, MSK)
    assert late.rule_id == "wb_acceptance_act_objection" and by > timedelta(days=10)
    assert objection_breaches(ticket(), kb.deadlines, calendar, MSK) == []


def test_reply_overdue_opens_the_follow_up_clock(
    kb: KnowledgeBase, calendar: BusinessCalendar
) -> None:
    sent = NOW - timedelta(hours=50)
    t = ticket(status=Status.SUBMITTED, submitted_at=sent, reply_due_at=sent + timedelta(hours=48))
    found = by_rule(ticket_deadlines(t, kb.deadlines, calendar, MSK, NOW))
    assert found["reply_default"].overdue_by(NOW) == timedelta(hours=2)
    follow = found["follow_up_after_overdue"]
    assert follow.kind is DeadlineKind.FOLLOW_UP
    assert follow.due_at.astimezone(MSK).date() == date(2026, 11, 21)  # due 20 Nov + 1 day
    escalated = ticket_deadlines(
        t, kb.deadlines, calendar, MSK, NOW, Links(Role.APPEAL, follow_up_ids=(8,))
    )
    assert escalated == []  # the follow-up carries the case on


def test_reply_due_falls_back_to_channel_hours_then_rule(
    kb: KnowledgeBase, calendar: BusinessCalendar
) -> None:
    sent = NOW - timedelta(hours=1)
    t = ticket(status=Status.SUBMITTED, submitted_at=sent)
    (reply,) = ticket_deadlines(t, kb.deadlines, calendar, MSK, NOW, reply_hours=24)
    assert reply.due_at == sent + timedelta(hours=24)
    (reply,) = ticket_deadlines(t, kb.deadlines, calendar, MSK, NOW)
    assert reply.due_at == sent + timedelta(days=2)
    (reply,) = ticket_deadlines(t, (), calendar, MSK, NOW)
    assert reply.rule_id == "reply" and reply.due_at == sent + timedelta(days=2)


def test_claim_wait_is_thirty_days_then_next_working_day(
    kb: KnowledgeBase, calendar: BusinessCalendar
) -> None:
    sent = datetime(2026, 11, 27, 12, 0, tzinfo=MSK)  # + 30 days = Sunday 27 December
    claim = ticket(status=Status.SUBMITTED, submitted_at=sent, reply_due_at=sent)
    (wait,) = ticket_deadlines(claim, kb.deadlines, calendar, MSK, NOW, Links(Role.CLAIM))
    assert wait.kind is DeadlineKind.CLAIM_WAIT and wait.informational
    assert wait.due_at == datetime(2026, 12, 29, 0, 0, tzinfo=MSK)  # Mon 28 ends the wait
    assert wait.overdue_by(datetime(2027, 1, 1, tzinfo=UTC)) is None
    assert wait.bucket(datetime(2027, 1, 1, tzinfo=UTC), MSK) is Bucket.TODAY
    answer = DeadlineRule("claim_answer", "claim_answer", 10, label_ru="Ответ", source="test")
    rules = (*kb.deadlines, answer)
    found = by_rule(ticket_deadlines(claim, rules, calendar, MSK, NOW, Links(Role.CLAIM)))
    assert found["claim_answer"].due_at.astimezone(MSK).date() == date(2026, 12, 7)
    unsent = ticket(status=Status.READY)
    assert ticket_deadlines(unsent, rules, calendar, MSK, NOW, Links(Role.CLAIM)) == []


def test_court_date_in_may_skips_the_holidays(calendar: BusinessCalendar) -> None:
    rule = DeadlineRule("w", "claim_wait", 30)
    sent = datetime(2026, 4, 1, 15, 0, tzinfo=MSK)  # + 30 = Fri 1 May (holiday) → Mon 4 May
    assert court_possible_at(sent, rule, calendar, MSK) == datetime(2026, 5, 5, tzinfo=MSK)


def test_ladder_of_a_money_claim(kb: KnowledgeBase, calendar: BusinessCalendar) -> None:
    rules = kb.deadlines
    root = ticket(status=Status.READY, amount_claimed="100.00")
    ladder = escalation_ladder(root, [], None, rules, calendar, MSK, NOW)
    assert (ladder.step, ladder.reason) == (Step.APPEAL, "not_submitted")
    assert ladder.steps[-1] is Step.COURT and ladder.is_money_claim

    sent = NOW - timedelta(hours=10)
    root = ticket(status=Status.SUBMITTED, amount_claimed="100.00", submitted_at=sent,
                  reply_due_at=sent + timedelta(hours=48))  # fmt: skip
    ladder = escalation_ladder(root, [], None, rules, calendar, MSK, NOW)
    assert (ladder.reason, ladder.next_step) == ("awaiting_reply", Step.FOLLOW_UP)
    assert ladder.next_at == sent + timedelta(hours=48)
    later = NOW + timedelta(days=3)
    assert escalation_ladder(root, [], None, rules, calendar, MSK, later).reason == "reply_overdue"

    follow = ticket(id=8, status=Status.ANSWERED, first_answer_at=NOW, parent_id=7)
    ladder = escalation_ladder(root, [follow], None, rules, calendar, MSK, NOW)
    assert (ladder.step, ladder.reason, ladder.next_step) == (
        Step.FOLLOW_UP,
        "answered",
        Step.CLAIM,
    )

    claim = ticket(id=9, status=Status.READY)
    ladder = escalation_ladder(root, [follow], claim, rules, calendar, MSK, NOW)
    assert (ladder.step, ladder.reason) == (Step.CLAIM, "claim_draft")
    claim.status, claim.submitted_at = Status.SUBMITTED, datetime(2026, 11, 27, 12, tzinfo=MSK)
    ladder = escalation_ladder(root, [follow], claim, rules, calendar, MSK, NOW)
    assert (ladder.step, ladder.next_step) == (Step.CLAIM_WAIT, Step.COURT)
    assert ladder.court_possible_at == datetime(2026, 12, 29, tzinfo=MSK)
    january = datetime(2027, 1, 9, tzinfo=MSK)
    ladder = escalation_ladder(root, [follow], claim, rules, calendar, MSK, january)
    assert (ladder.step, ladder.reason) == (Step.COURT, "court_possible")
    claim.status = Status.RESOLVED
    assert escalation_ladder(root, [follow], claim, rules, calendar, MSK, NOW).step is Step.DONE


def test_ladder_without_money_stops_at_follow_ups(
    kb: KnowledgeBase, calendar: BusinessCalendar
) -> None:
    root = ticket(status=Status.REJECTED, closed_at=NOW)
    ladder = escalation_ladder(root, [], None, kb.deadlines, calendar, MSK, NOW)
    assert (ladder.step, ladder.reason, ladder.next_step) == (
        Step.APPEAL,
        "rejected",
        Step.FOLLOW_UP,
    )
    assert not ladder.is_money_claim and ladder.steps == (Step.APPEAL, Step.FOLLOW_UP)
    follow = ticket(id=8, status=Status.ANSWERED, first_answer_at=NOW)
    ladder = escalation_ladder(root, [follow], None, kb.deadlines, calendar, MSK, NOW)
    assert ladder.next_step is Step.FOLLOW_UP


def test_reminder_key_changes_with_state_and_due(
    kb: KnowledgeBase, calendar: BusinessCalendar
) -> None:
    sent = NOW - timedelta(hours=47)
    t = ticket(status=Status.SUBMITTED, submitted_at=sent, reply_due_at=sent + timedelta(hours=48))
    (reply,) = ticket_deadlines(t, kb.deadlines, calendar, MSK, NOW)
    before = reminder_key(reply, NOW)
    after = reminder_key(reply, NOW + timedelta(hours=2))
    assert before.endswith(":due") and after.endswith(":overdue") and before != after
    assert before.startswith("7:reply_default:")
