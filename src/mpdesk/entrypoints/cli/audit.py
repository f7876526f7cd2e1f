"""``mpdesk audit FILE…`` and ``mpdesk findings`` (list, draft, dismiss, claim, recover).

Every text shown comes from the message catalogue; ``--json`` prints the contract's shape
(``shared/spec/audit-contract.md``). The progress bar goes to stderr, and only to a terminal.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Column, Table

from mpdesk.domain.audit.findings import FindingStatus, SavedFinding
from mpdesk.domain.errors import IdentifierFormatError
from mpdesk.entrypoints.cli.output import JsonOpt, emit, stderr
from mpdesk.entrypoints.cli.state import ctx as current_ctx
from mpdesk.entrypoints.cli.state import principal as current_principal
from mpdesk.services import formatting
from mpdesk.services.audit import AuditResult, audit_reports
from mpdesk.services.audit_views import (
    audit_public,
    file_public,
    finding_title,
    kind_label,
    money_by_currency,
    money_text,
    saved_finding_public,
)
from mpdesk.services.context import ServiceContext
from mpdesk.services.findings import (
    DraftedAppeal,
    change_findings_status,
    draft_appeals,
    list_findings,
    normalized_amount,
)
from mpdesk.services.views import ticket_public

TOP = 10
FindingIds = Annotated[list[str], typer.Argument(help="Номера находок (из mpdesk findings).")]
FindingId = Annotated[str, typer.Argument(help="Номер находки (из mpdesk findings).")]
Comment = Annotated[str, typer.Option("--comment", help="Комментарий.")]

findings_app = typer.Typer(
    help="Сохранённые находки аудита: список, обращения, статусы.",
    invoke_without_command=True,
)


class RichReadProgress:
    """``ReadProgress`` drawn with Rich on stderr (nothing when stderr is not a terminal)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        console = stderr()
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self.task = self.progress.add_task("", total=None)

    def start(self, total_bytes: int) -> None:
        self.progress.start()
        self.progress.update(self.task, total=total_bytes or None)

    def file(self, name: str) -> None:
        self.progress.update(self.task, description=self.ctx.message("audit_progress", file=name))

    def advance(self, done_bytes: int) -> None:
        self.progress.advance(self.task, done_bytes)

    def stop(self) -> None:
        self.progress.stop()


Files = Annotated[
    list[Path],
    typer.Argument(help="Отчёты: XLSX, XLS, ODS, CSV, JSON или ZIP с ними (сколько угодно)."),
]
Save = Annotated[bool, typer.Option("--save", help="Сохранить находки в журнал.")]
Shop = Annotated[str | None, typer.Option("--shop", help="Магазин (по умолчанию основной).")]
Supply = Annotated[
    str | None,
    typer.Option("--supply", help="Номер поставки WB для файла с товарами поставки из API."),
]
Kinds = Annotated[
    list[str] | None, typer.Option("--kind", "-k", help="Вид находки (можно несколько).")
]
Statuses = Annotated[
    list[str] | None,
    typer.Option("--status", "-s", help="Статус: new, drafted, dismissed, claimed, recovered."),
]


def cmd_audit(
    files: Files,
    save: Save = False,
    shop: Shop = None,
    supply: Supply = None,
    as_json: JsonOpt = False,
) -> None:
    """Аудит отчётов маркетплейсов: недостачи при приёмке, двойная логистика, штрафы, списания."""
    ctx = current_ctx(with_journal=save)
    progress = RichReadProgress(ctx)
    try:
        result = audit_reports(ctx, files, save, shop, progress, supply)
    finally:
        progress.stop()
    emit(audit_public(ctx, result), as_json, lambda c: print_audit(c, ctx, result))
    if not result.usable:  # the files' reasons are printed above; then exit 2 like user errors
        stderr().print(ctx.message("audit_no_usable_files"))
        raise SystemExit(2)


def _id_column(ctx: ServiceContext) -> Column:
    """Finding ids are typed back into commands: never wrapped or cut."""
    return Column(ctx.message("audit_col_id"), no_wrap=True, min_width=16)


def _money_column(ctx: ServiceContext) -> Column:
    return Column(ctx.message("audit_col_amount"), no_wrap=True, justify="right")


def _short_column(ctx: ServiceContext, code: str) -> Column:
    return Column(ctx.message(code), no_wrap=True)


def print_audit(console: Console, ctx: ServiceContext, result: AuditResult) -> None:
    files = Table(
        ctx.message("audit_col_file"), ctx.message("audit_col_report"),
        ctx.message("audit_col_rows"), ctx.message("audit_col_problem"),
        title=ctx.message("audit_files_title"),
    )  # fmt: skip
    for file in result.files:
        view = file_public(ctx, file)
        kind = ctx.message(f"report_kind_{view['kind']}") if view["kind"] else "—"
        files.add_row(file.name, kind, str(file.rows) if file.usable else "—",
                      view["problem"] or "")  # fmt: skip
    console.print(files)
    if not result.findings:
        console.print(ctx.message("audit_no_findings"))
        return
    summary = Table(
        ctx.message("audit_col_kind"), Column(ctx.message("audit_col_count"), justify="right"),
        _money_column(ctx), title=ctx.message("audit_summary_title"),
    )  # fmt: skip
    for kind, total in result.by_kind.items():
        summary.add_row(kind_label(ctx, kind), str(total.count),
                        money_by_currency(total.by_currency))  # fmt: skip
    summary.add_row(ctx.message("audit_total"), str(len(result.findings)),
                    money_by_currency(result.by_currency), style="bold")  # fmt: skip
    console.print(summary)
    top = sorted(result.findings, key=lambda f: -(f.amount or Decimal(0)))[:TOP]
    table = Table(
        _id_column(ctx), Column(ctx.message("audit_col_finding"), ratio=3), _money_column(ctx),
        _short_column(ctx, "audit_col_deadline"),
        title=ctx.message("audit_top_title", count=len(top)),
    )  # fmt: skip
    for f in top:
        deadline = result.deadlines.get(f.id)
        table.add_row(f.id, finding_title(ctx, f), money_text(f.amount, f.currency),
                      formatting.day(deadline) if deadline else "—")  # fmt: skip
    console.print(table)
    if result.saved is not None:
        console.print(ctx.message("audit_saved", **result.saved.__dict__))
        console.print(ctx.message("audit_hint_draft"))
    else:
        console.print(ctx.message("audit_hint_save"))


