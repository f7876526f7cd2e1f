"""The journal on a real database: SQLite and PostgreSQL (see the db_url fixture)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from tests.conftest import make_jpeg

from mpdesk.adapters.db import tables
from mpdesk.bootstrap import App, bootstrap
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.errors import AttachmentError, ConcurrentEditError
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.tickets import Status
from mpdesk.services import journal, ticket_actions
from mpdesk.services.ports.journal import TicketFilter


def draft(supply: str = "24567891") -> AppealDraft:
    return AppealDraft(
        "wb",
        "acceptance",
        description="Отгрузили 100 штук по поставке, на складе приняли только 95 штук",
        identifiers=[Identifier(IdType.SUPPLY_ID, supply), Identifier(IdType.AMOUNT, "1234.50")],
        event_date=date(2026, 11, 19),
    )


def count(app: App, table: object) -> int:
    assert app.engine is not None
    with app.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_full_lifecycle_round_trips_through_the_database(app: App, tmp_path: Path) -> None:
    ctx = app.ctx
    opened = journal.open_ticket(ctx, OWNER, draft(), [make_jpeg(tmp_path / "box.jpg")])
    tid = opened.ticket.id
    assert tid is not None
    ticket_actions.submit_ticket(ctx, OWNER, tid, "SD-100")
    ticket_actions.record_reply(ctx, OWNER, tid, "Проверяем приёмку")
    ticket_actions.add_note(ctx, OWNER, tid, "позвонить менеджеру")
    ticket_actions.change_status(ctx, OWNER, tid, Status.RESOLVED, amount_recovered="1000.00")
    t = journal.get_ticket(ctx, OWNER, tid)
    assert t.status is Status.RESOLVED
    assert t.external_id == "SD-100"
    assert t.amount_claimed == "1234.50" and t.amount_recovered == "1000.00"
    assert t.event_date == date(2026, 11, 19)
    assert t.created_at == ctx.clock.now() and t.created_at.tzinfo is not None
    assert [m.direction.value for m in t.messages] == ["out", "in", "note"]
    assert [i.value for i in t.identifiers] == ["24567891", "1234.50"]
    assert t.attachments[0].media_type == "image/jpeg"
    stream = ctx.files.open(t.attachments[0].sha256)
    assert stream.read(3) == b"\xff\xd8\xff"
    stream.close()
    statuses = [(e.from_value, e.to_value) for e in t.events if e.kind == "status"]
    assert statuses == [
        ("draft", "ready"),
        ("ready", "submitted"),
        ("submitted", "answered"),
        ("answered", "resolved"),
    ]


def test_stale_version_is_detected_not_overwritten(app: App) -> None:
    ctx = app.ctx
    tid = journal.open_ticket(ctx, OWNER, draft()).ticket.id
    assert tid is not None
    with pytest.raises(ConcurrentEditError):
        ticket_actions.change_status(ctx, OWNER, tid, Status.READY, expected_version=99)
    with ctx.uow() as uow1, ctx.uow() as uow2:
        a, b = uow1.tickets.get(tid), uow2.tickets.get(tid)
        assert a is not None and b is not None
        a.description = "first"
        uow1.tickets.save(a)
        uow1.commit()
        b.description = "second"
        with pytest.raises(ConcurrentEditError):
            uow2.tickets.save(b)
    assert journal.get_ticket(ctx, OWNER, tid).description == "first"


def test_failed_open_leaves_database_and_file_store_unchanged(app: App, tmp_path: Path) -> None:
    ctx = app.ctx
    exe = tmp_path / "photo.jpg"
    exe.write_bytes(b"MZ\x90\x00" + bytes(200))
    good = make_jpeg(tmp_path / "ok.jpg")
    with pytest.raises(AttachmentError):
        journal.open_ticket(ctx, OWNER, draft(), [good, exe])
    assert count(app, tables.tickets) == 0
    assert count(app, tables.shops) == 0
    assert not any(p.is_file() for p in (app.settings.home / "files").rglob("*"))


def test_filters_text_search_overdue_and_counts(app: App) -> None:
    ctx = app.ctx
    ids = [journal.open_ticket(ctx, OWNER, draft(str(24567890 + i))).ticket.id for i in range(3)]
    ozon = AppealDraft(
        "ozon",
        "listing",
        description="Неверные фото в карточке товара SKU",
        identifiers=[Identifier(IdType.SKU, "1100526203")],
    )
    journal.open_ticket(ctx, OWNER, ozon)
    assert ids[0] is not None
    ticket_actions.submit_ticket(ctx, OWNER, ids[0], "SD-1")
    with ctx.uow() as uow:
        assert uow.tickets.count(TicketFilter(marketplace="wb")) == 3
        assert [t.id for t in uow.tickets.list(TicketFilter(text="24567891"))] == [ids[1]]
        assert uow.tickets.count(TicketFilter(text="sd-1")) == 1
        later = ctx.clock.now() + timedelta(hours=49)
        assert [t.id for t in uow.tickets.list(TicketFilter(overdue_at=later))] == [ids[0]]
        assert uow.tickets.list(TicketFilter(overdue_at=ctx.clock.now())) == []
        page = uow.tickets.list(TicketFilter(order_by="id", limit=2, offset=1))
        assert [t.id for t in page] == ids[1:3]


def test_default_shop_is_created_once_per_marketplace(app: App) -> None:
    ctx = app.ctx
    journal.open_ticket(ctx, OWNER, draft("1"))
    journal.open_ticket(ctx, OWNER, draft("2"))
    with ctx.uow() as uow:
        shops = uow.shops.list()
    assert [(s.marketplace, s.is_default) for s in shops] == [("wb", True)]


def test_migrations_are_idempotent(app: App) -> None:
    again = bootstrap(app.settings)
    assert again.engine is not None
    again.engine.dispose()
    assert count(app, tables.tickets) == 0


def test_times_come_back_as_the_same_moment_in_utc(app: App) -> None:
    """Stored as naive UTC, read back aware in UTC, microseconds kept, whatever zone went in."""
    assert app.engine is not None
    msk = timezone(timedelta(hours=3))
    moments = [
        datetime(2026, 11, 27, 23, 59, 59, 999_999, tzinfo=msk),
        datetime(2026, 3, 1, 0, 0, tzinfo=UTC),
    ]
    c = tables.shops.c
    back = []
    with app.engine.begin() as conn:
        for i, moment in enumerate(moments):
            values = {"name": f"Часы {i}", "marketplace": "wb", "is_default": False}
            conn.execute(insert(tables.shops).values(created_at=moment, **values))
            found = select(c.created_at).where(c.name == f"Часы {i}")
            back.append(conn.execute(found).scalar_one())
    assert back == moments
    assert all(b.tzinfo is UTC for b in back)
    assert back[0].hour == 20 and back[0].microsecond == 999_999


def test_whole_journal_pages_match_the_list_in_every_order_with_a_capped_count(app: App) -> None:
    ctx = app.ctx
    ids = [journal.open_ticket(ctx, OWNER, draft(str(24567890 + i))).ticket.id for i in range(5)]
    assert ids[1] is not None and ids[3] is not None
    ticket_actions.submit_ticket(ctx, OWNER, ids[3], "SD-3")
    ticket_actions.submit_ticket(ctx, OWNER, ids[1], "SD-1")
    with ctx.reads() as uow:
        for order in ("-id", "id", "-updated_at", "reply_due_at", "status", "-event_date"):
            every = [t.id for t in uow.tickets.list(TicketFilter(order_by=order))]
            for offset in (0, 2, 4):
                flt = TicketFilter(order_by=order, limit=2, offset=offset, texts=False)
                page, counted = uow.tickets.list_counted(flt, 4)
                assert [t.id for t in page] == every[offset : offset + 2], (order, offset)
                assert counted == 4  # counting stops at the cap
        page, _ = uow.tickets.list_counted(TicketFilter(limit=5, texts=False), 10)
        assert {(t.body, t.description) for t in page} == {("", "")}  # the list skips the texts
        (full,) = uow.tickets.list(TicketFilter(limit=1))
        assert full.description.startswith("Отгрузили 100 штук")
