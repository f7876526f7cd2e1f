"""Deadline commands: due (overdue / today / this week), claim, escalation, remind."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from mpdesk.domain.errors import NotificationError, UserInputError
from mpdesk.domain.sla import Bucket, Deadline, DeadlineKind
from mpdesk.entrypoints.cli.output import JsonOpt, emit, output_file
from mpdesk.entrypoints.cli.state import ctx as current_ctx
from mpdesk.entrypoints.cli.state import principal as current_principal
from mpdesk.entrypoints.cli.ticket_view import fmt_time, print_appeal
from mpdesk.services import deadlines, documents, formatting, reminders
from mpdesk.services.answer_reading import answered_next_steps
from mpdesk.services.context import ServiceContext
from mpdesk.services.user_input import MAX_ID
from mpdesk.services.views import appeal_public, ticket_public

TicketId = Annotated[int, typer.Argument(min=1, max=MAX_ID, help="Номер обращения в журнале.")]


def _deadline_public(d: Deadline) -> dict[str, Any]:
    return {
        "ticket_id": d.ticket_id,
        "rule": d.rule_id,
        "kind": d.kind.value,
        "label": d.label_ru,
        "due_at": d.due_at.isoformat(),
        "informational": d.informational,
        "source": d.source,
    }


def _due_line(ctx: ServiceContext, item: deadlines.DueItem) -> str:
    t, d = item.ticket, item.deadline
    fields = {
        "id": t.id,
        "subject": t.subject,
        "external_id": t.external_id or "—",
        "label": d.label_ru,
        "due": fmt_time(ctx, d.due_at),
    }
    if d.kind is DeadlineKind.CLAIM_WAIT:
        return ctx.message("due_line_court", **fields)
    if item.overdue_by is not None:
        return ctx.message("due_line_overdue", by=formatting.duration(item.overdue_by), **fields)
    left = formatting.duration(item.due_in or timedelta(0))
    return ctx.message("due_line_due", left=left, **fields)


def cmd_due(
    days: Annotated[int, typer.Option("--days", min=1, max=90, help="Горизонт, дней.")] = 7,
    as_json: JsonOpt = False,
) -> None:
    """Сроки: просрочено, сегодня, в ближайшие дни — с величиной просрочки."""
    ctx = current_ctx()
    board = deadlines.due_board(ctx, days)
    answered = answered_next_steps(ctx, current_principal())
    data = {
        "now": board.now.isoformat(),
        "days": days,
        **{
            b.value: [
                {
                    "ticket": ticket_public(i.ticket, full=False),
                    "deadline": _deadline_public(i.deadline),
                    "overdue_seconds": int(i.overdue_by.total_seconds()) if i.overdue_by else None,
                    "due_in_seconds": int(i.due_in.total_seconds()) if i.due_in else None,
                }
                for i in board.section(b)
            ]
            for b in (Bucket.OVERDUE, Bucket.TODAY, Bucket.WEEK)
        },
        "answered": [
            {**s.public(), "ticket": ticket_public(s.ticket, full=False)} for s in answered
        ],
    }

    def human(console: Console) -> None:
        if not board.items and not answered:
            console.print(ctx.message("due_empty", days=days))
        for bucket, title in (
            (Bucket.OVERDUE, "due_section_overdue"),
            (Bucket.TODAY, "due_section_today"),
            (Bucket.WEEK, "due_section_week"),
        ):
            section = board.section(bucket)
            if section:
                console.print(f"[bold]{ctx.message(title, days=days)}[/]")
                for item in section:
                    console.print(f"  {_due_line(ctx, item)}", markup=False)
        if answered:
            console.print(f"[bold]{ctx.message('due_section_answered')}[/]")
        for s in answered:
            line = ctx.message("due_line_answered", id=s.ticket.id, subject=s.ticket.subject,
                               answer=ctx.message(f"answer_class_{s.answer.reading.answer_class.value}"),
                               step=s.step_text)  # fmt: skip
            console.print(f"  {line}", markup=False)

    emit(data, as_json, human)


def cmd_claim(
    ticket_id: TicketId,
    pdf: Annotated[
        Path | None,
        typer.Option(
            "--pdf", help="Записать претензию в PDF (уже составленную — без нового черновика)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Досудебная претензия по обращению: история обращений и доказательства приложены."""
    ctx, who = current_ctx(), current_principal()
    if pdf is not None:
        output_file(pdf, "--pdf")
        documents.pdf_writer(ctx)  # says what is missing before a claim is drafted
    existing = documents.find_claim(ctx, who, ticket_id) if pdf is not None else None
    opened = None if existing else deadlines.draft_claim(ctx, who, ticket_id)
    data: dict[str, Any] = {}
    if opened is not None:
        data = {
            "ticket": ticket_public(opened.ticket),
            "appeal": appeal_public(opened.appeal, ctx.message),
        }
    if pdf is not None:
        document = documents.claim_pdf(ctx, who, ticket_id)
        documents.save_document(ctx, document, pdf)
        data["pdf"] = {"path": str(pdf), "bytes": len(document.content)}

    def human(console: Console) -> None:
        if opened is not None:
            print_appeal(console, ctx, opened.appeal)
            console.print(
                ctx.message("claim_saved", id=opened.ticket.id, parent=opened.ticket.parent_id)
            )
        if pdf is not None:
            claim_id = existing.id if existing else opened.ticket.id if opened else ticket_id
            console.print(ctx.message("pdf_claim_written", id=claim_id, path=str(pdf)))

    emit(data, as_json, human)


