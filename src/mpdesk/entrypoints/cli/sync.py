"""``mpdesk sync``: pull the connected shops' data from the marketplaces' APIs and audit it.

One shop after another; a shop that fails is reported in Russian and the others still sync
(the exit code is 2 when any failed). The progress goes to stderr; ``--json`` prints one
summary on stdout.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from mpdesk.domain.errors import MpdeskError
from mpdesk.entrypoints.cli.output import JsonOpt, emit, stderr
from mpdesk.entrypoints.cli.state import ctx as current_ctx
from mpdesk.entrypoints.cli.state import principal as current_principal
from mpdesk.services.connection_views import sync_run_view
from mpdesk.services.context import ServiceContext
from mpdesk.services.sync import last_sync, shops_to_sync, since_midnight, sync_shop
from mpdesk.services.user_input import parse_date


class RichSyncProgress:
    """``SyncProgress`` drawn with Rich on stderr (nothing when stderr is not a terminal)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        console = stderr()
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.completed:.0f}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self.task = self.progress.add_task("", total=None)
        self.progress.start()

    def stream(self, shop: str, stream: str) -> None:
        text = self.ctx.message("sync_progress", shop=shop, stream=stream)
        self.progress.update(self.task, description=text, completed=0)

    def page(self, shop: str, stream: str, rows: int) -> None:
        self.progress.update(self.task, completed=rows)

    def stop(self) -> None:
        self.progress.stop()


Since = Annotated[
    str | None,
    typer.Option("--since", help="С какого дня загрузить заново (иначе — с прошлой загрузки)."),
]
ShopOpt = Annotated[
    str | None, typer.Option("--shop", help="Номер или название магазина (иначе — все).")
]


def cmd_sync(shop: ShopOpt = None, since: Since = None, as_json: JsonOpt = False) -> None:
    """Загрузить данные подключённых магазинов из API маркетплейсов и проверить их аудитом."""
    ctx = current_ctx()
    day = parse_date(ctx, since, field="since")
    start = since_midnight(ctx, day) if day is not None else None
    summary: list[dict[str, Any]] = []
    progress = RichSyncProgress(ctx)
    try:
        for target in shops_to_sync(ctx, current_principal(), shop):
            streams: dict[str, int] = {}
            skipped: dict[str, str] = {}
            try:
                result = sync_shop(ctx, target.id, start, progress)
                streams, skipped = result.streams, result.skipped
            except MpdeskError:
                pass
            view = sync_run_view(ctx, last_sync(ctx, target.id)) or {}
            summary.append(
                {"shop_id": target.id, "shop": target.name, **view, "streams": streams,
                 "skipped": skipped}
            )  # fmt: skip
    finally:
        progress.stop()
    emit(summary, as_json, lambda c: _print(ctx, summary, c))
    if any(item["outcome"] != "ok" for item in summary):
        raise SystemExit(2)


def _print(ctx: ServiceContext, summary: list[dict[str, Any]], console: Console) -> None:
    for item in summary:
        if item["outcome"] == "ok":
            console.print(ctx.message("sync_done", **item))
            for stream, code in item["skipped"].items():
                console.print(ctx.message("sync_stream_skipped", stream=stream, reason=code))
        else:
            stderr().print(ctx.message("sync_failed", shop=item["shop"], error=item["error"]))


def register(cli: typer.Typer) -> None:
    cli.command("sync")(cmd_sync)
