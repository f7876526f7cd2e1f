"""``mpdesk worker`` (the job engine's worker process) and ``mpdesk jobs list|run``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mpdesk.bootstrap.operations import job_engine, serve_metrics
from mpdesk.entrypoints.cli.output import JsonOpt, emit
from mpdesk.entrypoints.cli.state import app as current_app
from mpdesk.entrypoints.cli.state import principal as current_principal
from mpdesk.entrypoints.cli.ticket_view import fmt_time
from mpdesk.services import jobs
from mpdesk.services.shops import find_shop

app = typer.Typer(help="Фоновые задачи: что выполнялось, с каким итогом; запуск вручную.")


def cmd_worker(
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=32, help="Задач одновременно.")
    ] = 1,
) -> None:
    """Фоновый процесс: выполнять задачи очереди (PostgreSQL; можно на нескольких машинах)."""
    application = current_app()
    engine = job_engine(application)  # refuses a SQLite journal before anything starts
    with serve_metrics(application, workers=1):  # job counts on MPDESK_METRICS_PORT
        engine.run_worker(concurrency=concurrency)


@app.command("list")
def cmd_list(
    failed: Annotated[bool, typer.Option("--failed", help="Только с ошибкой.")] = False,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="remind, mail_fetch, sync, chats.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Сколько.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Последние запуски фоновых задач: когда, для какого магазина, итог и причина ошибки."""
    ctx = current_app().ctx
    runs = jobs.list_jobs(
        ctx, current_principal(), kinds=kind or [], failed_only=failed, limit=limit
    )
    data = [jobs.job_public(ctx, r) for r in runs]

    def human(console: Console) -> None:
        if not runs:
            console.print(ctx.message("jobs_none"))
            return
        columns = ("id", "started", "kind", "shop", "outcome", "summary")
        table = Table(*(ctx.message(f"cli_job_col_{c}") for c in columns))
        for run, row in zip(runs, data, strict=True):
            table.add_row(
                str(run.id),
                fmt_time(ctx, run.started_at),
                str(row["kind_label"]),
                str(run.shop_id or "—"),
                str(row["outcome_label"]),
                run.summary,
            )
        console.print(table)

    emit(data, as_json, human)


@app.command("run")
def cmd_run(
    kind: Annotated[str, typer.Argument(help="remind, mail_fetch или sync.")],
    shop: Annotated[
        str | None, typer.Option("--shop", help="Магазин (номер или название).")
    ] = None,
    queue: Annotated[
        bool, typer.Option("--queue", help="Поставить в очередь фоновых процессов (PostgreSQL).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Выполнить задачу сейчас (или поставить в очередь для mpdesk worker)."""
    application = current_app()
    ctx = application.ctx
    shop_id = find_shop(ctx, current_principal(), shop).id if shop else None
    if queue:
        jobs.check_request(ctx, current_principal(), kind, shop_id)
        queued = job_engine(application).defer(kind, shop_id)
        code = "job_queued" if queued else "job_already_queued"
        label = jobs.kind_label(ctx, kind)
        emit(
            {"kind": kind, "shop_id": shop_id, "queued": queued},
            as_json,
            lambda c: c.print(ctx.message(code, kind=label)),
        )
        return
    run = jobs.run_now(ctx, current_principal(), kind, shop_id)
    data = jobs.job_public(ctx, run)
    line = f"{data['kind_label']}: {data['outcome_label']}. {run.summary}"
    emit(data, as_json, lambda c: c.print(line))
    if run.outcome.value == "failed":
        raise typer.Exit(1)


def register(cli: typer.Typer) -> None:
    cli.command("worker")(cmd_worker)
    cli.add_typer(app, name="jobs")
