"""Migration 0021_cases on SQLite and PostgreSQL: the chains of follow-ups and claims
(``parent_id``) become cases, and the earlier appeals of a case its claim decided are closed
the way the service closes them (before, #14 and #15 stayed «ждём ответа» and overdue)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, Table, create_engine, insert, select, text

from mpdesk.adapters.db.migrate import upgrade
from mpdesk.adapters.db.uow import make_engine

BEFORE = "0020_mail_folders"
T0 = datetime(2026, 11, 1, 9, 0)


def _engine(db_url: str, tmp_path: Path) -> Engine:
    if db_url.startswith("sqlite"):
        return make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    return make_engine(db_url)


def _ticket(tid: int, status: str, parent: int | None = None, **kw: Any) -> dict[str, Any]:
    row = {
        "id": tid, "shop_id": 1, "marketplace": "wb", "category": "acceptance",
        "status": status, "subject": f"s{tid}", "body": "b", "description": "d",
        "channel_id": "wb_service_desk", "external_id": f"SD-{tid}", "urgent": False,
        "parent_id": parent, "created_at": T0.replace(day=tid), "updated_at": T0.replace(day=tid),
        "version": 1, "submitted_at": None, "reply_due_at": None, "closed_at": None,
        "amount_claimed": None,
    }  # fmt: skip
    row.update(kw)
    return row


def test_chains_become_cases_and_a_decided_case_closes_its_earlier_appeals(
    db_url: str, tmp_path: Path
) -> None:
    engine = _engine(db_url, tmp_path)
    try:
        upgrade(engine, BEFORE)
        meta = MetaData()
        shops, tickets, events = (
            Table(name, meta, autoload_with=engine) for name in ("shops", "tickets", "events")
        )
        decided = T0.replace(day=20)
        rows = [
            _ticket(1, "submitted", submitted_at=T0, reply_due_at=T0.replace(day=3)),
            _ticket(2, "answered", 1, submitted_at=T0.replace(day=2)),
            _ticket(
                3,
                "resolved",
                1,
                submitted_at=T0.replace(day=3),
                closed_at=decided,
                amount_claimed=23500,
            ),
            _ticket(4, "submitted", submitted_at=T0.replace(day=4), reply_due_at=T0),
            _ticket(5, "draft", 2),  # a follow-up of the follow-up, never sent
            _ticket(6, "submitted", submitted_at=T0.replace(day=6)),
            _ticket(7, "rejected", 6, closed_at=decided),
            _ticket(8, "submitted", 6, submitted_at=T0.replace(day=8)),  # sent after: stays open
        ]
        with engine.begin() as conn:
            conn.execute(insert(shops).values(id=1, name="А", marketplace="wb",
                                              is_default=True, created_at=T0))  # fmt: skip
            conn.execute(insert(tickets), rows)
            conn.execute(insert(events).values(ticket_id=1, kind="claim", at=T0, actor="",
                                               from_value="", to_value="3", detail=""))  # fmt: skip
        upgrade(engine)
        with engine.connect() as conn:
            found = {
                r.id: r
                for r in conn.execute(
                    text("SELECT id, case_id, status, reply_due_at, closed_at FROM tickets")
                )
            }
            closed = conn.execute(
                select(events.c.ticket_id, events.c.to_value).where(events.c.kind == "case_closed")
            ).all()
        assert {tid: r.case_id for tid, r in found.items()} == {
            1: 1, 2: 1, 3: 1, 4: 4, 5: 1, 6: 6, 7: 6, 8: 6
        }  # fmt: skip
        assert found[1].status == found[2].status == "resolved"
        assert found[1].reply_due_at is None  # the clock stopped
        assert found[5].status == "draft"  # never sent: nothing to close
        assert found[4].status == "submitted"  # another problem
        # case 6: a follow-up sent after the rejection keeps the case open
        assert found[6].status == "submitted" and found[8].status == "submitted"
        assert sorted(closed) == [(1, "3"), (2, "3")]
    finally:
        engine.dispose()
        if db_url.startswith("postgresql"):
            create_engine(db_url).dispose()
