"""Journal commands: new, list, show, submit, reply, note, resolve, reject, reopen,
follow-up, bundle."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.errors import UnknownValueError
from mpdesk.domain.identifiers import IdType
from mpdesk.domain.tickets import Status
from mpdesk.entrypoints.cli import cases as case_views
from mpdesk.entrypoints.cli import wizard
from mpdesk.entrypoints.cli.output import JsonOpt, emit, output_file, stderr
from mpdesk.entrypoints.cli.state import ctx as current_ctx
from mpdesk.entrypoints.cli.state import principal as current_principal
from mpdesk.entrypoints.cli.ticket_view import (
    fmt_time,
    print_appeal,
    print_ticket,
    print_ticket_list,
)
from mpdesk.services import bundle, cases, journal, ticket_actions, urgency, user_input
from mpdesk.services.posting_prefill import posting_items_context
from mpdesk.services.supply_prefill import supply_goods_context
from mpdesk.services.views import appeal_public, status_label, ticket_public

TicketId = Annotated[
    int, typer.Argument(min=1, max=user_input.MAX_ID, help="Номер обращения в журнале.")
]

_ID_OPTIONS = {
    IdType.SUPPLY_ID: "supply",
    IdType.ORDER_ID: "order",
    IdType.SKU: "sku",
    IdType.VENDOR_CODE: "vendor_code",
    IdType.BARCODE: "barcode",
    IdType.TICKET_ID: "ticket_ref",
    IdType.AMOUNT: "amount",
}


def cmd_new(
    marketplace: Annotated[
        str | None, typer.Option("--marketplace", "-m", help="wb или ozon.")
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", "-c", help="Категория (mpdesk kb show categories).")
    ] = None,
    text: Annotated[
        str, typer.Option("--text", "-t", help="Описание проблемы своими словами.")
    ] = "",
    event_date: Annotated[
        str | None, typer.Option("--date", help="Дата события: ГГГГ-ММ-ДД или ДД.ММ.ГГГГ.")
    ] = None,
    supply: Annotated[list[str] | None, typer.Option("--supply", help="Номер поставки.")] = None,
    order: Annotated[
        list[str] | None, typer.Option("--order", help="Номер заказа / отправления.")
    ] = None,
    sku: Annotated[
        list[str] | None, typer.Option("--sku", help="Артикул WB (nmID) или SKU Ozon.")
    ] = None,
    vendor_code: Annotated[
        list[str] | None, typer.Option("--vendor-code", help="Артикул продавца.")
    ] = None,
    barcode: Annotated[list[str] | None, typer.Option("--barcode", help="Штрихкод.")] = None,
    ticket_ref: Annotated[
        list[str] | None, typer.Option("--ticket-ref", help="Номер прежнего обращения.")
    ] = None,
    amount: Annotated[list[str] | None, typer.Option("--amount", help="Сумма, руб.")] = None,
    attach: Annotated[
        list[Path] | None,
        typer.Option("--attach", "-a", help="Файл-доказательство (можно несколько)."),
    ] = None,
    shop: Annotated[
        str | None, typer.Option("--shop", help="Магазин (по умолчанию основной).")
    ] = None,
    channel: Annotated[
        str, typer.Option("--channel", help="Канал (по умолчанию официальный основной).")
    ] = "",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Только показать обращение, не сохранять.")
    ] = False,
    follow_up_of: Annotated[
        int | None,
        typer.Option(
            "--follow-up-of",
            min=1,
            max=user_input.MAX_ID,
            help="Добавить к делу этого обращения как повторное.",
        ),
    ] = None,
    interactive: Annotated[
        bool | None,
        typer.Option(
            "--interactive/--no-interactive",
            help="Мастер с вопросами (по умолчанию — если ввод с терминала).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Новое обращение: текст, канал, чек-лист; сохраняется в журнал."""
    ctx = current_ctx()
    raw = {
        IdType.SUPPLY_ID: supply or [],
        IdType.ORDER_ID: order or [],
        IdType.SKU: sku or [],
        IdType.VENDOR_CODE: vendor_code or [],
        IdType.BARCODE: barcode or [],
        IdType.TICKET_ID: ticket_ref or [],
        IdType.AMOUNT: amount or [],
    }
    if interactive is None:
        interactive = sys.stdin.isatty() and not as_json
    answers = wizard.Answers(
        marketplace=user_input.parse_marketplace(ctx, marketplace),
        category=user_input.parse_category(ctx, category),
        text=text,
        event_date=user_input.parse_event_date(ctx, event_date, "date"),
        raw_identifiers=raw,
        attachments=list(attach or []),
    )
    if text.strip():  # triage fills what the flags did not give
        from mpdesk.entrypoints.cli.triage import prefill

        prefill(ctx, answers)
    if interactive:
        answers = wizard.run(ctx, answers)
    if answers.marketplace is None:
        raise UnknownValueError("marketplace", "", sorted(ctx.kb.marketplaces))
    if answers.category is None:
        raise UnknownValueError("category", "", sorted(ctx.kb.categories))
    if answers.marketplace not in ctx.kb.marketplaces:
        raise UnknownValueError("marketplace", answers.marketplace, sorted(ctx.kb.marketplaces))
    draft = AppealDraft(
        marketplace=answers.marketplace,
        category=answers.category,
        description=answers.text,
        identifiers=user_input.parse_identifiers(
            answers.marketplace,
            ((t, v) for t, values in answers.raw_identifiers.items() for v in values),
            _ID_OPTIONS,
        ),
        event_date=answers.event_date,
        channel_id=channel,
    )
    goods = supply_goods_context(ctx, current_principal(), draft, shop)
    if goods is not None and goods.problem:
        stderr().print(ctx.message("prefill_failed", problem=goods.problem))
    items = posting_items_context(ctx, current_principal(), draft, shop)
    if items is not None and items.problem:
        stderr().print(ctx.message("posting_prefill_failed", problem=items.problem))
    extra = {**(goods.context() if goods else {}), **(items.context() if items else {})} or None
    found = (
        []
        if follow_up_of
        else cases.find_duplicates(ctx, current_principal(), draft.marketplace, draft.identifiers)
    )
    follow_up_of = follow_up_of or case_views.ask_follow_up(ctx, found, interactive, as_json)
    duplicates = [cases.duplicate_public(d) for d in found]
    if dry_run:
        appeal = journal.preview_appeal(ctx, draft, answers.attachments, extra_context=extra)
        emit(
            {
                "ticket": None,
                "appeal": appeal_public(appeal, ctx.message),
                "duplicates": duplicates,
            },
            as_json,
            lambda c: print_appeal(c, ctx, appeal),
        )
        return
    opened = journal.open_ticket(
        ctx, current_principal(), draft, answers.attachments, shop_name=shop, extra_context=extra,
        follow_up_of=follow_up_of,
    )  # fmt: skip

    def human(console: Console) -> None:
        print_appeal(console, ctx, opened.appeal)
        console.print(
            ctx.message(
                "ticket_saved", id=opened.ticket.id, status=status_label(ctx, opened.ticket.status)
            )
        )
        if follow_up_of:
            console.print(ctx.message("case_follow_up_saved", id=opened.ticket.id,
                                      case_id=opened.ticket.case_id))  # fmt: skip

    emit(
        {
            "ticket": ticket_public(opened.ticket),
            "appeal": appeal_public(opened.appeal, ctx.message),
            "duplicates": duplicates,
        },
        as_json,
        human,
    )


