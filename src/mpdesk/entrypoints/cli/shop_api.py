"""``mpdesk shop connect``, ``mpdesk shop disconnect`` and ``mpdesk shop show``: a shop's
connection to its marketplace's seller API.

A key is never taken from the command line (it would stay in the shell history and the process
list): it is read from standard input when that is not a terminal, else asked for with the
input hidden. Nothing prints a key.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from rich.console import Console

from mpdesk.domain.credentials import Credentials, OzonCredentials, WbCredentials
from mpdesk.domain.errors import UnknownValueError, UserInputError
from mpdesk.entrypoints.cli.output import JsonOpt, emit
from mpdesk.entrypoints.cli.state import ctx as current_ctx
from mpdesk.entrypoints.cli.state import principal as current_principal
from mpdesk.services import formatting
from mpdesk.services.connection_views import status_view
from mpdesk.services.connections import (
    connect_shop,
    disconnect_shop,
    rekey_connections,
    shop_status,
)
from mpdesk.services.context import ServiceContext
from mpdesk.services.shops import find_shop


def _secret(ctx: ServiceContext, prompt_code: str, lines: list[str]) -> str:
    """The next line of piped standard input, or a hidden prompt on a terminal."""
    if lines:
        value = lines.pop(0)
    elif sys.stdin.isatty():
        value = typer.prompt(ctx.message(prompt_code), hide_input=True, err=True, default="")
    else:
        value = ""
    value = value.strip()
    if not value:
        raise UserInputError("connect_secret_empty")
    return value


def _credentials(ctx: ServiceContext, marketplace: str, client_id: str | None) -> Credentials:
    lines = [] if sys.stdin.isatty() else sys.stdin.read().splitlines()
    lines = [line for line in lines if line.strip()]
    if marketplace == "wb":
        return WbCredentials(_secret(ctx, "connect_token_prompt", lines))
    if marketplace == "ozon":
        if client_id is None and len(lines) > 1:
            client_id = lines.pop(0)  # piped: Client-Id on the first line, Api-Key on the next
        elif client_id is None and sys.stdin.isatty():
            client_id = typer.prompt(ctx.message("connect_client_id_prompt"), err=True)
        if not client_id or not client_id.strip():
            raise UserInputError("connect_secret_empty")
        return OzonCredentials(client_id.strip(), _secret(ctx, "connect_api_key_prompt", lines))
    raise UnknownValueError("marketplace", marketplace, sorted(ctx.kb.marketplaces))


def print_status(ctx: ServiceContext, view: dict[str, Any], console: Console) -> None:
    console.print(f"[bold]{view['shop']}[/] · {view['marketplace']}", markup=True)
    if not view["connected"]:
        console.print(ctx.message("shop_not_connected_short"))
    else:
        expires = view["expires_at"]
        if expires is None:
            console.print(ctx.message("shop_token_no_expiry"))
        else:
            code = "shop_token_expired" if view["expired"] else (
                "shop_token_expiring" if view["expires_soon"] else "shop_token_expires"
            )  # fmt: skip
            console.print(ctx.message(code, date=formatting.day(expires), days=view["days_left"]))
        for answer in view["access"].values():
            console.print(f"  {answer['label']}: {answer['answer']}")
        if view["category_bits"]:
            bits = ", ".join(str(b) for b in view["category_bits"])
            console.print(ctx.message("shop_category_bits", bits=bits))
    run = view["last_sync"]
    if run is None:
        console.print(ctx.message("sync_never"))
        return
    started = formatting.moment(run["started_at"])
    console.print(ctx.message("sync_last", started=started, outcome=run["outcome_label"], **run))
    if run["error"]:
        console.print(run["error"])


def register(app: typer.Typer) -> None:
    if any(c.name == "connect" for c in app.registered_commands):
        return  # the shop group is shared by every root of the CLI: its commands are added once

    @app.command("connect")
    def connect(
        shop: str = typer.Argument(..., help="Номер или название магазина (новое — создаст)."),
        marketplace: str = typer.Option(..., "--marketplace", "-m", help="wb или ozon."),
        client_id: str = typer.Option(
            None, "--client-id", help="Client-Id магазина Ozon (иначе спросим)."
        ),
        as_json: JsonOpt = False,
    ) -> None:
        """Подключить магазин к API маркетплейса: ключ читается из стандартного ввода или
        запрашивается, проверяется запросом к API и хранится зашифрованным."""
        ctx = current_ctx()
        credentials = _credentials(ctx, marketplace.strip().lower(), client_id)
        view = status_view(ctx, connect_shop(ctx, current_principal(), shop, credentials))

        def human(console: Console) -> None:
            label = ctx.kb.marketplaces[view["marketplace"]].name_ru
            console.print(ctx.message("shop_connected", shop=view["shop"], marketplace=label))
            print_status(ctx, view, console)

        emit(view, as_json, human)

    @app.command("disconnect")
    def disconnect(
        shop: str = typer.Argument(..., help="Номер или название магазина."),
        as_json: JsonOpt = False,
    ) -> None:
        """Удалить сохранённый ключ доступа к API магазина."""
        ctx = current_ctx()
        done = disconnect_shop(
            ctx, current_principal(), find_shop(ctx, current_principal(), shop).id
        )
        emit(
            {"shop_id": done.id, "shop": done.name, "connected": False},
            as_json,
            lambda c: c.print(ctx.message("shop_disconnected", shop=done.name)),
        )

    @app.command("show")
    def show(
        shop: str = typer.Argument(..., help="Номер или название магазина."),
        as_json: JsonOpt = False,
    ) -> None:
        """Подключение магазина к API: срок токена, категории, последняя загрузка."""
        ctx = current_ctx()
        view = status_view(
            ctx, shop_status(ctx, current_principal(), find_shop(ctx, current_principal(), shop).id)
        )
        emit(view, as_json, lambda c: print_status(ctx, view, c))

    @app.command("rekey")
    def rekey(as_json: JsonOpt = False) -> None:
        """Перешифровать сохранённые ключи доступа магазинов текущим MPDESK_SECRET_KEY."""
        ctx = current_ctx()
        count = rekey_connections(ctx, current_principal())
        emit(
            {"rekeyed": count},
            as_json,
            lambda c: c.print(ctx.message("shops_rekeyed", count=count)),
        )
