"""The e-mail channel against real servers: appeals sent to aiosmtpd, answers delivered to
Dovecot by IMAP APPEND and fetched back, on SQLite and PostgreSQL."""

from __future__ import annotations

import email
import email.policy
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.conftest import make_jpeg
from tests.mail_servers import Dovecot, SmtpSink

from mpdesk.adapters.db import tables_mail
from mpdesk.adapters.notify import SmtpNotifier
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

    assert app.ctx.deadlines is not None  # the seller's reminder channel: e-mail to the sink
    app.ctx.deadlines.notifiers.append(
        SmtpNotifier("127.0.0.1", smtp.port, "desk@example.ru", ["seller@example.ru"],
                     starttls=False)
    )  # fmt: skip

    first = fetch_mail(app.ctx, OWNER, ticket.shop_id)
    assert ticket.id in first.matched and first.unmatched == 0
    assert first.notified == {"email": 1}
    (_, told, digest) = smtp.messages[-1]
    body = email.message_from_bytes(digest, policy=email.policy.default).get_body()
    assert told == ["seller@example.ru"] and body is not None
    assert f"№{ticket.id} «" in body.get_content() and "решено" in body.get_content()
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
    assert copy.notified == {} and len(smtp.messages) == 2  # the appeal and one digest
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


def plain_mail(sender: str, subject: str, text: str, message_id: str, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = sender, "shop@example.ru"
    message["Subject"], message["Message-ID"] = subject, message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return bytes(message)


def test_an_answer_naming_the_marketplace_number_is_matched_without_tag_or_thread(
    app: App, tmp_path: Path, smtp: SmtpSink, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = open_email_ticket(app, tmp_path)
    assert ticket.id is not None
    journal_ticket = journal.get_ticket(app.ctx, OWNER, ticket.id)
    from mpdesk.services import ticket_actions

    ticket_actions.submit_ticket(app.ctx, OWNER, ticket.id, "0987654321")
    set_up_mailbox(app, journal_ticket.shop_id, smtp, dovecot, monkeypatch)
    text = "По обращению № 0987654321 нужны фото упаковки."
    dovecot.append(plain_mail("noreply@ozon.ru", "Ответ по обращению", text, "<n1@ozon.ru>"))
    report = fetch_mail(app.ctx, OWNER, ticket.shop_id)
    assert report.matched == [ticket.id]
    assert journal.get_ticket(app.ctx, OWNER, ticket.id).status is Status.ANSWERED


def test_an_auto_reply_is_logged_but_does_not_answer(
    app: App, tmp_path: Path, smtp: SmtpSink, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = open_email_ticket(app, tmp_path)
    assert ticket.id is not None
    set_up_mailbox(app, ticket.shop_id, smtp, dovecot, monkeypatch)
    send_appeal(app.ctx, OWNER, ticket.id)
    ((_, _, raw),) = smtp.messages
    sent_id = str(email.message_from_bytes(raw, policy=email.policy.default)["Message-ID"])
    dovecot.append(plain_mail(CHANNEL_ADDRESS, "Автоответ: ваше письмо получено",
                              "Ваше письмо получено и будет рассмотрено.", "<auto@ozon.ru>",
                              Auto_Submitted="auto-replied", In_Reply_To=sent_id))  # fmt: skip
    report = fetch_mail(app.ctx, OWNER, ticket.shop_id)
    assert report.matched == [ticket.id]
    stored = journal.get_ticket(app.ctx, OWNER, ticket.id)
    assert stored.status is Status.SUBMITTED and stored.first_answer_at is None
    assert stored.messages[-1].direction is Direction.IN
    assert "mail_logged" in [e.kind for e in stored.events]


def test_a_new_uidvalidity_rereads_the_folder_without_filing_twice(
    app: App, tmp_path: Path, smtp: SmtpSink, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = open_email_ticket(app, tmp_path)
    assert ticket.id is not None
    set_up_mailbox(app, ticket.shop_id, smtp, dovecot, monkeypatch)
    with dovecot.session() as imap:
        imap.create("Answers")
    box = configure_mailbox_folder(app, ticket.shop_id, "Answers")
    first = plain_mail("x@y.ru", "Вопрос", "Первое письмо.", "<u1@y.ru>")
    dovecot.append(first, "Answers")
    assert fetch_mail(app.ctx, OWNER, ticket.shop_id).unmatched == 1
    dovecot.recreate("Answers")  # the server renumbers: same message, new UIDVALIDITY
    dovecot.append(first, "Answers")
    dovecot.append(plain_mail("x@y.ru", "Вопрос", "Второе письмо.", "<u2@y.ru>"), "Answers")
    report = fetch_mail(app.ctx, OWNER, ticket.shop_id)
    assert (report.fetched, report.duplicates, report.unmatched) == (2, 1, 1)
    assert box == "Answers"
    assert [m.text for m in list_unmatched(app.ctx, OWNER)] == ["Второе письмо.", "Первое письмо."]


def configure_mailbox_folder(app: App, shop_id: int, folder: str) -> str:
    from mpdesk.services.mail_send import get_mailbox, mail_ports

    box = get_mailbox(app.ctx, OWNER, shop_id)
    assert box is not None
    box.folder = folder
    with mail_ports(app.ctx).uow() as uow:
        uow.mail.save_mailbox(box)
        uow.commit()
    return folder


def test_a_refused_imap_login_changes_nothing(
    app: App, tmp_path: Path, smtp: SmtpSink, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = open_email_ticket(app, tmp_path)
    assert ticket.id is not None
    set_up_mailbox(app, ticket.shop_id, smtp, dovecot, monkeypatch)
    monkeypatch.setenv("MPDESK_TEST_MAILBOX_PASSWORD", "wrong-password")
    dovecot.append(plain_mail("x@y.ru", "Вопрос", "Письмо.", "<r1@y.ru>"))
    with pytest.raises(MailError) as caught:
        fetch_mail(app.ctx, OWNER, ticket.shop_id)
    assert caught.value.code == "mail_fetch_failed"
    assert "wrong-password" not in str(caught.value)
    assert mail_rows(app) == 0
