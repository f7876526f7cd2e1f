"""The e-mail channel against real servers: appeals sent to aiosmtpd, answers delivered to
Dovecot by IMAP APPEND and fetched back, on SQLite and PostgreSQL."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.conftest import make_jpeg
from tests.mail_servers import Dovecot, SmtpSink, loopback_mailbox

from mpdesk.adapters.db import tables, tables_mail
from mpdesk.adapters.notify import SmtpNotifier
from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.errors import MailError, UserInputError
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.mail import MailFolder
from mpdesk.domain.tickets import Direction, Status, Ticket
from mpdesk.services import journal, ticket_actions
from mpdesk.services.mail_fetch import FetchReport, assign_mail, fetch_mail, list_unmatched
from mpdesk.services.mail_send import (
    MailboxInput,
    configure_mailbox,
    get_mailbox,
    mail_ports,
    send_appeal,
)

CHANNEL_ADDRESS = "sellersup@ozon.ru"
PASSWORD_ENV = "MPDESK_TEST_MAILBOX_PASSWORD"


@dataclass
class Desk:
    """A shop with a mailbox on the test servers and one ticket for the e-mail channel."""

    app: App
    tid: int
    shop_id: int
    smtp: SmtpSink
    dovecot: Dovecot

    def send(self) -> bytes:
        """Send the ticket's appeal; the raw message the SMTP server accepted."""
        send_appeal(self.app.ctx, OWNER, self.tid)
        return self.smtp.messages[-1][2]

    def fetch(self) -> FetchReport:
        return fetch_mail(self.app.ctx, OWNER, self.shop_id)

    def ticket(self) -> Ticket:
        return journal.get_ticket(self.app.ctx, OWNER, self.tid)

    def mail_rows(self) -> int:
        assert self.app.engine is not None
        with self.app.engine.connect() as conn:
            query = select(func.count()).select_from(tables_mail.mail_messages)
            return int(conn.execute(query).scalar_one())


