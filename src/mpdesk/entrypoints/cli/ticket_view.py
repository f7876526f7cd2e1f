"""Russian human rendering of tickets and appeals for the terminal."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console
from rich.table import Table

from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.tickets import Ticket
from mpdesk.services import formatting
from mpdesk.services.compose_appeal import Appeal
from mpdesk.services.context import ServiceContext
from mpdesk.services.urgency import UrgencyNote
from mpdesk.services.views import status_label


def fmt_time(ctx: ServiceContext, moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return ctx.message("moscow_time", time=formatting.moment(ctx.clock.local(moment)))


def print_appeal(console: Console, ctx: ServiceContext, appeal: Appeal) -> None:
    ch, msg = appeal.channel, ctx.message
    # the text a seller copies: printed as it is — never wrapped, cut or framed by the
    # renderer (the terminal folds long lines on screen, a copy keeps them whole), no markup
    console.rule(msg("view_appeal_rule"))
    console.print(appeal.subject, style="bold", markup=False, highlight=False, soft_wrap=True)
    console.print()
    console.print(appeal.body, markup=False, highlight=False, soft_wrap=True)
    console.rule()
    channel = msg("view_channel_bold", name=ch.name_ru)
    where = [channel + ("" if ch.official else msg("view_channel_unofficial"))]
    if ch.menu_path_ru:
        where.append(msg("view_menu_path", path=ch.menu_path_ru))
    if ch.url:
        where.append(msg("view_link", url=ch.url))
    if ch.address:
        where.append(msg("view_address", address=ch.address))
    if ch.notes_ru:
        where.append(ch.notes_ru)
    where.append(msg("view_reply_hours", hours=ch.reply_hours))
    console.print("\n".join(where))
    table = Table(
        "",
        msg("view_checklist_item"),
        msg("view_checklist_need"),
        title=msg("view_checklist_title"),
    )
    for item in appeal.checklist:
        table.add_row(
            "✓" if item.done else "✗", item.label_ru, "" if item.done else item.question_ru
        )
    console.print(table)
    for w in appeal.warnings:
        console.print(msg("view_warning", text=msg(w.code, **w.fields)))


def _category_label(ctx: ServiceContext, category: str) -> str:
    known = ctx.kb.categories.get(category)
    return known.label_ru if known else category


def _channel_name(ctx: ServiceContext, channel_id: str) -> str:
    known = ctx.kb.channels.get(channel_id)
    return known.name_ru if known else channel_id


def _ticket_head(ctx: ServiceContext, ticket: Ticket, urgent: UrgencyNote | None) -> list[str]:
    now, msg = ctx.clock.now(), ctx.message
    head = [
        msg("view_ticket_heading", id=ticket.id, subject=ticket.subject),
        msg("view_status", status=status_label(ctx, ticket.status))
        + (f" · [red]{msg('urgent_badge').upper()}: {urgent.label}[/]" if urgent else ""),
        msg(
            "view_marketplace",
            marketplace=ticket.marketplace,
            category=_category_label(ctx, ticket.category),
        ),
        msg("view_channel", name=_channel_name(ctx, ticket.channel_id)),
    ]
    if ticket.external_id:
        head.append(msg("view_external_id", value=ticket.external_id))
    if ticket.event_date:
        head.append(msg("view_event_date", day=formatting.day(ticket.event_date)))
    if ticket.identifiers:
        ids = ", ".join(_identifier(ctx, i) for i in ticket.identifiers)
        head.append(msg("view_identifiers", ids=ids))
    head.append(msg("view_created", time=fmt_time(ctx, ticket.created_at)))
    if ticket.submitted_at:
        head.append(msg("view_submitted", time=fmt_time(ctx, ticket.submitted_at)))
    if ticket.reply_due_at:
        line = msg("view_reply_due", time=fmt_time(ctx, ticket.reply_due_at))
        if ticket.is_overdue(now):
            line += msg("view_overdue_by", by=formatting.duration(now - ticket.reply_due_at))
        head.append(line)
    if ticket.parent_id:
        head.append(msg("view_follow_up_of", id=ticket.parent_id))
    return head


def print_ticket(
    console: Console, ctx: ServiceContext, ticket: Ticket, urgent: UrgencyNote | None = None
) -> None:
    msg = ctx.message
    console.print("\n".join(_ticket_head(ctx, ticket, urgent)))
    if urgent:
        console.print(f"[red]{urgent.action}[/]", markup=True, highlight=False)
    console.rule(msg("view_body_rule"))
    console.print(ticket.body, markup=False, highlight=False, soft_wrap=True)
    console.rule()
    if ticket.attachments:
        files = ", ".join(
            msg("view_attachment", name=a.filename, size=a.size) for a in ticket.attachments
        )
        console.print(msg("view_attachments", files=files))
    if ticket.messages:
        table = Table(
            msg("view_messages_when"),
            msg("view_messages_who"),
            msg("view_messages_text"),
            title=msg("view_messages_title"),
        )
        for m in ticket.messages:
            who = msg(f"view_direction_{m.direction.value}")
            table.add_row(fmt_time(ctx, m.at), who, m.body)
        console.print(table)


def print_ticket_list(
    console: Console,
    ctx: ServiceContext,
    tickets: list[Ticket],
    urgent: dict[int, UrgencyNote] | None = None,
) -> None:
    now, msg = ctx.clock.now(), ctx.message
    urgent = urgent or {}
    table = Table(
        "№",
        msg("view_list_status"),
        msg("view_list_marketplace"),
        msg("view_list_category"),
        msg("view_list_subject"),
        msg("view_list_external_id"),
        msg("view_list_due"),
    )
    for t in tickets:
        due = fmt_time(ctx, t.reply_due_at) if t.reply_due_at else ""
        if t.is_overdue(now):
            due = msg("view_list_overdue", due=due)
        table.add_row(
            str(t.id),
            status_label(ctx, t.status)
            + (f" [red]{ctx.message('urgent_badge')}[/]" if t.id in urgent else ""),
            t.marketplace,
            t.category,
            t.subject,
            t.external_id,
            due,
        )
    console.print(table)
    console.print(msg("view_list_total", count=len(tickets)))


def _identifier(ctx: ServiceContext, ident: Identifier) -> str:
    """«Номер поставки 24567891», «Сумма 1 235,50 ₽»: the catalogue's label, money through
    the one formatting module."""
    if ident.type is IdType.AMOUNT:
        return f"{ctx.message('ticket_amount_label')} {formatting.money(ident.value)}"
    return f"{ctx.message(f'triage_entity_{ident.type.value}')} {ident.value}"
