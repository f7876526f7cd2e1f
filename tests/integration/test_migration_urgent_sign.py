"""Migration 0023: the flag ``tickets.urgent`` (set once at creation) goes; open tickets get
the kind of urgent problem read from their description, closed ones stay unread (NULL), and
children of the tickets survive the column change (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import text

from mpdesk.adapters.db.migrate import upgrade
from mpdesk.adapters.db.uow import make_engine

ROW = (
    "INSERT INTO tickets (id, shop_id, marketplace, category, status, subject, body, description,"
    " channel_id, external_id, urgent, created_at, updated_at, version) VALUES (:id, 1, 'wb',"
    " 'other', :status, 's', 'b', :description, '', '', :urgent, :at, :at, 1)"
)


def test_open_tickets_are_read_and_the_flag_goes(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0022_shop_legal")
        at = "2026-11-20 07:00:00"
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO shops (id, name, marketplace, is_default, created_at)"
                    " VALUES (1, 'Магазин', 'wb', true, :at)"
                ),
                {"at": at},
            )
            for tid, status, description, urgent in (
                (1, "submitted", "Кабинет заблокирован, продажи стоят.", False),
                (2, "draft", "Приняли 95 из 100 штук.", True),  # the old flag said urgent
                (3, "resolved", "Выплаты заморожены.", True),
            ):
                conn.execute(
                    text(ROW),
                    {"id": tid, "status": status, "description": description,
                     "urgent": urgent, "at": at},
                )  # fmt: skip
            conn.execute(
                text(
                    "INSERT INTO ticket_identifiers (ticket_id, type, value) VALUES (1, 'sku', '1')"
                )
            )
        upgrade(engine)
        with engine.connect() as conn:
            signs = dict(
                conn.execute(text("SELECT id, urgent_sign FROM tickets ORDER BY id")).all()
            )
            columns = [
                c[0]
                for c in conn.execute(text("SELECT * FROM tickets WHERE 1 = 0")).cursor.description
            ]
            kept = conn.execute(text("SELECT count(*) FROM ticket_identifiers")).scalar_one()
        assert signs == {1: "cabinet_blocked", 2: "", 3: None}
        assert "urgent" not in columns
        assert kept == 1
    finally:
        engine.dispose()
