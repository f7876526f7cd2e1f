"""``mpdesk chats``: Ozon's support chats — fetch them and their new messages (``fetch``), the
list with unread counts (``list``), one chat's messages (``show``) and linking a chat to a
ticket (``link``). Each command calls one use case of ``services/support_chats.py``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mpdesk.domain.accounts import LOCAL_OWNER
from mpdesk.entrypoints.cli.output import JsonOpt, emit
from mpdesk.entrypoints.cli.state import ctx as current_ctx
from mpdesk.entrypoints.cli.ticket_view import fmt_time
from mpdesk.services.shops import find_shop
from mpdesk.services.support_chats import (
    chat_message_public,
    chat_messages,
    chat_public,
    fetch_all_chats,
    fetch_chats,
    link_chat,
    list_support_chats,
    report_public,
)

app = typer.Typer(help="Чаты с поддержкой Ozon: список, сообщения, связь с обращениями.",
                  no_args_is_help=True)  # fmt: skip
ShopOpt = Annotated[str, typer.Option("--shop", help="Только этот магазин (номер или название).")]


@app.command("fetch")
def fetch(shop: ShopOpt = "", as_json: JsonOpt = False) -> None:
    """Получить чаты с поддержкой и их новые сообщения; ответы подшить к обращениям."""
    ctx = current_ctx()
    if shop:
        reports = [fetch_chats(ctx, LOCAL_OWNER, find_shop(ctx, LOCAL_OWNER, shop).id)]
    else:
        reports = fetch_all_chats(ctx, LOCAL_OWNER)

    def human(console: Console) -> None:
        for r in reports:
            console.print(ctx.message("chats_fetched", shop_id=r.shop_id, chats=r.chats,
                                      unread=r.unread, new=r.new_messages, filed=len(r.filed),
                                      duplicates=r.duplicates))  # fmt: skip
            if r.notice:
                console.print(r.notice)

    emit([report_public(r) for r in reports], as_json, human)


@app.command("list")
def list_chats(shop: ShopOpt = "", as_json: JsonOpt = False) -> None:
    """Чаты с поддержкой, как их оставило последнее получение, с числом непрочитанных."""
    ctx = current_ctx()
    shop_id = find_shop(ctx, LOCAL_OWNER, shop).id if shop else None
    board = list_support_chats(ctx, LOCAL_OWNER, shop_id)
    data = {
        "chats": [chat_public(c) for c in board.chats],
        "history_refused": {str(k): v.isoformat() for k, v in board.refused.items()},
    }

    def human(console: Console) -> None:
        if not board.chats:
            console.print(ctx.message("chats_empty"))
        else:
            columns = ("chat", "shop", "status", "unread", "messages", "ticket")
            table = Table(*(ctx.message(f"cli_chat_col_{c}") for c in columns))
            for c in board.chats:
                table.add_row(c.chat_id, str(c.shop_id), c.status, str(c.unread_count),
                              str(c.messages), str(c.ticket_id or "—"))  # fmt: skip
            console.print(table)
        for shop_id, since in sorted(board.refused.items()):
            console.print(ctx.message("chats_refused_since", shop_id=shop_id,
                                      since=fmt_time(ctx, since)))  # fmt: skip

    emit(data, as_json, human)


@app.command("show")
def show(
    chat_id: Annotated[str, typer.Argument(help="Идентификатор чата.")], as_json: JsonOpt = False
) -> None:
    """Сообщения одного чата с поддержкой."""
    ctx = current_ctx()
    chat, records = chat_messages(ctx, LOCAL_OWNER, chat_id)

    def human(console: Console) -> None:
        for r in records:
            m = r.message
            console.print(f"[bold]{fmt_time(ctx, m.at)} · {m.author_type}[/]")
            console.print(m.text or ctx.message("chat_message_image"), markup=False)

    emit({**chat_public(chat), "items": [chat_message_public(r) for r in records]}, as_json, human)


@app.command("link")
def link(
    chat_id: Annotated[str, typer.Argument(help="Идентификатор чата (mpdesk chats list).")],
    ticket_id: Annotated[int, typer.Argument(help="Номер обращения.")],
    as_json: JsonOpt = False,
) -> None:
    """Связать чат с обращением: его сообщения поддержки станут ответами обращения."""
    ctx = current_ctx()
    chat, filed = link_chat(ctx, LOCAL_OWNER, chat_id, ticket_id)
    text = ctx.message("chats_linked", chat_id=chat.chat_id, ticket_id=ticket_id, filed=filed)
    emit({**chat_public(chat), "filed": filed}, as_json, lambda c: c.print(text))


def register(cli: typer.Typer) -> None:
    cli.add_typer(app, name="chats")
