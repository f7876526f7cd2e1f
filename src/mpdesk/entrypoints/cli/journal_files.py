"""The journal in and out of files: ``export`` (CSV, XLSX for accountants, JSON) and
``import-journal`` (a JSON export, or a seller's CSV/XLSX journal, with ``--dry-run``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from mpdesk.entrypoints.cli.output import JsonOpt, emit, output_file
from mpdesk.entrypoints.cli.state import ctx as current_ctx
from mpdesk.entrypoints.cli.state import principal as current_principal
from mpdesk.services import export, journal, journal_import
from mpdesk.services.views import status_label


def cmd_export(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="csv, xlsx (листы для бухгалтерии) или json.")
    ] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Файл.")] = None,
    status: Annotated[list[str] | None, typer.Option("--status", "-s")] = None,
    marketplace: Annotated[str | None, typer.Option("--marketplace", "-m")] = None,
    category: Annotated[str | None, typer.Option("--category", "-c")] = None,
    shop: Annotated[str | None, typer.Option("--shop")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Выгрузить журнал в CSV, XLSX или JSON."""
    ctx = current_ctx()
    flt = journal.build_filter(ctx, status, marketplace, category, shop, False, None)
    dest = output_file(output or Path(f"mpdesk-journal.{fmt}"), "--output")
    count = export.export_journal(ctx, fmt, dest, flt)
    emit(
        {"path": str(dest), "format": fmt, "tickets": count},
        as_json,
        lambda c: c.print(ctx.message("export_written", path=str(dest), count=count)),
    )


def cmd_import(
    source: Annotated[
        Path,
        typer.Argument(help="Журнал: таблица CSV, XLSX, XLS, ODS или JSON-выгрузка mpdesk."),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Только проверить и показать, что будет загружено.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Загрузить журнал из таблицы или JSON-выгрузки (всё или ничего; повторная загрузка
    ничего не дублирует)."""
    ctx = current_ctx()
    result = journal_import.import_file(ctx, current_principal(), source, dry_run)

    def human(console: Console) -> None:
        if result.columns:
            found = ", ".join(f"«{h}» → {f}" for h, f in result.columns)
            console.print(ctx.message("journal_import_columns", columns=found), markup=False)
        if result.ignored:
            ignored = ", ".join(f"«{h}»" for h in result.ignored)
            console.print(ctx.message("journal_import_ignored", columns=ignored), markup=False)
        if dry_run:
            for row in result.rows:
                ticket = row.ticket
                console.print(
                    ctx.message(
                        "journal_import_row_exists" if row.exists else "journal_import_row_new",
                        row=row.row,
                        subject=ticket.subject,
                        marketplace=ctx.kb.marketplaces[ticket.marketplace].name_ru,
                        category=ctx.kb.categories[ticket.category].label_ru,
                        status=status_label(ctx, ticket.status),
                    ),
                    markup=False,
                )
        code = "journal_import_checked" if dry_run else "journal_import_done"
        console.print(ctx.message(code, added=result.added, skipped=result.skipped))

    emit(journal_import.result_public(ctx, result), as_json, human)


def register(cli: typer.Typer) -> None:
    cli.command("export")(cmd_export)
    cli.command("import-journal")(cmd_import)
