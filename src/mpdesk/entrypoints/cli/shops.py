"""``mpdesk shop add``, ``list``, ``delete`` and ``legal`` (the seller's legal details)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from mpdesk.domain.accounts import Principal
from mpdesk.domain.legal import SELLER_FIELDS
from mpdesk.entrypoints.cli.output import JsonOpt, emit
from mpdesk.entrypoints.cli.state import ctx as current_ctx
from mpdesk.entrypoints.cli.state import principal as current_principal
from mpdesk.entrypoints.cli.state import require_admin
from mpdesk.services import formatting, shop_legal
from mpdesk.services.connection_views import status_view
from mpdesk.services.connections import shop_statuses
from mpdesk.services.context import ServiceContext
from mpdesk.services.shops import add_shop, delete_shop, find_shop

app = typer.Typer(help="Магазины (кабинеты продавца на маркетплейсах).", no_args_is_help=True)


@app.command("add")
def add(
    name: str = typer.Argument(..., help="Название магазина."),
    marketplace: str = typer.Option(..., "--marketplace", "-m", help="wb или ozon."),
    as_json: JsonOpt = False,
) -> None:
    """Добавить магазин."""
    require_admin()
    ctx = current_ctx()
    shop = add_shop(ctx, name, marketplace)
    emit(
        shop.__dict__,
        as_json,
        lambda c: c.print(ctx.message("shop_added", id=shop.id, name=shop.name)),
    )


@app.command("list")
def list_(as_json: JsonOpt = False) -> None:
    """Список магазинов: подключение к API, срок токена, последняя загрузка."""
    ctx = current_ctx()
    views = [(s.shop, status_view(ctx, s)) for s in shop_statuses(ctx, current_principal())]
    m = ctx.message

    def human(console: Console) -> None:
        columns = ("id", "name", "marketplace", "default", "api", "sync")
        table = Table(*(m(f"cli_shop_col_{c}") for c in columns))
        for shop, view in views:
            run = view["last_sync"]
            table.add_row(
                str(shop.id),
                shop.name,
                shop.marketplace,
                m("cli_yes") if shop.is_default else "",
                _api_cell(ctx, view),
                f"{formatting.moment(ctx.clock.local(run['started_at']))} {run['outcome_label']}"
                if run
                else "",
            )
        console.print(table)

    emit([{**shop.__dict__, "api": view} for shop, view in views], as_json, human)


def _api_cell(ctx: ServiceContext, view: dict[str, Any]) -> str:
    if not view["connected"]:
        return "—"
    if view["expires_at"] is None:
        return ctx.message("shop_api_connected")
    state = "expired" if view["expired"] else ("expiring" if view["expires_soon"] else "until")
    expires = formatting.day(ctx.clock.local(view["expires_at"]).date())
    return ctx.message(f"shop_api_{state}", date=expires)


@app.command("delete")
def delete(
    shop: str = typer.Argument(..., help="Номер или название магазина."),
    export: Path = typer.Option(
        ..., "--export", help="Файл итоговой выгрузки обращений магазина (JSON), новый."
    ),
    confirm: str = typer.Option(
        None, "--confirm", help="Название магазина для подтверждения (иначе спросим)."
    ),
    as_json: JsonOpt = False,
) -> None:
    """Отключить магазин и удалить все его данные (сначала сохраняется итоговая выгрузка)."""
    ctx = current_ctx()
    found = find_shop(ctx, current_principal(), shop)
    if confirm is None:
        confirm = typer.prompt(
            ctx.message("shop_delete_prompt", shop=found.name), default="", err=True
        )
    done = delete_shop(ctx, current_principal(), found.id, confirm, export)
    data = {
        "shop": done.shop.name,
        "shop_id": done.shop.id,
        "tickets": done.tickets,
        "export": str(done.export),
    }
    emit(
        data,
        as_json,
        lambda c: c.print(
            ctx.message("shop_deleted", shop=done.shop.name, tickets=done.tickets, path=export)
        ),
    )


@app.command("legal")
def legal(
    shop: str = typer.Argument(..., help="Номер или название магазина."),
    name: str | None = typer.Option(
        None, "--name", help="Наименование продавца (ООО «…» или ИП …)."
    ),
    inn: str | None = typer.Option(
        None, "--inn", help="ИНН: 10 цифр у организации, 12 у предпринимателя."
    ),
    ogrn: str | None = typer.Option(None, "--ogrn", help="ОГРН (13 цифр) или ОГРНИП (15 цифр)."),
    address: str | None = typer.Option(None, "--address", help="Юридический адрес."),
    contract: str | None = typer.Option(None, "--contract", help="Номер договора (оферты)."),
    contract_date: str | None = typer.Option(
        None, "--contract-date", help="Дата договора или принятия оферты."
    ),
    as_json: JsonOpt = False,
) -> None:
    """Реквизиты продавца для претензий: показать или изменить (пустое значение стирает)."""
    ctx, who = current_ctx(), current_principal()
    found = find_shop(ctx, who, shop)
    changes = {"name": name, "inn": inn, "ogrn": ogrn, "address": address,
               "contract_number": contract, "contract_date": contract_date}  # fmt: skip
    changed = any(v is not None for v in changes.values())
    item = (shop_legal.update_shop_legal if changed else _read_legal)(ctx, who, found.id, changes)
    emit(shop_legal.legal_public(ctx, item), as_json, lambda c: _print_legal(c, ctx, item, changed))


def _read_legal(ctx: ServiceContext, who: Principal, shop_id: int, _: object) -> Any:
    return shop_legal.get_shop_legal(ctx, who, shop_id)


def _print_legal(
    console: Console, ctx: ServiceContext, item: shop_legal.ShopLegal, changed: bool
) -> None:
    m = ctx.message
    if changed:
        console.print(m("legal_saved", shop=item.shop.name))
    console.print(f"[bold]{m('legal_title', shop=item.shop.name)}[/]")
    values = item.legal.as_dict()
    if item.legal.contract_date is not None:
        values["contract_date"] = formatting.day(item.legal.contract_date)
    for field in SELLER_FIELDS:
        label = shop_legal.field_label(ctx, field)
        console.print(f"  {label}: {values[field] or m('legal_empty_value')}", markup=False)
    console.print(shop_legal.missing_text(ctx, item) or m("legal_complete"), markup=False)
