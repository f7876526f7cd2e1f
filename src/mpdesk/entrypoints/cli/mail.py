"""``mpdesk mail``: a shop's mailbox (``setup``), sending an appeal (``send``), fetching the
answers (``fetch``), the unmatched inbox (``inbox``) and filing a message of it under a ticket
(``assign``). Each command calls one use case of ``services/mail_send.py`` or
``services/mail_fetch.py``; bad input exits 2 with a Russian message.
"""

from __future__ import annotations

import sys
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mpdesk.entrypoints.cli.output import JsonOpt, emit
from mpdesk.entrypoints.cli.state import ctx as current_ctx
from mpdesk.entrypoints.cli.state import principal as current_principal
from mpdesk.entrypoints.cli.ticket_view import fmt_time
from mpdesk.services.mail_fetch import (
    FetchReport,
    assign_mail,
    fetch_all_mail,
    fetch_mail,
    list_unmatched,
    mail_public,
)
from mpdesk.services.mail_send import MailboxInput, configure_mailbox, send_appeal
from mpdesk.services.shops import find_shop
from mpdesk.services.views import ticket_public

app = typer.Typer(help="Почта: отправка обращений письмом и разбор ответов.", no_args_is_help=True)

ShopOpt = Annotated[str, typer.Option("--shop", help="Номер или название магазина.")]


@app.command("setup")
def setup(
    shop: ShopOpt,
    address: Annotated[str, typer.Option("--address", help="Адрес ящика (отправитель).")],
    smtp_host: Annotated[str, typer.Option("--smtp-host", help="Сервер SMTP.")],
    smtp_port: Annotated[int, typer.Option("--smtp-port", min=1, max=65535)] = 587,
    smtp_security: Annotated[
        str, typer.Option("--smtp-security", help="starttls (587), tls (465) или plain.")
    ] = "starttls",
    imap_host: Annotated[str, typer.Option("--imap-host", help="Сервер IMAP.")] = "",
    imap_port: Annotated[int, typer.Option("--imap-port", min=1, max=65535)] = 993,
    imap_plain: Annotated[
        bool, typer.Option("--imap-plain", help="IMAP без TLS (только локальный сервер).")
    ] = False,
    login: Annotated[str, typer.Option("--login", help="Логин (по умолчанию адрес).")] = "",
    password_env: Annotated[
        str, typer.Option("--password-env", help="Переменная окружения с паролем.")
    ] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Прочитать пароль из stdin и зашифровать.")
    ] = False,
    folder: Annotated[
        list[str] | None,
        typer.Option("--folder", help="Папка с ответами; можно несколько (по умолчанию INBOX)."),
    ] = None,
    sent_folder: Annotated[
        str,
        typer.Option("--sent-folder", help="Папка отправленных (по умолчанию — по флагу \\Sent)."),
    ] = "",
    forwarder: Annotated[
        list[str] | None,
        typer.Option("--forwarder", help="Адрес, чьи пересылки с меткой обращения принимать."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Настроить почтовый ящик магазина (пароль не печатается и не хранится открытым)."""
    ctx = current_ctx()
    target = find_shop(ctx, current_principal(), shop)
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else ""
    data = MailboxInput(address, smtp_host, smtp_port, smtp_security, imap_host, imap_port,
                        not imap_plain, login, password_env, password, tuple(folder or ()),
                        tuple(forwarder or ()), sent_folder)  # fmt: skip
    box = configure_mailbox(ctx, current_principal(), target.id, data)
    text = ctx.message("mailbox_saved", address=box.address, shop_id=box.shop_id)
    emit({"shop_id": box.shop_id, "address": box.address}, as_json, lambda c: c.print(text))


@app.command("send")
def send(
    ticket_id: Annotated[int, typer.Argument(help="Номер обращения.")],
    resend: Annotated[
        bool,
        typer.Option("--resend", help="Отправить, даже если прошлая отправка могла дойти."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Отправить обращение письмом из ящика магазина на адрес канала."""
    ctx = current_ctx()
    ticket = send_appeal(ctx, current_principal(), ticket_id, resend=resend)
    channel = ctx.kb.channels[ticket.channel_id]
    text = ctx.message("mail_sent", id=ticket.id, address=channel.address,
                       due=fmt_time(ctx, ticket.reply_due_at))  # fmt: skip
    emit(ticket_public(ticket), as_json, lambda c: c.print(text))


@app.command("fetch")
def fetch(
    shop: Annotated[str, typer.Option("--shop", help="Только этот магазин.")] = "",
    watch: Annotated[
        int,
        typer.Option("--watch", min=0, max=1440, help="Проверять почту каждые N минут (0 — раз)."),
    ] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Получить новые письма и подшить ответы к обращениям."""
    ctx = current_ctx()
    shop_id = find_shop(ctx, current_principal(), shop).id if shop else None
    while True:
        if shop_id is not None:
            reports = [fetch_mail(ctx, current_principal(), shop_id)]
        else:
            reports = fetch_all_mail(ctx, current_principal())

        def human(console: Console, reports: list[FetchReport] = reports) -> None:
            for r in reports:
                console.print(ctx.message("mail_fetched", **_counts(r)))

        emit([_report(r) for r in reports], as_json, human)
        if not watch:
            return
        time.sleep(watch * 60)  # Ctrl-C ends the watch (exit 130)


def _counts(report: FetchReport) -> dict[str, int]:
    return {
        "fetched": report.fetched,
        "matched": len(report.matched),
        "unmatched": report.unmatched,
        "duplicates": report.duplicates,
    }


def _report(report: FetchReport) -> dict[str, object]:
    return {
        "shop_id": report.shop_id,
        **_counts(report),
        "tickets": report.matched,
        "notified": report.notified,
        "recovered": report.recovered,
    }


@app.command("inbox")
def inbox(as_json: JsonOpt = False) -> None:
    """Нераспознанные письма: их можно подшить к обращению (mpdesk mail assign)."""
    ctx = current_ctx()
    records = list_unmatched(ctx, current_principal())

    def human(console: Console) -> None:
        if not records:
            console.print(ctx.message("mail_inbox_empty"))
            return
        columns = ("id", "shop", "received", "sender", "subject", "answer")
        table = Table(*(ctx.message(f"cli_mail_col_{c}") for c in columns))
        for r in records:
            table.add_row(str(r.id), str(r.shop_id), fmt_time(ctx, r.at), r.sender, r.subject,
                          r.answer_class)  # fmt: skip
        console.print(table)

    emit([mail_public(r) for r in records], as_json, human)


@app.command("assign")
def assign(
    mail_id: Annotated[int, typer.Argument(help="Номер письма из mpdesk mail inbox.")],
    ticket_id: Annotated[int, typer.Argument(help="Номер обращения.")],
    as_json: JsonOpt = False,
) -> None:
    """Подшить нераспознанное письмо к обращению."""
    ctx = current_ctx()
    ticket = assign_mail(ctx, current_principal(), mail_id, ticket_id)
    text = ctx.message("mail_assigned", mail_id=mail_id, ticket_id=ticket.id)
    emit(ticket_public(ticket), as_json, lambda c: c.print(text))


def register(cli: typer.Typer) -> None:
    cli.add_typer(app, name="mail")
