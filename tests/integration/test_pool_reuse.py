"""Under load a process reuses the journal's connections: when as many requests as the pool
holds (``MPDESK_DB_POOL_SIZE``) use the journal at once, again and again, the connections
opened for the first burst serve the later ones. Opening a connection costs a server process
on PostgreSQL and a cold page cache on SQLite; SQLAlchemy's default pool kept only five and
opened the others anew for every burst."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import event

from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.services import journal
from mpdesk.services.ports.journal import TicketFilter

BURSTS = 3


def test_bursts_of_requests_reuse_the_pooled_connections(app: App) -> None:
    assert app.engine is not None
    app.engine.dispose()  # count from an empty pool
    opened: list[int] = []
    event.listen(app.engine, "connect", lambda *_: opened.append(1))
    size = app.settings.db_pool_size
    together = threading.Barrier(size)

    def request(_: int) -> None:
        for _ in range(BURSTS):
            with app.ctx.read_uow() as uow:  # every request of the burst holds a connection
                together.wait(timeout=30)
                uow.tickets.list(TicketFilter(limit=5))
            together.wait(timeout=30)  # all are given back before the next burst

    with ThreadPoolExecutor(size) as pool:
        list(pool.map(request, range(size)))
    assert len(opened) == size
    # and the journal still answers through the same pool
    assert journal.list_page(app.ctx, OWNER, TicketFilter(limit=5)).tickets == []
