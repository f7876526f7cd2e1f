"""Use case: fill an empty journal with a demo shop and a handful of appeals in every state,
so that a first visit of the web app shows what mpdesk does."""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta

from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.tickets import Attachment, Status, Ticket
from mpdesk.services import journal, ticket_actions
from mpdesk.services.context import ServiceContext
from mpdesk.services.ports.journal import TicketFilter
from mpdesk.services.shops import add_shop

#: the demo shops' marketplaces (their names are ``demo_shop_<id>`` in the message catalogue)
DEMO_MARKETPLACES = ("wb", "ozon")


def demo_photo(width: int = 96, height: int = 64) -> bytes:
    """A small PNG (a box on a gradient) standing in for a photo of a damaged box."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            inside = width // 4 < x < 3 * width // 4 and height // 4 < y < 3 * height // 4
            rows += bytes((180, 130, 70) if inside else (230 - y, 235 - y, 245))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows)))
        + chunk(b"IEND", b"")
    )


def is_journal_empty(ctx: ServiceContext) -> bool:
    with ctx.uow() as uow:
        return uow.tickets.count(TicketFilter(limit=1)) == 0


def seed_demo(ctx: ServiceContext) -> int:
    """Create the demo shops and appeals when the journal is empty; returns tickets made."""
    if not is_journal_empty(ctx):
        return 0
    with ctx.uow() as uow:
        existing = {s.name for s in uow.shops.list()}
    shops = {}
    for marketplace in DEMO_MARKETPLACES:
        name = ctx.message(f"demo_shop_{marketplace}")
        if name not in existing:
            add_shop(ctx, name, marketplace)
        shops[marketplace] = name
    today = ctx.clock.today()
    made = []

    def open_(
        marketplace: str, category: str, text: str, ids: list[Identifier], days: int
    ) -> Ticket:
        draft = AppealDraft(
            marketplace=marketplace,
            category=category,
            description=text,
            identifiers=ids,
            event_date=today - timedelta(days=days) if days >= 0 else None,
        )
        opened = journal.open_ticket(ctx, OWNER, draft, shop_name=shops[marketplace])
        made.append(opened.ticket)
        return opened.ticket

    # 1. WB acceptance with a photo: submitted, answered, resolved with money back
    t1 = open_(
        "wb",
        "acceptance",
        "Поставка принята не полностью: отгрузили 120 штук, по акту приёмки приняли 95. "
        "Коробки были целые, этикетки на месте. Просим провести повторную приёмку.",
        [Identifier(IdType.SUPPLY_ID, "24567891"), Identifier(IdType.AMOUNT, "18750.00")],
        12,
    )
    assert t1.id is not None
    _attach_photo(ctx, t1.id)
    ticket_actions.submit_ticket(ctx, OWNER, t1.id, "SD-1045567")
    ticket_actions.record_reply(
        ctx,
        OWNER,
        t1.id,
        "Здравствуйте! По результатам проверки 25 единиц найдены и оприходованы на склад.",
    )
    ticket_actions.change_status(
        ctx, OWNER, t1.id, Status.RESOLVED, "Товар оприходован", "18750.00"
    )
    # 2. WB finance: submitted, the answer is overdue
    t2 = open_(
        "wb",
        "finance",
        "Удержали штраф за несоответствие габаритов упаковки, хотя замеры совпадают "
        "с карточкой товара. Просим отменить штраф и вернуть удержание.",
        [Identifier(IdType.SKU, "146395522"), Identifier(IdType.AMOUNT, "4300.00")],
        20,
    )
    assert t2.id is not None
    ticket_actions.submit_ticket(ctx, OWNER, t2.id, "SD-1049902")
    _shift_due(ctx, t2.id, timedelta(hours=-60))
    # 3. WB inventory: submitted, answer due within a day
    t3 = open_(
        "wb",
        "inventory",
        "Остатки на складе Коледино не совпадают с нашими данными: по отчёту 40 штук, "
        "в кабинете показывают 28. Просим провести инвентаризацию.",
        [Identifier(IdType.VENDOR_CODE, "KRUZHKA-350-BLUE")],
        5,
    )
    assert t3.id is not None
    ticket_actions.submit_ticket(ctx, OWNER, t3.id, "SD-1050114")
    _shift_due(ctx, t3.id, timedelta(hours=-40))
    # 4. Ozon logistics: a draft still missing evidence
    open_(
        "ozon",
        "logistics",
        "Отправление потеряно при доставке: статус не меняется девять дней, покупатель "
        "ждёт заказ. Просим найти отправление или компенсировать стоимость.",
        [Identifier(IdType.ORDER_ID, "48293017-0012-1")],
        9,
    )
    # 5. Ozon listing: incomplete draft without identifiers
    open_(
        "ozon",
        "listing",
        "Карточка скрыта из поиска после обновления фото.",
        [],
        -1,
    )
    return len(made)


def _attach_photo(ctx: ServiceContext, ticket_id: int) -> None:
    stored = ctx.files.put_bytes(demo_photo(), "korobka.png")
    ctx.files.commit_pending()
    with ctx.uow() as uow:
        ticket = uow.tickets.get(ticket_id)
        assert ticket is not None
        ticket.attachments.append(
            Attachment(stored.sha256, "korobka.png", stored.size, "image/png", ctx.clock.now())
        )
        uow.tickets.save(ticket)
        uow.commit()


def _shift_due(ctx: ServiceContext, ticket_id: int, delta: timedelta) -> None:
    """Move the reply deadline (the demo pretends the appeal was filed earlier)."""
    with ctx.uow() as uow:
        ticket = uow.tickets.get(ticket_id)
        assert ticket is not None and ticket.reply_due_at is not None
        ticket.reply_due_at += delta
        if ticket.submitted_at is not None:
            ticket.submitted_at += delta
        uow.tickets.save(ticket)
        uow.commit()
