"""Pure rules of the e-mail channel: the subject tag, the read cursor, a mailed appeal and an
incoming message on the ticket's lifecycle."""

from datetime import UTC, datetime, timedelta

import pytest

from mpdesk.domain.errors import InvalidTransitionError
from mpdesk.domain.mail import (
    Mailbox,
    MailFolder,
    mail_key,
    signed_message_id,
    signed_ticket,
    storable_text,
    tagged_subject,
    ticket_tag,
    ticket_tag_text,
)
from mpdesk.domain.tickets import Direction, Message, Status, Ticket

NOW = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)


def make_ticket(status: Status) -> Ticket:
    return Ticket(1, "ozon", "acceptance", "s", "b", "d", NOW, NOW, status=status, id=123)


def test_tagged_subject_puts_the_tag_first_once_and_on_one_line() -> None:
    assert ticket_tag_text(123) == "[MPD-000123]"
    assert tagged_subject("Акт\r\nBcc: x@y.ru", 123) == "[MPD-000123] Акт Bcc: x@y.ru"
    assert tagged_subject("[MPD-000123] Акт", 123) == "[MPD-000123] Акт"
    assert ticket_tag(tagged_subject("Re: ответ", 4567)) == 4567


def test_a_changed_uidvalidity_makes_every_uid_new() -> None:
    folder = MailFolder("INBOX", uid_validity=77, last_uid=40)
    assert folder.next_uid(77) == 41
    assert folder.next_uid(78) == 1
    assert Mailbox(1, "a@b.ru", "a@b.ru", "smtp.b.ru").folders == (MailFolder("INBOX"),)
    assert MailFolder("Answers").next_uid(5) == 1


def test_mail_key_is_the_message_id_or_the_hash() -> None:
    assert mail_key("<m@x>", "ab") == "<m@x>"
    assert mail_key(None, "ab") == "sha256:ab"


@pytest.mark.parametrize("status", [Status.DRAFT, Status.READY, Status.ANSWERED, Status.REOPENED])
def test_a_mailed_appeal_is_submitted_without_a_number_and_starts_the_clock(
    status: Status,
) -> None:
    t = make_ticket(status)
    t.mark_mailed(Message(Direction.OUT, "b", NOW), NOW, 48, "max", "<m@x>")
    assert t.status is Status.SUBMITTED and t.external_id == ""
    assert t.reply_due_at == NOW + timedelta(hours=48) and t.submitted_at == NOW
    assert [e.kind for e in t.events] == ["status", "mailed"]


def test_mailing_again_while_waiting_restarts_the_clock_and_a_closed_ticket_refuses() -> None:
    t = make_ticket(Status.SUBMITTED)
    later = NOW + timedelta(hours=5)
    t.mark_mailed(Message(Direction.OUT, "b", later), later, 48, "max", "<m2@x>")
    assert t.status is Status.SUBMITTED and t.reply_due_at == later + timedelta(hours=48)
    with pytest.raises(InvalidTransitionError):
        make_ticket(Status.RESOLVED).mark_mailed(Message(Direction.OUT, "b", NOW), NOW, 48, "", "")


def test_an_answer_moves_to_answered_but_an_auto_reply_or_a_closed_ticket_only_logs() -> None:
    answered = make_ticket(Status.SUBMITTED)
    answered.receive(Message(Direction.IN, "ok", NOW), counts_as_answer=True)
    assert answered.status is Status.ANSWERED and answered.first_answer_at == NOW
    auto = make_ticket(Status.SUBMITTED)
    auto.receive(Message(Direction.IN, "автоответ", NOW), counts_as_answer=False)
    assert auto.status is Status.SUBMITTED and auto.first_answer_at is None
    assert [e.kind for e in auto.events] == ["mail_logged"] and len(auto.messages) == 1
    closed = make_ticket(Status.REJECTED)
    closed.receive(Message(Direction.IN, "ещё", NOW), counts_as_answer=True)
    assert closed.status is Status.REJECTED and len(closed.messages) == 1


def test_the_marketplace_number_is_stored_only_when_the_ticket_has_none() -> None:
    t = make_ticket(Status.SUBMITTED)
    assert t.set_external_id(" 0123456789 ", NOW, "mail") is True
    assert t.external_id == "0123456789"
    assert t.set_external_id("999", NOW) is False and t.external_id == "0123456789"
    assert make_ticket(Status.SUBMITTED).set_external_id("  ", NOW) is False


def test_a_bounce_sends_a_waiting_ticket_back_to_ready_and_only_logs_otherwise() -> None:
    waiting = make_ticket(Status.SUBMITTED)
    waiting.mark_mailed(Message(Direction.OUT, "b", NOW), NOW, 48, "max", "<m@x>")
    waiting.mark_undelivered(Message(Direction.IN, "не доставлено", NOW), NOW, "mail", "<m@x>")
    assert waiting.status is Status.READY
    assert waiting.reply_due_at is None and waiting.submitted_at is None
    assert [e.kind for e in waiting.events][-2:] == ["undelivered", "status"]
    answered = make_ticket(Status.ANSWERED)
    answered.mark_undelivered(Message(Direction.IN, "не доставлено", NOW), NOW, "mail", "<m@x>")
    assert answered.status is Status.ANSWERED and [e.kind for e in answered.events] == [
        "undelivered"
    ]


def test_a_signed_message_id_names_its_ticket_and_a_forged_one_names_none() -> None:
    key = b"k" * 32
    mid = signed_message_id(123, "0123456789abcdef", key, "example.ru")
    assert mid.startswith("<mpd.123.0123456789abcdef.") and mid.endswith("@example.ru>")
    assert signed_ticket(mid, key) == 123
    assert signed_ticket(mid, b"other key") is None
    assert signed_ticket(mid.replace("<mpd.123.", "<mpd.124."), key) is None
    assert signed_ticket("<random@example.ru>", key) is None


def test_storable_text_replaces_nul_and_lone_surrogates() -> None:
    assert storable_text("a\x00b\ud800c") == "a\ufffdb" + "\ufffd" * 3 + "c"
    assert storable_text("Привет") == "Привет"
    storable_text("x\ud800").encode("utf-8")  # encodes: nothing a database would refuse
