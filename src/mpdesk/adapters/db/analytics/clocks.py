"""Tickets whose clocks may run (awaiting a reply, unsent with an event date, linked to a
parent), read in batches without their texts, and the links of follow-ups and claims."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    func,
    select,
)

from mpdesk.adapters.db import tables as t
from mpdesk.adapters.db.analytics.base import (
    _AWAITING,
    _UNSENT,
    AnalyticsBase,
)
from mpdesk.adapters.db.ticket_queries import ids_in, page_ids
from mpdesk.adapters.db.ticket_rows import ticket_columns, ticket_from_row
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.tickets import Status, Ticket


class ClockQueries(AnalyticsBase):
    def iter_clock_tickets(
        self,
        shop_ids: Sequence[int] | None,
        batch_size: int = 2000,
        with_identifiers: bool = False,
    ) -> Iterator[list[Ticket]]:
        for batch, _ in self.iter_clock_batches(shop_ids, batch_size, with_identifiers, False):
            yield batch

    def iter_clock_batches(
        self,
        shop_ids: Sequence[int] | None,
        batch_size: int = 2000,
        with_identifiers: bool = False,
        with_links: bool = True,
    ) -> Iterator[tuple[list[Ticket], RawLinks]]:
        c = t.tickets.c
        scope = [c.shop_id.in_(shop_ids)] if shop_ids is not None else []
        columns = ticket_columns(with_texts=False)
        # three index-led queries: SQLite answers an OR of them, or ``IS NOT NULL``, with a
        # scan of the whole table (ids are positive: ``parent_id > 0`` is the same test). The
        # linked tickets (follow-ups, claims: few) are found by ``ix_tickets_parent`` alone —
        # ``shop_id + 0`` keeps a journal never ANALYZEd from preferring another index — and
        # the ones the first two queries return are skipped
        linked_scope = [(c.shop_id + 0).in_(shop_ids)] if shop_ids is not None else []
        queries = (
            (select(*columns).where(c.status.in_(_AWAITING), *scope), False),
            (
                select(*columns).where(c.status.in_(_UNSENT), c.event_date.is_not(None), *scope),
                False,
            ),
            (select(*columns).where(c.parent_id > 0, *linked_scope), True),
        )
        with self.engine.connect() as conn:
            for query, linked in queries:
                result = conn.execute(query.execution_options(yield_per=batch_size))
                for rows in result.partitions():
                    batch = [ticket_from_row(row) for row in rows]
                    if linked:
                        batch = [tk for tk in batch if _only_linked(tk)]
                    if with_identifiers:
                        _add_identifiers(conn, batch)
                    if batch:
                        # the links are read on this connection: a second one taken while
                        # this one streams could wait for ever on a busy server's pool
                        parents = {tk.id: tk.parent_id for tk in batch if tk.id is not None}
                        yield batch, (_links(conn, parents) if with_links else {})

    def links(self, parents: Mapping[int, int | None]) -> RawLinks:
        with self.engine.connect() as conn:
            return _links(conn, parents)


#: per ticket id: ``(follow_up_ids, claim_ids)``
RawLinks = dict[int, tuple[list[int], list[int]]]


def _links(conn: Connection, parents: Mapping[int, int | None]) -> RawLinks:
    c = t.tickets.c
    ids = sorted({*parents, *(p for p in parents.values() if p is not None)})
    found: RawLinks = {i: ([], []) for i in ids}
    if len(ids) > 900:  # only tickets with children have such events: ask about those
        linked = select(func.distinct(c.parent_id)).where(c.parent_id > 0)
        have_children = set(conn.execute(linked).scalars())
        ids = [i for i in ids if i in have_children]
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        rows = conn.execute(_LINK_EVENTS[conn.dialect.name], {"ids": chunk})
        for ticket_id, kind, value in rows:
            if not str(value).isdigit():
                continue
            follow, claims = found[int(ticket_id)]
            (claims if kind == "claim" else follow).append(int(value))
    return found


def _link_events(dialect: str) -> Select[Any]:
    """Follow-up and claim events of the tickets ``:ids``: built once per dialect (every
    journal page asks)."""
    e = t.events.c
    return (
        select(e.ticket_id, e.kind, e.to_value)
        .where(ids_in(e.ticket_id, page_ids(dialect), dialect), e.kind.in_(["follow_up", "claim"]))
        .order_by(e.id)
    )


_LINK_EVENTS = {dialect: _link_events(dialect) for dialect in ("sqlite", "postgresql")}


def _add_identifiers(conn: Connection, tickets: list[Ticket]) -> None:
    i = t.ticket_identifiers.c
    by_id = {ticket.id: ticket for ticket in tickets}
    ids = list(by_id)
    for start in range(0, len(ids), 900):
        rows = conn.execute(
            select(i.ticket_id, i.type, i.value)
            .where(i.ticket_id.in_(ids[start : start + 900]))
            .order_by(i.id)
        )
        for ticket_id, kind, value in rows:
            by_id[ticket_id].identifiers.append(Identifier(IdType(kind), value))


def _only_linked(ticket: Ticket) -> bool:
    """A linked ticket that neither the awaiting nor the unsent-with-event-date query gave."""
    if ticket.status is Status.ANSWERED:
        return True
    return ticket.status.value in _UNSENT and ticket.event_date is None
