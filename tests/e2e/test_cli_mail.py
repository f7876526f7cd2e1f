"""``mpdesk mail …`` end to end: the real CLI against aiosmtpd and Dovecot on loopback."""

from __future__ import annotations

import email
import email.policy
import json
from email.message import EmailMessage
from pathlib import Path

import pytest
from tests.cli import run
from tests.conftest import make_jpeg
from tests.mail_servers import Dovecot, SmtpSink


@pytest.fixture
def servers(smtp: SmtpSink, dovecot: Dovecot) -> tuple[SmtpSink, Dovecot]:
    return smtp, dovecot


def _new_ticket(tmp_path: Path, channel: str = "ozon_sellersup_email") -> int:
    created = run(
        *("new", "-m", "ozon", "-c", "acceptance", "-t", "Приняли 95 коробов из 100"),
        *("--supply", "24567891", "--date", "2026-11-18", "--channel", channel),
        *("-a", str(make_jpeg(tmp_path / "акт.jpg")), "--no-interactive", "--json"),
    )
    assert created.code == 0, created.stderr
    return int(created.json()["ticket"]["id"])


def _setup(sink: SmtpSink, imap: Dovecot, *more: str) -> None:
    result = run(
        *("mail", "setup", "--shop", "1", "--address", "shop@example.ru", *more),
        *("--smtp-host", "127.0.0.1", "--smtp-port", str(sink.port), "--smtp-security", "plain"),
        *("--imap-host", imap.host, "--imap-port", str(imap.port), "--imap-plain"),
        *("--login", imap.user, "--password-stdin", "--json"),
        stdin=imap.password + "\n",
    )
    assert result.code == 0, result.stderr
    assert imap.password not in result.stdout + result.stderr


def _reply(sent: bytes, text: str, sender: str, message_id: str) -> bytes:
    original = email.message_from_bytes(sent, policy=email.policy.default)
    reply = EmailMessage()
    reply["From"], reply["To"] = sender, "shop@example.ru"
    reply["Subject"] = f"Re: {original['Subject']}"
    reply["Message-ID"] = message_id
    reply.set_content(text)
    return bytes(reply)


def test_send_fetch_inbox_and_assign_from_the_command_line(
    cli_env: Path, tmp_path: Path, servers: tuple[SmtpSink, Dovecot]
) -> None:
    sink, imap = servers
    tid = _new_ticket(tmp_path)
    _setup(sink, imap)
    stored = b"".join(p.read_bytes() for p in cli_env.glob("mpdesk.db*"))  # with the WAL
    assert b"example.ru" in stored and imap.password.encode() not in stored  # encrypted

    sent = run("mail", "send", str(tid))
    assert sent.code == 0, sent.stderr
    assert "отправлено письмом на sellersup@ozon.ru" in sent.stdout
    ((_, _, raw),) = sink.messages
    assert f"[MPD-{tid:06d}]".encode() in raw

    imap.append(_reply(raw, "Ваше обращение № 0123456789 принято в работу, передано "
                       "специалистам.", "sellersup@ozon.ru", "<a1@ozon.ru>"))  # fmt: skip
    imap.append(_reply(raw, "Пришлите, пожалуйста, фото упаковки.", "agent@agency.ru",
                       "<a2@agency.ru>"))  # fmt: skip
    fetched = run("mail", "fetch", "--json")
    assert fetched.code == 0, fetched.stderr
    assert fetched.json() == [
        {"shop_id": 1, "fetched": 2, "matched": 1, "unmatched": 1, "duplicates": 0,
         "tickets": [tid], "notified": {}, "recovered": []}
    ]  # fmt: skip
    shown = run("show", str(tid), "--json").json()
    assert shown["external_id"] == "0123456789" and shown["status"] == "answered"

    inbox = run("mail", "inbox", "--json").json()
    assert [(m["sender"], m["answer_class"]) for m in inbox] == [("agent@agency.ru", "needs_data")]
    human = run("mail", "inbox")
    assert "agent@agency.ru" in human.stdout
    assigned = run("mail", "assign", str(inbox[0]["id"]), str(tid))
    assert assigned.code == 0 and f"подшито к обращению {tid}" in assigned.stdout
    assert run("mail", "inbox").stdout.strip() == "Нераспознанных писем нет."
    again = run("mail", "fetch")
    assert again.code == 0 and "Получено писем: 0" in again.stdout