def cmd_list(
    status: Annotated[
        list[str] | None, typer.Option("--status", "-s", help="Статус (можно несколько).")
    ] = None,
    marketplace: Annotated[str | None, typer.Option("--marketplace", "-m")] = None,
    category: Annotated[str | None, typer.Option("--category", "-c")] = None,
    shop: Annotated[str | None, typer.Option("--shop")] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Только с просроченным ответом.")
    ] = False,
    text: Annotated[
        str | None, typer.Option("--text", "-q", help="Поиск по теме, описанию, номерам.")
    ] = None,
    urgent: Annotated[
        bool, typer.Option("--urgent", help="Только срочные (проблема или срок в ближайшие 24 ч).")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100000)] = 100,
    as_json: JsonOpt = False,
) -> None:
    """Список обращений с фильтрами."""
    ctx = current_ctx()
    flt = journal.build_filter(ctx, status, marketplace, category, shop, overdue, text, urgent)
    flt.limit = limit
    tickets = journal.list_tickets(ctx, current_principal(), flt)
    notes = urgency.notes_for(ctx, tickets)
    emit(
        [{**ticket_public(t, full=False), **urgency.public(notes.get(t.id or 0))} for t in tickets],
        as_json,
        lambda c: print_ticket_list(c, ctx, tickets, notes),
    )


