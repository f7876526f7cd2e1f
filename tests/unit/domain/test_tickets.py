from datetime import UTC, datetime, timedelta

import pytest

from mpdesk.domain.errors import InvalidTransitionError, UserInputError
from mpdesk.domain.tickets import TRANSITIONS, Direction, Message, Status, Ticket

NOW = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)


def make_ticket(status: Status = Status.DRAFT) -> Ticket:
    return Ticket(1, "wb", "acceptance", "s", "b", "d", NOW, NOW, status=status, id=7)


def test_submit_sets_external_id_and_reply_due_from_channel_hours() -> None:
    t = make_ticket(Status.READY)
    t.submit(" SD-1 ", "wb_service_desk", NOW, reply_hours=48)
    assert t.status is Status.SUBMITTED
    assert t.external_id == "SD-1"
    assert t.reply_due_at == NOW + timedelta(hours=48)
    assert t.submitted_at == NOW
    assert [e.kind for e in t.events] == ["status", "external_id", "channel"]


def test_submit_without_external_id_is_refused_for_a_numbering_channel() -> None:
    with pytest.raises(UserInputError) as err:
        make_ticket(Status.READY).submit("  ", "wb_service_desk", NOW, 48, "", "Service Desk")
    assert err.value.code == "external_id_required"
    assert err.value.fields["channel"] == "Service Desk"


def test_submit_by_e_mail_needs_no_number() -> None:
    ticket = make_ticket(Status.READY)
    ticket.submit("", "ozon_sellersup_email", NOW, 48)
    assert ticket.status is Status.SUBMITTED and ticket.external_id == ""


def test_invalid_transition_names_current_target_and_allowed() -> None:
    t = make_ticket(Status.DRAFT)
    with pytest.raises(InvalidTransitionError) as err:
        t.transition(Status.RESOLVED, NOW)
    assert err.value.fields == {
        "ticket_id": 7,
        "current": "draft",
        "target": "resolved",
        "allowed": "ready, submitted",
    }
    assert t.status is Status.DRAFT and t.events == []


@pytest.mark.parametrize("source", list(Status))
def test_every_allowed_transition_is_applied_and_logged(source: Status) -> None:
    for target in TRANSITIONS[source]:
        t = make_ticket(source)
        t.transition(target, NOW, actor="me")
        assert t.status is target
        assert (t.events[-1].from_value, t.events[-1].to_value) == (source.value, target.value)


def test_answer_stops_the_reply_clock_and_records_first_answer() -> None:
    t = make_ticket(Status.READY)
    t.submit("1", "c", NOW, 48)
    later = NOW + timedelta(hours=50)
    assert t.is_overdue(later)
    t.record_answer(Message(Direction.IN, "ok", later))
    assert t.status is Status.ANSWERED
    assert t.first_answer_at == later
    assert t.reply_due_at is None
    assert not t.is_overdue(later + timedelta(days=9))


def test_reply_before_deadline_is_not_overdue() -> None:
    t = make_ticket(Status.READY)
    t.submit("1", "c", NOW, 48)
    assert not t.is_overdue(NOW + timedelta(hours=47, minutes=59))


def test_closing_and_reopening_sets_and_clears_closed_at() -> None:
    t = make_ticket(Status.ANSWERED)
    t.transition(Status.RESOLVED, NOW)
    assert t.closed_at == NOW and not t.is_open
    t.transition(Status.REOPENED, NOW)
    assert t.closed_at is None and t.is_open