def test_bad_input_exits_2_with_a_russian_message(
    cli_env: Path, tmp_path: Path, servers: tuple[SmtpSink, Dovecot]
) -> None:
    sink, imap = servers
    portal = _new_ticket(tmp_path, channel="ozon_seller_support")
    unknown = run("mail", "assign", "999", str(portal), "--json")
    assert unknown.code == 2 and unknown.json()["code"] == "mail_not_found"
    no_box = run("mail", "send", str(portal))
    assert no_box.code == 2 and f"Обращение {portal} подаётся не по почте" in no_box.stderr
    _setup(sink, imap)
    port = run("mail", "setup", "--shop", "1", "--address", "a@b.ru", "--smtp-host", "h",
               "--smtp-port", "99999", "--password-env", "X")  # fmt: skip
    assert port.code == 2 and "--smtp-port" in port.stderr
    address = run("mail", "setup", "--shop", "1", "--address", "не адрес", "--smtp-host", "h",
                  "--password-env", "X", "--json")  # fmt: skip
    assert address.code == 2 and address.json()["fields"]["field"] == "address"
    shop = run("mail", "fetch", "--shop", "нет такого")
    assert shop.code == 2 and "Магазин «нет такого» не найден" in shop.stderr
    assert sink.messages == []


def test_a_shop_without_a_mailbox_sends_through_the_reminders_smtp_server(
    cli_env: Path, tmp_path: Path, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mpdesk.entrypoints.cli import state

    tid = _new_ticket(tmp_path)
    refused = run("mail", "send", str(tid), "--json")
    assert refused.code == 2 and refused.json()["code"] == "mailbox_not_configured"
    monkeypatch.setenv("MPDESK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MPDESK_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("MPDESK_SMTP_STARTTLS", "false")
    monkeypatch.setenv("MPDESK_SMTP_FROM", "desk@example.ru")
    state.reset()
    sent = run("mail", "send", str(tid), "--json")
    assert sent.code == 0, sent.stderr
    assert sent.json()["status"] == "submitted"
    ((mail_from, rcpt, raw),) = smtp.messages
    assert (mail_from, rcpt) == ("desk@example.ru", ["sellersup@ozon.ru"])
    assert f"[MPD-{tid:06d}]".encode() in raw


def test_fetch_watch_checks_again_after_the_interval_until_interrupted(
    cli_env: Path,
    tmp_path: Path,
    servers: tuple[SmtpSink, Dovecot],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    sink, imap = servers
    _new_ticket(tmp_path)
    _setup(sink, imap)
    pauses: list[float] = []

    def pause(seconds: float) -> None:  # the second pause stands for the person's Ctrl-C
        pauses.append(seconds)
        if len(pauses) == 1:
            imap.append(_reply(b"Subject: x\\n\\n", "Вопрос.", "x@y.ru", "<w1@y.ru>"))
            return
        raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", pause)
    watched = run("mail", "fetch", "--watch", "5", "--json")
    assert watched.code == 130 and pauses == [300, 300]
    rounds = [json.loads(line) for line in watched.stdout.splitlines()]
    assert [r[0]["fetched"] for r in rounds] == [0, 1]
    assert run("mail", "fetch", "--watch", "-1").code == 2


def test_a_stored_mailbox_password_still_opens_after_backup_and_restore(
    cli_env: Path,
    tmp_path: Path,
    servers: tuple[SmtpSink, Dovecot],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mpdesk.entrypoints.cli import state

    sink, imap = servers
    _new_ticket(tmp_path)
    _setup(sink, imap)  # the password is sealed with a key derived from the app's secret
    archive = tmp_path / "copy.tar"
    assert run("backup", str(archive)).code == 0
    restored = tmp_path / "restored"
    restored.mkdir()
    monkeypatch.setenv("MPDESK_HOME", str(restored))
    state.reset()
    assert run("restore", str(archive)).code == 0, "restore failed"
    imap.append(_reply(b"Subject: x\n\n", "Вопрос.", "x@y.ru", "<b1@y.ru>"))
    fetched = run("mail", "fetch", "--json")
    assert fetched.code == 0, fetched.stderr
    assert fetched.json()[0]["fetched"] == 1
