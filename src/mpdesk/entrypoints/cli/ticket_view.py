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
    ch = appeal.channel
    # the text a seller copies: printed as it is — never wrapped, cut or framed by the
    # renderer (the terminal folds long lines on screen, a copy keeps them whole), no markup
    console.rule("Текст обращения")
    console.print(appeal.subject, style="bold", markup=False, highlight=False, soft_wrap=True)
    console.print()
    console.print(appeal.body, markup=False, highlight=False, soft_wrap=True)
    console.rule()
    where = [f"Канал: [bold]{ch.name_ru}[/]" + ("" if ch.official else " (НЕОФИЦИАЛЬНЫЙ)")]
    if ch.menu_path_ru:
        where.append(f"Где в кабинете: {ch.menu_path_ru}")
    if ch.url:
        where.append(f"Ссылка: {ch.url}")
    if ch.address:
        where.append(f"Адрес: {ch.address}")
    if ch.notes_ru:
        where.append(ch.notes_ru)
    where.append(f"Ожидаемый срок ответа: {ch.reply_hours} ч")
    console.print("\n".join(where))
    table = Table("", "Пункт чек-листа", "Что нужно", title="Чек-лист")
    for item in appeal.checklist:
        table.add_row(
            "✓" if item.done else "✗", item.label_ru, "" if item.done else item.question_ru
        )
    console.print(table)
    for w in appeal.warnings:
        console.print(f"[yellow]Внимание:[/] {ctx.message(w.code, **w.fields)}")


def _category_label(ctx: ServiceContext, category: str) -> str:
    known = ctx.kb.categories.get(category)
    return known.label_ru if known else category


def print_ticket(
    console: Console, ctx: ServiceContext, ticket: Ticket, urgent: UrgencyNote | None = None
) -> None:
    now = ctx.clock.now()
    head = [
        f"[bold]Обращение №{ticket.id}[/]: {ticket.subject}",
        f"Статус: {status_label(ctx, ticket.status)}"
        + (f" · [red]{ctx.message('urgent_badge').upper()}: {urgent.label}[/]" if urgent else ""),
        f"Маркетплейс: {ticket.marketplace} · категория: {_category_label(ctx, ticket.category)}",
        f"Канал: {ctx.kb.channels[ticket.channel_id].name_ru}"
        if ticket.channel_id in ctx.kb.channels
        else f"Канал: {ticket.channel_id}",
    ]
    if ticket.external_id:
        head.append(f"Номер у маркетплейса: {ticket.external_id}")
    if ticket.event_date:
        head.append(f"Дата события: {formatting.day(ticket.event_date)}")
    if ticket.identifiers:
        head.append("Идентификаторы: " + ", ".join(_identifier(ctx, i) for i in ticket.identifiers))
    head.append(f"Создано: {fmt_time(ctx, ticket.created_at)}")
    if ticket.submitted_at:
        head.append(f"Отправлено: {fmt_time(ctx, ticket.submitted_at)}")
    if ticket.reply_due_at:
        line = f"Ответ ожидается до: {fmt_time(ctx, ticket.reply_due_at)}"
        if ticket.is_overdue(now):
            line += f" — [red]просрочено на {formatting.duration(now - ticket.reply_due_at)}[/]"
        head.append(line)
    if ticket.parent_id:
        head.append(f"Повторное к обращению №{ticket.parent_id}")
    console.print("\n".join(head))
    if urgent:
        console.print(f"[red]{urgent.action}[/]", markup=True, highlight=False)
    console.rule("Текст")
    console.print(ticket.body, markup=False, highlight=False, soft_wrap=True)
    console.rule()
    if ticket.attachments:
        console.print(
            "Вложения: " + ", ".join(f"{a.filename} ({a.size} Б)" for a in ticket.attachments)
        )
    if ticket.messages:
        table = Table("Когда", "Кто", "Текст", title="Переписка")
        who = {"out": "мы → МП", "in": "МП → мы", "note": "заметка"}
        for m in ticket.messages:
            table.add_row(fmt_time(ctx, m.at), who[m.direction.value], m.body)
        console.print(table)


def print_ticket_list(
    console: Console,
    ctx: ServiceContext,
    tickets: list[Ticket],
    urgent: dict[int, UrgencyNote] | None = None,
) -> None:
    now = ctx.clock.now()
    urgent = urgent or {}
    table = Table("№", "Статус", "МП", "Категория", "Тема", "Номер МП", "Ответ до")
    for t in tickets:
        due = fmt_time(ctx, t.reply_due_at) if t.reply_due_at else ""
        if t.is_overdue(now):
            due = f"[red]{due} (просрочено)[/]"
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
    console.print(f"Всего: {len(tickets)}")


def _identifier(ctx: ServiceContext, ident: Identifier) -> str:
    """«Номер поставки 24567891», «Сумма 1 235,50 ₽»: the catalogue's label, money through
    the one formatting module."""
    if ident.type is IdType.AMOUNT:
        return f"{ctx.message('ticket_amount_label')} {formatting.money(ident.value)}"
    return f"{ctx.message(f'triage_entity_{ident.type.value}')} {ident.value}"