@pytest.fixture
def desk(
    app: App, tmp_path: Path, smtp: SmtpSink, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> Desk:
    draft = AppealDraft(
        "ozon",
        "acceptance",
        description="Отгрузили 100 штук, на складе приняли только 95 штук",
        identifiers=[Identifier(IdType.SUPPLY_ID, "24567891")],
        event_date=date(2026, 11, 19),
        channel_id="ozon_sellersup_email",
    )
    files = [make_jpeg(tmp_path / "акт.jpg"), make_jpeg(tmp_path / "box.jpg")]
    ticket = journal.open_ticket(app.ctx, OWNER, draft, files).ticket
    assert ticket.id is not None
    monkeypatch.setenv(PASSWORD_ENV, dovecot.password)
    box = loopback_mailbox(smtp, dovecot, PASSWORD_ENV)
    configure_mailbox(app.ctx, OWNER, ticket.shop_id, box)
    return Desk(app, ticket.id, ticket.shop_id, smtp, dovecot)


def parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def mail(sender: str, subject: str, text: str, message_id: str, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = sender, "shop@example.ru"
    message["Subject"], message["Message-ID"] = subject, message_id
    message["Date"] = "Fri, 20 Nov 2026 12:00:00 +0300"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return bytes(message)


def reply_to(sent: bytes, text: str, message_id: str, sender: str = CHANNEL_ADDRESS) -> bytes:
    """A threaded answer to ``sent`` with a PDF attached."""
    original = parsed(sent)
    sent_id = str(original["Message-ID"])
    reply = parsed(mail(sender, "Ответ поддержки", text, message_id,
                        In_Reply_To=sent_id, References=sent_id))  # fmt: skip
    reply.add_attachment(b"%PDF-1.4 act", maintype="application", subtype="pdf",
                         filename="акт расхождений.pdf")  # fmt: skip
    return bytes(reply)


# --- sending -------------------------------------------------------------------------------


def test_send_delivers_the_appeal_with_tag_and_evidence_and_submits_the_ticket(
    desk: Desk,
) -> None:
    sent = parsed(desk.send())

    ((mail_from, rcpt, _),) = desk.smtp.messages
    assert mail_from == "shop@example.ru" and rcpt == [CHANNEL_ADDRESS]
    assert str(sent["Subject"]).startswith(f"[MPD-{desk.tid:06d}] ")
    names = sorted(str(p.get_filename()) for p in sent.iter_attachments())
    assert names == ["box.jpg", "акт.jpg"]
    stored = desk.ticket()
    assert stored.status is Status.SUBMITTED and stored.external_id == ""
    assert stored.reply_due_at is not None and stored.messages[-1].direction is Direction.OUT
    mailed = [e.to_value for e in stored.events if e.kind == "mailed"]
    assert mailed == [str(sent["Message-ID"])]


def test_the_appeal_goes_as_text_and_html_alternatives_and_arrives_so(desk: Desk) -> None:
    raw = desk.send()
    desk.dovecot.append(raw)  # delivered as a mail client would file it, then read over IMAP
    with desk.dovecot.session() as imap:
        imap.select("INBOX", readonly=True)
        status, data = imap.fetch("1", "(BODY.PEEK[])")
        assert status == "OK"
    first = data[0]
    assert isinstance(first, tuple)
    received = parsed(first[1])
    assert received.get_content_type() == "multipart/mixed"
    (alternative,) = [p for p in received.walk() if p.get_content_type() == "multipart/alternative"]
    assert isinstance(alternative, EmailMessage)
    text, html = alternative.iter_parts()
    assert isinstance(text, EmailMessage) and isinstance(html, EmailMessage)
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    body = desk.ticket().body
    assert text.get_content().replace("\r\n", "\n").strip() == body
    markup = html.get_content()
    assert "<li>Номер поставки: 24567891</li>" in markup
    assert "<blockquote" in markup and "приняли только 95 штук.»</p></blockquote>" in markup
    assert "Описание продавца:" in body and "Описание продавца:" in markup
    names = sorted(str(p.get_filename()) for p in received.iter_attachments())
    assert names == ["box.jpg", "акт.jpg"]


def test_refused_send_leaves_the_ticket_as_it_was(desk: Desk) -> None:
    before = desk.ticket()
    desk.smtp.refuse = "554 5.7.1 Message rejected"

    with pytest.raises(MailError) as caught:
        desk.send()

    assert caught.value.code == "mail_send_failed" and "554" in caught.value.fields["problem"]
    after = desk.ticket()
    assert (after.status, after.version, len(after.messages), len(after.events)) == (
        before.status, before.version, len(before.messages), len(before.events)
    )  # fmt: skip
    assert desk.mail_rows() == 0
    text = desk.app.ctx.message(caught.value.code, **caught.value.fields)
    assert text.startswith("Письмо не отправлено") and "Обращение не изменилось" in text


def test_header_injection_through_the_subject_adds_no_header(desk: Desk) -> None:
    assert desk.app.engine is not None
    with desk.app.engine.begin() as conn:
        conn.execute(
            tables.tickets.update()
            .where(tables.tickets.c.id == desk.tid)
            .values(subject="Акт\r\nBcc: thief@example.org\r\nX-Evil: 1")
        )
    sent = parsed(desk.send())
    ((_, rcpt, _),) = desk.smtp.messages
    assert rcpt == [CHANNEL_ADDRESS]
    assert sent["Bcc"] is None and sent["X-Evil"] is None
    assert "Bcc: thief@example.org" in str(sent["Subject"])


def test_a_ticket_outside_an_email_channel_is_refused(desk: Desk) -> None:
    draft = AppealDraft("ozon", "acceptance", description="Приняли меньше коробов")
    portal = journal.open_ticket(desk.app.ctx, OWNER, draft).ticket
    assert portal.id is not None
    with pytest.raises(UserInputError) as caught:
        send_appeal(desk.app.ctx, OWNER, portal.id)
    assert caught.value.code == "mail_channel_not_email"
    assert desk.smtp.messages == []


# --- receiving -----------------------------------------------------------------------------

ANSWER = (
    "Здравствуйте! Ваше обращение № 0123456789 рассмотрено. Расхождение подтверждено, "
    "компенсация 1 500 ₽ начислена на баланс."
)


def test_a_reply_is_filed_read_its_number_stored_and_told_once(desk: Desk) -> None:
    raw = desk.send()
    answer = reply_to(raw, ANSWER, f"<answer-{desk.tid}@ozon.ru>")
    desk.dovecot.append(answer)
    assert desk.app.ctx.deadlines is not None  # the seller's reminder channel: e-mail to the sink
    desk.app.ctx.deadlines.notifiers.append(
        SmtpNotifier("127.0.0.1", desk.smtp.port, "desk@example.ru", ["seller@example.ru"],
                     starttls=False)
    )  # fmt: skip

    first = desk.fetch()
    assert first.matched == [desk.tid] and first.unmatched == 0
    assert first.notified == {"email": 1}
    (_, told, digest) = desk.smtp.messages[-1]
    body = parsed(digest).get_body()
    assert told == ["seller@example.ru"] and body is not None
    assert f"№{desk.tid} «" in body.get_content() and "решено" in body.get_content()
    stored = desk.ticket()
    assert stored.status is Status.ANSWERED and stored.external_id == "0123456789"
    incoming = [m for m in stored.messages if m.direction is Direction.IN]
    assert len(incoming) == 1 and "компенсация 1 500 ₽" in incoming[0].body
    assert "акт расхождений.pdf" in [a.filename for a in stored.attachments]
    rows = desk.mail_rows()

    assert desk.fetch().fetched == 0
    desk.dovecot.append(answer)  # the same message delivered again
    copy = desk.fetch()
    assert (copy.fetched, copy.duplicates, copy.matched, copy.notified) == (1, 1, [], {})
    assert len(desk.smtp.messages) == 2  # the appeal and one digest
    assert len([m for m in desk.ticket().messages if m.direction is Direction.IN]) == 1
    assert desk.mail_rows() == rows


def test_unmatched_mail_waits_in_the_inbox_until_assigned(desk: Desk) -> None:
    raw = desk.send()
    text = "Нам нужны фото упаковки и акт о расхождении."
    forged = mail("someone@elsewhere.ru", str(parsed(raw)["Subject"]), text, "<x@elsewhere.ru>")
    desk.dovecot.append(forged)  # the ticket's tag, but from an address that may not use it

    report = desk.fetch()
    assert report.unmatched == 1 and report.matched == []
    (waiting,) = list_unmatched(desk.app.ctx, OWNER)
    assert waiting.id is not None and waiting.answer_class == "needs_data"
    assert desk.ticket().status is Status.SUBMITTED

    assigned = assign_mail(desk.app.ctx, OWNER, waiting.id, desk.tid)
    assert assigned.status is Status.ANSWERED
    assert "фото упаковки" in assigned.messages[-1].body
    assert list_unmatched(desk.app.ctx, OWNER) == []
    with pytest.raises(UserInputError) as caught:
        assign_mail(desk.app.ctx, OWNER, waiting.id, desk.tid)
    assert caught.value.code == "mail_already_assigned"


def test_an_answer_naming_the_marketplace_number_is_matched_without_tag_or_thread(
    desk: Desk,
) -> None:
    ticket_actions.submit_ticket(desk.app.ctx, OWNER, desk.tid, "0987654321")
    text = "По обращению № 0987654321 нужны фото упаковки."
    desk.dovecot.append(mail("noreply@ozon.ru", "Ответ по обращению", text, "<n1@ozon.ru>"))
    assert desk.fetch().matched == [desk.tid]
    assert desk.ticket().status is Status.ANSWERED


def test_an_auto_reply_is_logged_but_does_not_answer(desk: Desk) -> None:
    sent_id = str(parsed(desk.send())["Message-ID"])
    desk.dovecot.append(mail(CHANNEL_ADDRESS, "Автоответ: ваше письмо получено",
                             "Ваше письмо получено и будет рассмотрено.", "<auto@ozon.ru>",
                             Auto_Submitted="auto-replied", In_Reply_To=sent_id))  # fmt: skip
    report = desk.fetch()
    assert report.matched == [desk.tid] and report.answers == []
    stored = desk.ticket()
    assert stored.status is Status.SUBMITTED and stored.first_answer_at is None
    assert stored.messages[-1].direction is Direction.IN
    assert "mail_logged" in [e.kind for e in stored.events]


def test_a_bounce_marks_the_appeal_undelivered_and_the_ticket_ready_again(desk: Desk) -> None:
    sent_id = str(parsed(desk.send())["Message-ID"])
    dsn = (
        "From: MAILER-DAEMON@example.ru\nTo: shop@example.ru\nSubject: Undelivered Mail\n"
        "Message-ID: <dsn-1@example.ru>\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\n\n'
        "--r\nContent-Type: text/plain\n\nDelivery failed.\n"
        "--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.ru\n\n"
        "Final-Recipient: rfc822; sellersup@ozon.ru\nAction: failed\nStatus: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 no such user\n\n"
        f"--r\nContent-Type: text/rfc822-headers\n\nMessage-ID: {sent_id}\n\n--r--\n"
    )
    desk.dovecot.append(dsn.encode())

    report = desk.fetch()
    assert report.matched == [desk.tid] and report.answers == []
    stored = desk.ticket()
    assert stored.status is Status.READY and stored.reply_due_at is None
    assert "Письмо не доставлено на sellersup@ozon.ru" in stored.messages[-1].body
    assert [e.kind for e in stored.events][-2:] == ["undelivered", "status"]
    desk.send()  # and it can be sent again
    assert desk.ticket().status is Status.SUBMITTED


def test_a_new_uidvalidity_rereads_the_folder_without_filing_twice(desk: Desk) -> None:
    with desk.dovecot.session() as imap:
        imap.create("Answers")
    box = get_mailbox(desk.app.ctx, OWNER, desk.shop_id)
    assert box is not None
    box.folders = (MailFolder("Answers"),)
    with mail_ports(desk.app.ctx).uow() as uow:
        uow.mail.save_mailbox(box)
        uow.commit()
    first = mail("x@y.ru", "Вопрос", "Первое письмо.", "<u1@y.ru>")
    desk.dovecot.append(first, "Answers")
    assert desk.fetch().unmatched == 1
    desk.dovecot.recreate("Answers")  # the server renumbers: same message, new UIDVALIDITY
    desk.dovecot.append(first, "Answers")
    desk.dovecot.append(mail("x@y.ru", "Вопрос", "Второе письмо.", "<u2@y.ru>"), "Answers")
    report = desk.fetch()
    assert (report.fetched, report.duplicates, report.unmatched) == (2, 1, 1)
    texts = sorted(m.text for m in list_unmatched(desk.app.ctx, OWNER))
    assert texts == ["Второе письмо.", "Первое письмо."]


def test_a_refused_imap_login_changes_nothing(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "wrong-password")
    desk.dovecot.append(mail("x@y.ru", "Вопрос", "Письмо.", "<r1@y.ru>"))
    with pytest.raises(MailError) as caught:
        desk.fetch()
    assert caught.value.code == "mail_fetch_failed"
    assert "wrong-password" not in str(caught.value)
    assert desk.mail_rows() == 0


def test_a_signed_message_id_matches_without_the_ledger_and_a_forged_one_does_not(
    desk: Desk,
) -> None:
    sent_id = str(parsed(desk.send())["Message-ID"])
    assert desk.app.engine is not None
    with desk.app.engine.begin() as conn:  # as after restoring a journal older than the send
        conn.execute(tables_mail.mail_messages.delete())
    draft = AppealDraft("ozon", "acceptance", description="Другая поставка, другой вопрос")
    other = journal.open_ticket(desk.app.ctx, OWNER, draft, shop_id=desk.shop_id).ticket
    forged_id = sent_id.replace(f"<mpd.{desk.tid}.", f"<mpd.{other.id}.")  # HMAC now wrong
    desk.dovecot.append(mail("agent@agency.ru", "Re: обращение", "Передали специалистам.",
                             "<f1@agency.ru>", In_Reply_To=forged_id))  # fmt: skip
    desk.dovecot.append(mail("agent@agency.ru", "Re: обращение", "Передали специалистам.",
                             "<g1@agency.ru>", In_Reply_To=sent_id))  # fmt: skip
    report = desk.fetch()
    assert (report.unmatched, report.matched) == (1, [desk.tid])


def test_a_viewer_may_read_the_inbox_but_not_send_fetch_assign_or_set_the_mailbox(
    desk: Desk,
) -> None:
    from mpdesk.domain.accounts import Principal, Role
    from mpdesk.domain.errors import ForbiddenError

    viewer = Principal(7, "vera", "", False, {desk.shop_id: Role.VIEWER})
    stranger = Principal(8, "olga", "", False, {})
    desk.dovecot.append(mail("x@y.ru", "Вопрос", "Письмо.", "<v1@y.ru>"))
    with pytest.raises(ForbiddenError):
        send_appeal(desk.app.ctx, viewer, desk.tid)
    with pytest.raises(ForbiddenError):
        fetch_mail(desk.app.ctx, viewer, desk.shop_id)
    box = MailboxInput("a@b.ru", "smtp.b.ru", password="secret")
    with pytest.raises(ForbiddenError):
        configure_mailbox(desk.app.ctx, viewer, desk.shop_id, box)
    desk.fetch()
    (waiting,) = list_unmatched(desk.app.ctx, viewer)
    assert waiting.id is not None and list_unmatched(desk.app.ctx, stranger) == []
    with pytest.raises(ForbiddenError):
        assign_mail(desk.app.ctx, viewer, waiting.id, desk.tid)
    assert desk.smtp.messages == []


CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "mail"


def test_the_whole_eml_corpus_is_fetched_without_a_crash(desk: Desk) -> None:
    """Broken MIME, bad base64, unknown charsets, TNEF, bounces: every message is filed."""
    files = sorted(CORPUS.glob("*.eml"))
    desk.dovecot.append_all(path.read_bytes() for path in files)
    report = desk.fetch()
    assert report.fetched == len(files) >= 25
    assert report.fetched == report.unmatched + len(report.matched) + report.duplicates
    assert desk.mail_rows() == report.fetched - report.duplicates


def test_nul_characters_in_a_message_do_not_stop_the_fetch(desk: Desk) -> None:
    raw = (
        b"From: x@y.ru\r\nTo: shop@example.ru\r\nSubject: =?utf-8?q?a=00b?=\r\n"
        b"Message-ID: <nul@y.ru>\r\nIn-Reply-To: =?utf-8?q?<a=00b@y.ru>?=\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nYQBi\r\n"  # "a\x00b"
    )
    desk.dovecot.append(raw)
    desk.dovecot.append(mail("x@y.ru", "Вопрос", "Следующее письмо.", "<after@y.ru>"))
    report = desk.fetch()
    assert (report.fetched, report.unmatched) == (2, 2)
    texts = sorted(m.text for m in list_unmatched(desk.app.ctx, OWNER))
    assert texts == ["a\ufffdb", "Следующее письмо."]


def test_a_message_that_breaks_filing_is_kept_raw_and_the_next_ones_are_filed(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    ports = mail_ports(desk.app.ctx)
    parse = ports.parse

    def fragile(raw: bytes) -> object:  # stands for a bug the parser has not met yet
        if b"POISON" in raw:
            raise ValueError("unexpected")
        return parse(raw)

    monkeypatch.setattr(ports, "parse", fragile)
    desk.dovecot.append(mail("x@y.ru", "POISON", "Сломает разбор.", "<p1@y.ru>"))
    desk.dovecot.append(mail("x@y.ru", "Вопрос", "Следующее письмо.", "<p2@y.ru>"))
    report = desk.fetch()
    assert (report.fetched, report.unmatched) == (2, 2)
    kept = {m.text: m.problems for m in list_unmatched(desk.app.ctx, OWNER)}
    assert kept == {"": ("filing_failed",), "Следующее письмо.": ()}
    assert desk.fetch().fetched == 0
