"""The journal's indexes (migration ``0007_web_journal``): each filter and sort order of a
journal page is served in order by an index, so a page of a huge journal reads about one
page of index entries instead of sorting every ticket."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from mpdesk.adapters.db.repositories import SqlTicketRepository
from mpdesk.adapters.db.tables_web import JOURNAL_INDEXES
from mpdesk.bootstrap import App
from mpdesk.domain.tickets import Status
from mpdesk.services.ports.journal import TicketFilter


def test_migration_creates_the_journal_indexes(app: App) -> None:
    assert app.engine is not None
    with app.engine.connect() as conn:
        found = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("tickets")}
    for name, column in JOURNAL_INDEXES.items():
        assert found[name][0] == column


@pytest.mark.parametrize(
    "flt",
    [
        TicketFilter(status=[Status.REOPENED]),
        TicketFilter(shop_id=1),
        TicketFilter(marketplace="ozon"),
        TicketFilter(category="finance"),
        TicketFilter(order_by="reply_due_at"),
        TicketFilter(order_by="status"),
        TicketFilter(order_by="event_date"),
    ],
    ids=["status", "shop", "marketplace", "category", "by-due", "by-status", "by-event"],
)
def test_pages_need_no_sort(app: App, flt: TicketFilter) -> None:
    """An index yields each page in order. A tiny test table would rather be sorted, so the
    planners are told to avoid that (SQLite prefers an ordering index without statistics;
    PostgreSQL is told ``enable_sort = off``): a sort still in the plan means no index fits."""
    assert app.engine is not None
    flt.limit = 51
    with app.engine.connect() as conn:
        sql = str(
            SqlTicketRepository(conn)
            ._select(flt)
            .compile(conn, compile_kwargs={"literal_binds": True})
        )
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL enable_sort = off")
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = " | ".join(str(r[0]) for r in conn.exec_driver_sql("EXPLAIN " + sql))
            assert "Sort" not in plan, plan
        else:
            plan = " | ".join(str(r[3]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "TEMP B-TREE" not in plan, plan
    assert "ix_tickets_" in plan, plan
