"""The e-mail channel against real servers: appeals sent to aiosmtpd, answers delivered to
Dovecot by IMAP APPEND and fetched back, on SQLite and PostgreSQL."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.conftest import make_jpeg
from tests.mail_servers import Dovecot, SmtpSink, dovecot_server, smtp_sink

from mpdesk.adapters.db import tables_mail
from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.errors import MailError, UserInputError
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.tickets import Direction, Status, Ticket
from mpdesk.services import journal
from mpdesk.services.mail_fetch import assign_mail, fetch_mail, list_unmatched
from mpdesk.services.mail_send import MailboxInput, configure_mailbox, send_appeal

CHANNEL_ADDRESS = "sellersup@ozon.ru"


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with smtp_sink() as sink:
        yield sink


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    with dovecot_server() as server:
        yield server


def open_email_ticket(app: App, tmp_path: Path, description: str = "") -> Ticket:
    draft = AppealDraft(
        "ozon",
        "acceptance",
        description=description or "Отгрузили 100 штук, на складе приняли только 95 штук",
        identifiers=[Identifier(IdType.SUPPLY_ID, "24567891")],
        event_date=date(2026, 11, 19),
        channel_id="ozon_sellersup_email",
    )
    files = [make_jpeg(tmp_path / "акт.jpg"), make_jpeg(tmp_path / "box.jpg")]
    return journal.open_ticket(app.ctx, OWNER, draft, files).ticket


def set_up_mailbox(
    app: App, shop_id: int, smtp: SmtpSink, imap: Dovecot | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MPDESK_TEST_MAILBOX_PASSWORD", imap.password if imap else "x")
    configure_mailbox(
        app.ctx,
        OWNER,
        shop_id,
        MailboxInput(
            address="shop@example.ru",
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
            smtp_security="plain",
            imap_host=imap.host if imap else "",
            imap_port=imap.port if imap else 993,
            imap_tls=False,
            login=imap.user if imap else "",
            password_env="MPDESK_TEST_MAILBOX_PASSWORD",
        ),
    )


def mail_rows(app: App) -> int:
    assert app.engine is not None
    with app.engine.connect() as conn:
        query = select(func.count()).select_from(tables_mail.mail_messages)
        return int(conn.execute(query).scalar_one())


def test_send_delivers_the_appeal_with_tag_and_evidence_and_submits_the_ticket(
    app: App, tmp_path: Path, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = open_email_ticket(app, tmp_path)
    assert ticket.id is not None
    set_up_mailbox(app, ticket.shop_id, smtp, None, monkeypatch)

    sent = send_appeal(app.ctx, OWNER, ticket.id)

    ((mail_from, rcpt, raw),) = smtp.messages
    assert mail_from == "shop@example.ru" and rcpt == [CHANNEL_ADDRESS]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert str(message["Subject"]).startswith(f"[MPD-{ticket.id:06d}] ")
    names = sorted(str(p.get_filename()) for p in message.iter_attachments())
    assert names == ["box.jpg", "акт.jpg"]
    stored = journal.get_ticket(app.ctx, OWNER, ticket.id)
    assert stored.status is Status.SUBMITTED and stored.external_id == ""
    assert stored.reply_due_at is not None and sent.reply_due_at == stored.reply_due_at
    assert stored.messages[-1].direction is Direction.OUT
    mailed = [e for e in stored.events if e.kind == "mailed"]
    assert [e.to_value for e in mailed] == [str(message["Message-ID"])]


def test_refused_send_leaves_the_ticket_as_it_was(
    app: App, tmp_path: Path, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = open_email_ticket(app, tmp_path)
    assert ticket.id is not None
    set_up_mailbox(app, ticket.shop_id, smtp, None, monkeypatch)
    before = journal.get_ticket(app.ctx, OWNER, ticket.id)
    smtp.refuse = "554 5.7.1 Message rejected"

    with pytest.raises(MailError) as caught:
        send_appeal(app.ctx, OWNER, ticket.id)

    assert caught.value.code == "mail_send_failed" and "554" in caught.value.fields["problem"]
    after = journal.get_ticket(app.ctx, OWNER, ticket.id)
    assert (after.status, after.version, len(after.messages), len(after.events)) == (
        before.status, before.version, len(before.messages), len(before.events)
    )  # fmt: skip
    assert mail_rows(app) == 0
    assert "Письмо не отправлено" in app.ctx.message(caught.value.code, **caught.value.fields)


def test_header_injection_through_the_subject_adds_no_header(
    app: App, tmp_path: Path, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = open_email_ticket(app, tmp_path)
    assert ticket.id is not None
    assert app.engine is not None
    from mpdesk.adapters.db import tables

    with app.engine.begin() as conn:
        conn.execute(
            tables.tickets.update()
            .where(tables.tickets.c.id == ticket.id)
            .values(subject="Акт\r\nBcc: thief@example.org\r\nX-Evil: 1")
        )
    set_up_mailbox(app, ticket.shop_id, smtp, None, monkeypatch)
    send_appeal(app.ctx, OWNER, ticket.id)
    ((_, rcpt, raw),) = smtp.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert rcpt == [CHANNEL_ADDRESS]
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert "Bcc: thief@example.org" in str(message["Subject"])


def test_a_ticket_outside_an_email_channel_is_refused(
    app: App, tmp_path: Path, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = AppealDraft("ozon", "acceptance", description="Приняли меньше коробов")
    ticket = journal.open_ticket(app.ctx, OWNER, draft).ticket
    assert ticket.id is not None
    set_up_mailbox(app, ticket.shop_id, smtp, None, monkeypatch)
    with pytest.raises(UserInputError) as caught:
        send_appeal(app.ctx, OWNER, ticket.id)
    assert caught.value.code == "mail_channel_not_email"
    assert smtp.messages == []


def reply_to(original: bytes, text: str, *, message_id: str, sender: str = CHANNEL_ADDRESS,
             subject: str | None = None, threaded: bool = True) -> bytes:  # fmt: skip
    sent = email.message_from_bytes(original, policy=email.policy.default)
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = "shop@example.ru"
    reply["Subject"] = subject if subject is not None else f"Re: {sent['Subject']}"
    reply["Message-ID"] = message_id
    reply["Date"] = "Fri, 20 Nov 2026 12:00:00 +0300"
    if threaded:
        reply["In-Reply-To"] = str(sent["Message-ID"])
        reply["References"] = str(sent["Message-ID"])
    reply.set_content(text)
    reply.add_attachment(b"%PDF-1.4 act", maintype="application", subtype="pdf",
                         filename="акт расхождений.pdf")  # fmt: skip
    return bytes(reply)


ANSWER = (
    "Здравствуйте! Ваше обращение № 0123456789 рассмотрено. Расхождение подтверждено, "
    "компенсация 1 500 ₽ начислена на баланс."
)


def test_a_reply_fetched_from_dovecot_is_filed_read_and_its_number_stored_once(
    app: App, tmp_path: Path, smtp: SmtpSink, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = open_email_ticket(app, tmp_path)
    assert ticket.id is not None
    set_up_mailbox(app, ticket.shop_id, smtp, dovecot, monkeypatch)
    send_appeal(app.ctx, OWNER, ticket.id)
    ((_, _, raw),) = smtp.messages
    key = f"<answer-{ticket.shop_id}-{tmp_path.name}@ozon.ru>"
    dovecot.append(reply_to(raw, ANSWER, message_id=key, subject="Ответ поддержки"))

    first = fetch_mail(app.ctx, OWNER, ticket.shop_id)
    assert ticket.id in first.matched and first.unmatched == 0
    stored = journal.get_ticket(app.ctx, OWNER, ticket.id)
    assert stored.status is Status.ANSWERED
    assert stored.external_id == "0123456789"
    incoming = [m for m in stored.messages if m.direction is Direction.IN]
    assert len(incoming) == 1 and "компенсация 1 500 ₽" in incoming[0].body
    assert "акт расхождений.pdf" in [a.filename for a in stored.attachments]
    rows = mail_rows(app)

    again = fetch_mail(app.ctx, OWNER, ticket.shop_id)
    assert again.fetched == 0
    dovecot.append(reply_to(raw, ANSWER, message_id=key, subject="Ответ поддержки"))
    copy = fetch_mail(app.ctx, OWNER, ticket.shop_id)
    assert (copy.fetched, copy.duplicates, copy.matched) == (1, 1, [])
    stored = journal.get_ticket(app.ctx, OWNER, ticket.id)
    assert len([m for m in stored.messages if m.direction is Direction.IN]) == 1
    assert mail_rows(app) == rows


def test_unmatched_mail_waits_in_the_inbox_until_assigned(
    app: App, tmp_path: Path, smtp: SmtpSink, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = open_email_ticket(app, tmp_path)
    assert ticket.id is not None
    set_up_mailbox(app, ticket.shop_id, smtp, dovecot, monkeypatch)
    send_appeal(app.ctx, OWNER, ticket.id)
    ((_, _, raw),) = smtp.messages
    forged = reply_to(
        raw,
        "Нам нужны фото упаковки и акт о расхождении.",
        message_id=f"<stray-{tmp_path.name}@elsewhere.ru>",
        sender="someone@elsewhere.ru",
        threaded=False,
    )  # the subject carries the ticket's tag, but from an address that may not use it
    dovecot.append(forged)

    report = fetch_mail(app.ctx, OWNER, ticket.shop_id)
    assert report.unmatched == 1 and report.matched == []
    (waiting,) = [m for m in list_unmatched(app.ctx, OWNER) if m.sender == "someone@elsewhere.ru"]
    assert waiting.id is not None and waiting.answer_class == "needs_data"
    assert journal.get_ticket(app.ctx, OWNER, ticket.id).status is Status.SUBMITTED

    assigned = assign_mail(app.ctx, OWNER, waiting.id, ticket.id)
    assert assigned.status is Status.ANSWERED
    assert "фото упаковки" in assigned.messages[-1].body
    assert waiting.id not in [m.id for m in list_unmatched(app.ctx, OWNER)]
    with pytest.raises(UserInputError) as caught:
        assign_mail(app.ctx, OWNER, waiting.id, ticket.id)
    assert caught.value.code == "mail_already_assigned"
