"""``mpdesk shop add`` and ``mpdesk shop list``."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from mpdesk.entrypoints.cli.output import JsonOpt, emit
from mpdesk.entrypoints.cli.state import ctx as current_ctx
from mpdesk.services.shops import add_shop, list_shops

app = typer.Typer(help="Магазины (кабинеты продавца на маркетплейсах).", no_args_is_help=True)


@app.command("add")
def add(
    name: str = typer.Argument(..., help="Название магазина."),
    marketplace: str = typer.Option(..., "--marketplace", "-m", help="wb или ozon."),
    as_json: JsonOpt = False,
) -> None:
    """Добавить магазин."""
    ctx = current_ctx()
    shop = add_shop(ctx, name, marketplace)
    emit(
        shop.__dict__,
        as_json,
        lambda c: c.print(ctx.message("shop_added", id=shop.id, name=shop.name)),
    )


@app.command("list")
def list_(as_json: JsonOpt = False) -> None:
    """Список магазинов."""
    shops = list_shops(current_ctx())

    def human(console: Console) -> None:
        table = Table("№", "Название", "Маркетплейс", "Основной")
        for s in shops:
            table.add_row(str(s.id), s.name, s.marketplace, "да" if s.is_default else "")
        console.print(table)

    emit([s.__dict__ for s in shops], as_json, human)
