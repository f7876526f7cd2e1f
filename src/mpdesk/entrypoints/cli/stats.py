"""Analytics commands: ``mpdesk stats`` and ``mpdesk report monthly``."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mpdesk.domain.errors import UnknownValueError
from mpdesk.entrypoints.cli.output import JsonOpt, emit, output_file
from mpdesk.entrypoints.cli.state import ctx as current_ctx
from mpdesk.services import analytics, documents, monthly_report, user_input
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.analytics import StatsFilter
from mpdesk.services.shops import list_shops

report_app = typer.Typer(help="Отчёты для партнёров и руководителя.", no_args_is_help=True)


def _day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    return user_input.parse_date(current_ctx(), value, field)


def _shop_id(ctx: ServiceContext, shop: str | None) -> int | None:
    if not shop:
        return None
    shops = list_shops(ctx)
    found = next((s for s in shops if s.name == shop), None)
    if found is None:
        raise UnknownValueError("shop", shop, [s.name for s in shops])
    return found.id


#: columns that fit a terminal; --json and --xlsx carry all of them
_TERMINAL = ("total", "resolved", "resolution_rate", "breaches", "first_answer_median_h",
             "first_answer_p90_h", "claimed", "recovered")  # fmt: skip


def _cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def cmd_stats(
    date_from: Annotated[
        str | None, typer.Option("--from", help="С даты (включительно), ГГГГ-ММ-ДД.")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="По дату (включительно), ГГГГ-ММ-ДД.")
    ] = None,
    shop: Annotated[str | None, typer.Option("--shop", help="Только этот магазин.")] = None,
    marketplace: Annotated[str | None, typer.Option("--marketplace", "-m")] = None,
    category: Annotated[str | None, typer.Option("--category", "-c")] = None,
    group_by: Annotated[
        list[str] | None,
        typer.Option("--group-by", "-g", help="marketplace, category, channel, shop, week, month."),
    ] = None,
    recurring: Annotated[
        bool, typer.Option("--recurring", help="Повторы: один идентификатор, похожий текст.")
    ] = False,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Сохранить таблицу в XLSX.")] = None,
    refresh_full: Annotated[
        bool,
        typer.Option(
            "--refresh-full", help="Сначала пересчитать свод аналитики заново по всему журналу."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Статистика журнала: число обращений, сроки ответа, решения, деньги, повторы."""
    ctx = current_ctx()
    if xlsx is not None:
        output_file(xlsx, "--xlsx")
    rebuilt = None
    if refresh_full:
        started = time.monotonic()
        days = analytics.refresh(ctx, full=True)
        rebuilt = {"days": days, "seconds": round(time.monotonic() - started, 2)}
    end = _day(date_to, "to")
    flt = StatsFilter(
        day_from=_day(date_from, "from"),
        day_to=date.fromordinal(end.toordinal() + 1) if end else None,
        shop_id=_shop_id(ctx, shop),
        marketplace=marketplace or None,
        category=category or None,
    )
    stats = analytics.compute_stats(ctx, flt, group_by or [], recurring=recurring)
    headers, rows = analytics.stats_table(ctx, stats)
    if xlsx is not None:
        ctx.tables.write(xlsx, "xlsx", headers, rows)

    def human(console: Console) -> None:
        if rebuilt is not None:
            seconds = f"{rebuilt['seconds']:.2f}".replace(".", ",")
            console.print(
                ctx.message("stats_rollup_rebuilt", days=rebuilt["days"], seconds=seconds)
            )
        n = len(stats.group_by)
        keep = [*range(n), *(n + analytics.STATS_COLUMNS.index(c) for c in _TERMINAL)]
        table = Table(*(headers[i] for i in keep), show_lines=False)
        for row in rows:
            table.add_row(*(_cell(row[i]) for i in keep))
        console.print(table)
        for r in stats.repeated_identifiers:
            ids = ", ".join(str(i) for i in r.ticket_ids)
            console.print(f"{r.marketplace} {r.id_type} {r.value}: {r.tickets} — №{ids}")
        for c in stats.similar_texts:
            ids = ", ".join(str(i) for i in c.ticket_ids)
            console.print(f"{c.marketplace}/{c.category} «{' '.join(c.top_lemmas)}»: №{ids}")
        if xlsx is not None:
            console.print(ctx.message("stats_written", path=str(xlsx)))

    data = analytics.stats_public(stats)
    if rebuilt is not None:
        data["rollup_rebuilt"] = rebuilt
    emit(data, as_json, human)


def cmd_monthly(
    month: Annotated[str, typer.Option("--month", help="Месяц: ГГГГ-ММ.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Файл: .html или .pdf (формат по расширению).")
    ],
    shop: Annotated[str | None, typer.Option("--shop", help="Только этот магазин.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Отчёт за месяц в HTML или PDF (графики внутри файла, без интернета) для партнёра."""
    ctx = current_ctx()
    output_file(output, "--output")
    if output.suffix.lower() == ".pdf":
        pdf = documents.monthly_report_pdf(ctx, month, _shop_id(ctx, shop))
        documents.save_document(ctx, pdf, output)
        size, fmt = len(pdf.content), "pdf"
    else:
        html = monthly_report.monthly_report(ctx, month, _shop_id(ctx, shop))
        ctx.tables.write_text(output, html)
        size, fmt = len(html.encode("utf-8")), "html"
    emit(
        {"path": str(output), "month": month, "format": fmt, "bytes": size},
        as_json,
        lambda c: c.print(ctx.message("report_written", path=str(output))),
    )


def register(cli: typer.Typer) -> None:
    cli.command("stats")(cmd_stats)
    report_app.command("monthly")(cmd_monthly)
    cli.add_typer(report_app, name="report")
