"""Delete every row of one shop, whatever table holds it.

The tables are found in the metadata, not listed by hand: a table with a ``shop_id`` column
loses the shop's rows; a table with a ``ticket_id`` column loses the rows of the shop's
tickets. A table added later is covered as soon as its module is imported here.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, delete, select, update

# every module that defines tables: importing them fills the metadata
from mpdesk.adapters.db import tables as t
from mpdesk.adapters.db import (
    tables_audit,
    tables_chats,
    tables_deadlines,
    tables_mail,
    tables_sync,
    tables_web,
)

TABLE_MODULES = (
    t,
    tables_audit,
    tables_chats,
    tables_deadlines,
    tables_mail,
    tables_sync,
    tables_web,
)


def _dependants() -> list[Table]:
    """Tables in an order where rows are deleted before the rows they reference."""
    return [
        table
        for table in reversed(t.metadata.sorted_tables)
        if table.name not in ("shops", "tickets")
        and ("shop_id" in table.c or "ticket_id" in table.c)
    ]


def delete_shop_rows(conn: Connection, shop_id: int) -> dict[str, int]:
    """Remove the shop and everything that belongs to it; returns rows removed per table."""
    ticket_ids = select(t.tickets.c.id).where(t.tickets.c.shop_id == shop_id)
    removed: dict[str, int] = {}
    for table in _dependants():
        if "ticket_id" in table.c:
            result = conn.execute(delete(table).where(table.c.ticket_id.in_(ticket_ids)))
            removed[table.name] = result.rowcount
        if "shop_id" in table.c:
            result = conn.execute(delete(table).where(table.c.shop_id == shop_id))
            removed[table.name] = removed.get(table.name, 0) + result.rowcount
    conn.execute(  # a follow-up in another shop keeps its text, loses the link
        update(t.tickets)
        .where(t.tickets.c.parent_id.in_(ticket_ids), t.tickets.c.shop_id != shop_id)
        .values(parent_id=None)
    )
    conn.execute(update(t.tickets).where(t.tickets.c.shop_id == shop_id).values(parent_id=None))
    removed["tickets"] = conn.execute(
        delete(t.tickets).where(t.tickets.c.shop_id == shop_id)
    ).rowcount
    removed["shops"] = conn.execute(delete(t.shops).where(t.shops.c.id == shop_id)).rowcount
    return removed