def cmd_show(ticket_id: TicketId, as_json: JsonOpt = False) -> None:
    """Обращение целиком: статус, текст, переписка, сроки."""
    ctx = current_ctx()
    ticket = journal.get_ticket(ctx, current_principal(), ticket_id)
    note = urgency.notes_for(ctx, [ticket]).get(ticket_id)
    data = {**ticket_public(ticket), **urgency.public(note)}
    emit(data, as_json, lambda c: print_ticket(c, ctx, ticket, note))


def cmd_submit(
    ticket_id: TicketId,
    external_id: Annotated[
        str,
        typer.Option(
            "--external-id",
            "-e",
            help="Номер обращения, присвоенный маркетплейсом (не нужен для e-mail).",
        ),
    ] = "",
    channel: Annotated[str, typer.Option("--channel", help="Канал, куда отправлено.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Отметить, что обращение отправлено (с номером у маркетплейса)."""
    ctx = current_ctx()
    ticket = ticket_actions.submit_ticket(ctx, current_principal(), ticket_id, external_id, channel)
    emit(
        ticket_public(ticket),
        as_json,
        lambda c: c.print(
            ctx.message(
                "ticket_submitted",
                id=ticket.id,
                external_id=ticket.external_id,
                due=fmt_time(ctx, ticket.reply_due_at),
            )
        ),
    )


def cmd_reply(
    ticket_id: TicketId,
    text: Annotated[
        str | None, typer.Option("--text", "-t", help="Текст ответа маркетплейса.")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Файл с текстом ответа (UTF-8).")
    ] = None,
    attach: Annotated[list[Path] | None, typer.Option("--attach", "-a")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Записать ответ маркетплейса."""
    ctx = current_ctx()
    body = text or ""
    if file is not None:
        from mpdesk.domain.errors import AttachmentError

        try:
            body = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise AttachmentError("reply_file_unreadable", file=str(file)) from exc
    ticket = ticket_actions.record_reply(ctx, current_principal(), ticket_id, body, attach or [])
    emit(
        ticket_public(ticket),
        as_json,
        lambda c: c.print(ctx.message("reply_recorded", id=ticket.id)),
    )


def cmd_note(
    ticket_id: TicketId,
    text: Annotated[str, typer.Option("--text", "-t", help="Текст заметки.")],
    as_json: JsonOpt = False,
) -> None:
    """Добавить внутреннюю заметку."""
    ctx = current_ctx()
    ticket = ticket_actions.add_note(ctx, current_principal(), ticket_id, text)
    emit(ticket_public(ticket), as_json, lambda c: c.print(ctx.message("note_added", id=ticket.id)))


def _status_command(target: Status, help_text: str):  # type: ignore[no-untyped-def]
    def command(
        ticket_id: TicketId,
        comment: Annotated[str, typer.Option("--comment", help="Комментарий.")] = "",
        recovered: Annotated[
            str | None, typer.Option("--recovered", help="Сколько денег вернули, руб.")
        ] = None,
        as_json: JsonOpt = False,
    ) -> None:
        ctx = current_ctx()
        amount = None
        if recovered is not None:
            amount = user_input.parse_amount(recovered, "recovered")
        ticket = ticket_actions.change_status(
            ctx, current_principal(), ticket_id, target, comment, amount
        )
        emit(
            ticket_public(ticket),
            as_json,
            lambda c: c.print(
                ctx.message("status_changed", id=ticket.id, status=status_label(ctx, ticket.status))
            ),
        )

    command.__doc__ = help_text
    return command


def cmd_bundle(
    ticket_id: TicketId,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Куда сохранить zip.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Собрать пакет доказательств: вложения, текст и manifest.json в zip."""
    ctx = current_ctx()
    dest = output_file(output or Path(f"mpdesk-{ticket_id}-bundle.zip"), "--output")
    data = bundle.build_bundle(ctx, current_principal(), ticket_id, dest)
    emit(data, as_json, lambda c: c.print(ctx.message("bundle_written", path=str(dest))))


def register(cli: typer.Typer) -> None:
    cli.command("new")(cmd_new)
    cli.command("list")(cmd_list)
    cli.command("show")(cmd_show)
    cli.command("submit")(cmd_submit)
    cli.command("reply")(cmd_reply)
    cli.command("note")(cmd_note)
    cli.command("resolve")(_status_command(Status.RESOLVED, "Отметить обращение решённым."))
    cli.command("reject")(_status_command(Status.REJECTED, "Отметить обращение отклонённым."))
    cli.command("reopen")(_status_command(Status.REOPENED, "Открыть обращение повторно."))
    cli.command("bundle")(cmd_bundle)