def cmd_escalation(ticket_id: TicketId, as_json: JsonOpt = False) -> None:
    """Лестница эскалации: обращение → повторное → претензия → 30 дней → суд."""
    ctx = current_ctx()
    clocks = deadlines.case_clocks(ctx, current_principal(), ticket_id)
    ladder = clocks.ladder
    data = {
        "root_id": clocks.case.root.id,
        "follow_up_ids": [t.id for t in clocks.case.follow_ups],
        "claim_id": clocks.case.claim.id if clocks.case.claim else None,
        "step": ladder.step.value,
        "reason": ladder.reason,
        "next_step": ladder.next_step.value if ladder.next_step else None,
        "next_at": ladder.next_at.isoformat() if ladder.next_at else None,
        "court_possible_at": (
            ladder.court_possible_at.isoformat() if ladder.court_possible_at else None
        ),
        "is_money_claim": ladder.is_money_claim,
        "steps": [s.value for s in ladder.steps],
        "deadlines": [_deadline_public(d) for d in clocks.deadlines],
    }

    def human(console: Console) -> None:
        console.print(f"[bold]{ctx.message('ladder_title', id=clocks.case.root.id)}[/]")
        for step in ladder.steps:
            mark = "→" if step is ladder.step else " "
            label = ctx.message(f"ladder_step_{step.value}")
            console.print(f" {mark} {label}", markup=False)
        nxt = ctx.message(f"ladder_step_{ladder.next_step.value}") if ladder.next_step else "—"
        console.print(
            ctx.message(
                f"ladder_reason_{ladder.reason}",
                at=fmt_time(ctx, ladder.next_at),
                next=nxt,
                court=fmt_time(ctx, ladder.court_possible_at),
            ),
            markup=False,
        )
        for d in clocks.deadlines:
            line = f"  • №{d.ticket_id} {d.label_ru}: {fmt_time(ctx, d.due_at)}"
            console.print(line, markup=False)

    emit(data, as_json, human)


def cmd_remind(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Показать сводку, ничего не отправлять.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Отправить сводку сроков по e-mail и в Telegram (повторно одно событие не отправляется)."""
    ctx = current_ctx()
    if not dry_run and not deadlines.deadline_ports(ctx).notifiers:
        raise UserInputError("remind_no_channels")
    result = reminders.send_reminders(ctx, dry_run=dry_run)
    data = {
        "events": result.events,
        "locked": result.locked,
        "sent": result.sent,
        "errors": result.errors,
        "preview": (
            {"subject": result.preview[0], "text": result.preview[1]} if result.preview else None
        ),
    }

    def human(console: Console) -> None:
        if result.preview:
            console.print(result.preview[0], markup=False)
            console.print(result.preview[1], markup=False)
        elif result.locked:
            console.print(ctx.message("remind_locked"))
        elif any(result.sent.values()):
            sent = ", ".join(f"{ch}: {n}" for ch, n in result.sent.items())
            console.print(ctx.message("remind_sent", sent=sent, events=result.events))
        elif not result.errors:
            console.print(ctx.message("remind_nothing", events=result.events))

    emit(data, as_json, human)
    for channel, problem in result.errors.items():
        raise NotificationError(channel, problem)


def register(cli: typer.Typer) -> None:
    cli.command("due")(cmd_due)
    cli.command("claim")(cmd_claim)
    cli.command("escalation")(cmd_escalation)
    cli.command("remind")(cmd_remind)
