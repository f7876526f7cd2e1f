"""Never sent twice: the final commit of a send fails after the SMTP server accepted the
appeal (a fault injected through the mail ports), and the next send or fetch looks for the
message in the Sent folder of the real Dovecot before anything goes out again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from tests.integration.mail.test_mail_channel import Desk, parsed

from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.errors import UnconfirmedSendError
from mpdesk.domain.mail import MailDirection
from mpdesk.domain.tickets import Status
from mpdesk.services.mail_send import get_mailbox, mail_ports, send_appeal
from mpdesk.services.ports.mail import MailUnitOfWork

SENT = "Sent Items"  # the folder the test Dovecot flags \Sent


class PowerCut(Exception):
    pass


class _FailingCommit:
    """A unit of work whose commit fails once: the process dies before it."""

    def __init__(self, inner: MailUnitOfWork, disarm: Callable[[], None]) -> None:
        self._inner, self._disarm = inner, disarm

    def __enter__(self) -> _FailingCommit:
        self._entered = self._inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._entered, name)

    def commit(self) -> None:
        self._disarm()
        raise PowerCut("the journal went away after the server accepted the mail")


def crash_after_accept(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Swap the mail ports for ones whose next commit after an accepted send fails."""
    ports = mail_ports(desk.app.ctx)
    armed = [False]
    real_send = ports.sender.send

    class Sender:
        def send(self, *args: Any, **kwargs: Any) -> None:
            real_send(*args, **kwargs)
            armed[0] = True

    def uow() -> Any:
        if armed[0]:
            return _FailingCommit(ports.uow(), lambda: armed.__setitem__(0, False))
        return ports.uow()

    monkeypatch.setattr(desk.app.ctx, "mail", replace(ports, uow=uow, sender=Sender()))


def ledger(desk: Desk) -> list[tuple[MailDirection, str]]:
    with mail_ports(desk.app.ctx).uow() as uow:
        return [(r.direction, r.message_id) for r in uow.mail.for_ticket(desk.tid)]


def interrupted_send(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> bytes:
    with monkeypatch.context() as patch:
        crash_after_accept(desk, patch)
        with pytest.raises(PowerCut):
            send_appeal(desk.app.ctx, OWNER, desk.tid)
    assert len(desk.smtp.messages) == 1
    assert desk.ticket().status is Status.READY
    return desk.smtp.messages[0][2]


def test_a_send_found_in_the_sent_folder_is_not_sent_again(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = interrupted_send(desk, monkeypatch)
    message_id = str(parsed(raw)["Message-ID"])
    assert ledger(desk) == [(MailDirection.PENDING, message_id)]
    desk.dovecot.append(raw, SENT)  # where the provider (or the mail client) keeps sent mail

    ticket = send_appeal(desk.app.ctx, OWNER, desk.tid)

    assert len(desk.smtp.messages) == 1
    assert ticket.status is Status.SUBMITTED and ticket.reply_due_at is not None
    assert [e.to_value for e in desk.ticket().events if e.kind == "mailed"] == [message_id]
    assert ledger(desk) == [(MailDirection.OUT, message_id)]
    send_appeal(desk.app.ctx, OWNER, desk.tid)  # an ordinary second send afterwards
    assert len(desk.smtp.messages) == 2


def test_a_send_not_in_the_sent_folder_asks_and_resends_only_when_told(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = interrupted_send(desk, monkeypatch)
    desk.dovecot.append(raw, "INBOX")  # elsewhere: does not count

    with pytest.raises(UnconfirmedSendError) as caught:
        send_appeal(desk.app.ctx, OWNER, desk.tid)
    assert caught.value.fields["reason"] == "not_found"
    assert caught.value.fields["message_id"] == str(parsed(raw)["Message-ID"])
    text = desk.app.ctx.message(caught.value.code, **caught.value.fields)
    assert "--resend" in text and f"обращению {desk.tid}" in text
    assert len(desk.smtp.messages) == 1 and desk.ticket().status is Status.READY

    ticket = send_appeal(desk.app.ctx, OWNER, desk.tid, resend=True)
    assert len(desk.smtp.messages) == 2 and ticket.status is Status.SUBMITTED
    second = str(parsed(desk.smtp.messages[1][2])["Message-ID"])
    assert ledger(desk) == [(MailDirection.OUT, second)]


def test_a_mailbox_without_imap_asks_the_person(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    interrupted_send(desk, monkeypatch)
    box = get_mailbox(desk.app.ctx, OWNER, desk.shop_id)
    assert box is not None
    box.imap_host = ""
    with mail_ports(desk.app.ctx).uow() as uow:
        uow.mail.save_mailbox(box)
        uow.commit()
    with pytest.raises(UnconfirmedSendError) as caught:
        send_appeal(desk.app.ctx, OWNER, desk.tid)
    assert caught.value.fields["reason"] == "no_imap" and len(desk.smtp.messages) == 1


def test_a_fetch_settles_an_interrupted_send_from_the_named_sent_folder(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    with desk.dovecot.session() as imap:
        imap.create("Outbox-copies")
    box = get_mailbox(desk.app.ctx, OWNER, desk.shop_id)
    assert box is not None
    box.sent_folder = "Outbox-copies"
    with mail_ports(desk.app.ctx).uow() as uow:
        uow.mail.save_mailbox(box)
        uow.commit()
    raw = interrupted_send(desk, monkeypatch)
    desk.dovecot.append(raw, SENT)  # the flagged folder is not the one named
    assert desk.fetch().recovered == []
    assert desk.ticket().status is Status.READY
    desk.dovecot.append(raw, "Outbox-copies")

    report = desk.fetch()

    assert report.recovered == [desk.tid] and report.fetched == 0
    assert desk.ticket().status is Status.SUBMITTED and len(desk.smtp.messages) == 1
    assert desk.fetch().recovered == []