@findings_app.callback()
def cmd_findings(
    typer_ctx: typer.Context,
    kind: Kinds = None,
    status: Statuses = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100000)] = 500,
    as_json: JsonOpt = False,
) -> None:
    """Список сохранённых находок (без подкоманды)."""
    if typer_ctx.invoked_subcommand is not None:
        return
    ctx = current_ctx()
    found = list_findings(ctx, current_principal(), kind or [], status or [], limit)
    emit([saved_finding_public(ctx, f) for f in found], as_json,
         lambda c: print_findings(c, ctx, found))  # fmt: skip


def print_findings(console: Console, ctx: ServiceContext, found: list[SavedFinding]) -> None:
    if not found:
        console.print(ctx.message("findings_empty"))
        return
    table = Table(
        _id_column(ctx), Column(ctx.message("audit_col_finding"), ratio=3), _money_column(ctx),
        Column(ctx.message("audit_col_status"), ratio=1), _short_column(ctx, "audit_col_deadline"),
    )  # fmt: skip
    for s in found:
        status = [ctx.message(f"finding_status_{s.status.value}")]
        if s.amount_recovered is not None:
            status = [ctx.message("finding_recovered", amount=money_text(s.amount_recovered))]
        if s.ticket_id:
            status.append(ctx.message("finding_ticket", ticket_id=s.ticket_id))
        table.add_row(
            s.id, finding_title(ctx, s.finding), money_text(s.finding.amount, s.finding.currency),
            "; ".join(status),
            formatting.day(s.deadline) if s.deadline else "—",
        )  # fmt: skip
    console.print(table)


@findings_app.command("draft")
def cmd_draft(ids: FindingIds, as_json: JsonOpt = False) -> None:
    """Создать обращения по находкам: по поставке или по отчёту, с выгрузкой строк-доказательств."""
    ctx = current_ctx()
    drafted = draft_appeals(ctx, current_principal(), ids)
    emit([_drafted_public(d) for d in drafted], as_json,
         lambda c: print_drafted(c, ctx, drafted))  # fmt: skip


def _drafted_public(d: DraftedAppeal) -> dict[str, object]:
    return {
        "ticket": ticket_public(d.ticket, full=False),
        "findings": [f.id for f in d.findings],
        "attachment": d.attachment,
        "deadline": d.deadline.isoformat() if d.deadline else None,
        "deadline_passed": d.deadline_passed,
    }


def print_drafted(console: Console, ctx: ServiceContext, drafted: list[DraftedAppeal]) -> None:
    for d in drafted:
        console.print(
            ctx.message("finding_drafted", ticket_id=d.ticket.id, subject=d.ticket.subject,
                        count=len(d.findings), attachment=d.attachment)
        )  # fmt: skip
        if d.deadline is not None:
            console.print(ctx.message("finding_deadline", deadline=formatting.day(d.deadline)))
        if d.deadline_passed:
            console.print(
                ctx.message("finding_deadline_passed", deadline=formatting.day(d.deadline))
            )
    console.print(ctx.message("findings_drafted_hint"))


def _set_status(ids: list[str], target: FindingStatus, amount: Decimal | None,
                comment: str, as_json: bool) -> None:  # fmt: skip
    ctx = current_ctx()
    changed = change_findings_status(ctx, current_principal(), ids, target, amount, comment)
    data = [saved_finding_public(ctx, saved) for saved in changed]

    def human(console: Console) -> None:
        for saved in changed:
            status = ctx.message(f"finding_status_{saved.status.value}")
            console.print(ctx.message("finding_status_changed", finding_id=saved.id, status=status))

    emit(data[0] if len(data) == 1 else data, as_json, human)


@findings_app.command("dismiss")
def cmd_dismiss(ids: FindingIds, comment: Comment = "", as_json: JsonOpt = False) -> None:
    """Отклонить находки (не ошибка маркетплейса или не стоит обращения)."""
    _set_status(ids, FindingStatus.DISMISSED, None, comment, as_json)


@findings_app.command("claim")
def cmd_claim(ids: FindingIds, comment: Comment = "", as_json: JsonOpt = False) -> None:
    """Отметить, что по находкам подано обращение или претензия."""
    _set_status(ids, FindingStatus.CLAIMED, None, comment, as_json)


@findings_app.command("recover")
def cmd_recover(
    finding_id: FindingId,
    amount: Annotated[str, typer.Option("--amount", help="Сколько денег вернули, руб.")],
    comment: Comment = "",
    as_json: JsonOpt = False,
) -> None:
    """Отметить, что деньги по находке вернули (с суммой)."""
    try:
        value = normalized_amount(amount)
    except ValueError as exc:
        raise IdentifierFormatError("amount", amount, "amount") from exc
    _set_status([finding_id], FindingStatus.RECOVERED, value, comment, as_json)


def register(cli: typer.Typer) -> None:
    cli.command("audit")(cmd_audit)
    cli.add_typer(findings_app, name="findings")
