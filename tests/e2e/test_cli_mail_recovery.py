"""``mpdesk mail`` with several folders per mailbox and after an interrupted send: the real
CLI against aiosmtpd and Dovecot on loopback."""

from __future__ import annotations

from pathlib import Path

from tests.cli import run
from tests.e2e.test_cli_mail import _new_ticket, _reply, _setup
from tests.mail_servers import Dovecot, SmtpSink

from mpdesk.domain.mail import MailDirection, MailRecord


def test_setup_with_two_folders_reads_both_each_with_its_cursor(
    cli_env: Path, tmp_path: Path, smtp: SmtpSink, dovecot: Dovecot
) -> None:
    sink, imap = smtp, dovecot
    _new_ticket(tmp_path)
    _setup(sink, imap, "--folder", "INBOX", "--folder", "Ozon answers", "--folder", "INBOX")
    with imap.session() as session:
        session.create('"Ozon answers"')
    imap.append(_reply(b"Subject: x\n\n", "Первое.", "x@y.ru", "<f1@y.ru>"))
    imap.append(_reply(b"Subject: x\n\n", "Второе.", "x@y.ru", "<f2@y.ru>"), "Ozon answers")
    first = run("mail", "fetch", "--json")
    assert first.code == 0, first.stderr
    assert first.json()[0]["fetched"] == 2 and first.json()[0]["unmatched"] == 2

    imap.recreate('"Ozon answers"')  # that folder alone is renumbered
    imap.append(_reply(b"Subject: x\n\n", "Второе.", "x@y.ru", "<f2@y.ru>"), "Ozon answers")
    imap.append(_reply(b"Subject: x\n\n", "Третье.", "x@y.ru", "<f3@y.ru>"))
    second = run("mail", "fetch", "--json").json()[0]
    assert (second["fetched"], second["duplicates"], second["unmatched"]) == (2, 1, 1)
    texts = sorted(m["text"] for m in run("mail", "inbox", "--json").json())
    assert texts == ["Второе.", "Первое.", "Третье."]

    _setup(sink, imap, "--folder", "Ozon answers")  # the kept folder keeps its cursor
    assert run("mail", "fetch", "--json").json()[0]["fetched"] == 0
    bad = run("mail", "setup", "--shop", "1", "--address", "a@b.ru", "--smtp-host", "h",
              "--password-env", "X", "--folder", "x" * 201, "--json")  # fmt: skip
    assert bad.code == 2 and bad.json()["code"] == "mail_folder_invalid"


def test_an_unconfirmed_earlier_send_asks_in_russian_and_resend_sends(
    cli_env: Path, tmp_path: Path, smtp: SmtpSink, dovecot: Dovecot
) -> None:
    from mpdesk.entrypoints.cli import state
    from mpdesk.services.mail_send import mail_ports

    sink, imap = smtp, dovecot
    tid = _new_ticket(tmp_path)
    _setup(sink, imap)
    ctx = state.ctx()
    with mail_ports(ctx).uow() as uow:  # what a send that died after the server's accept left
        uow.mail.add(MailRecord(1, MailDirection.PENDING, "<mpd.x@example.ru>", "Тема",
                                "shop@example.ru", ctx.clock.now(), "Текст", ticket_id=tid,
                                message_id="<mpd.x@example.ru>"))  # fmt: skip
        uow.commit()

    asked = run("mail", "send", str(tid))
    assert asked.code == 2 and sink.messages == []
    assert f"Письмо по обращению {tid} могло уже уйти" in asked.stderr
    assert f"mpdesk mail send {tid} --resend" in asked.stderr
    assert run("mail", "send", str(tid), "--json").json()["code"] == "mail_send_unconfirmed"

    sent = run("mail", "send", str(tid), "--resend")
    assert sent.code == 0, sent.stderr
    assert len(sink.messages) == 1
    assert run("show", str(tid), "--json").json()["status"] == "submitted"
