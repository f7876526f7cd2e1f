"""Repositories: convert between table rows and domain objects (no ORM session)."""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from mpdesk.adapters.db import search
from mpdesk.adapters.db import tables as t
from mpdesk.adapters.db.ticket_queries import (
    COUNT_ALL,
    IDENTIFIERS_OF,
    ORDER,
    columns_for,
    ids_in,
    in_order,
    whole_journal_page,
)
from mpdesk.adapters.db.ticket_queries import (
    identifiers_of as build_identifiers_of,
)
from mpdesk.adapters.db.ticket_rows import (
    TICKET_COLUMNS,
    attachment_from_row,
    attachment_values,
    ticket_from_row,
    ticket_values,
)
from mpdesk.domain.errors import ConcurrentEditError
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.tickets import (
    AWAITING_REPLY,
    OPEN_STATUSES,
    Direction,
    Event,
    Message,
    Ticket,
)
from mpdesk.services.ports.journal import TicketFilter

_ID_TYPES = {i.value: i for i in IdType}


def _identifier(type_: str, value: str) -> Identifier:
    return Identifier(_ID_TYPES.get(type_) or IdType(type_), value)


class SqlTicketRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- writes ---------------------------------------------------------------------------
    def add(self, ticket: Ticket) -> Ticket:
        ticket.version = 1
        result = self.conn.execute(
            insert(t.tickets).values(version=1, **ticket_values(ticket)).returning(t.tickets.c.id)
        )
        ticket.id = int(result.scalar_one())
        if ticket.case_id is None:  # a first appeal opens its own case
            ticket.case_id = ticket.id
            c = t.tickets.c
            self.conn.execute(update(t.tickets).where(c.id == ticket.id).values(case_id=ticket.id))
        self._write_children(ticket)
        search.index_ticket(self.conn, ticket)
        return ticket

    def save(self, ticket: Ticket) -> Ticket:
        assert ticket.id is not None
        result = self.conn.execute(
            update(t.tickets)
            .where(and_(t.tickets.c.id == ticket.id, t.tickets.c.version == ticket.version))
            .values(version=ticket.version + 1, **ticket_values(ticket))
        )
        if result.rowcount != 1:
            actual = self.conn.execute(
                select(t.tickets.c.version).where(t.tickets.c.id == ticket.id)
            ).scalar()
            raise ConcurrentEditError(ticket.id, ticket.version, int(actual or 0))
        ticket.version += 1
        self.conn.execute(
            delete(t.ticket_identifiers).where(t.ticket_identifiers.c.ticket_id == ticket.id)
        )
        self._write_children(ticket, identifiers=True)
        search.index_ticket(self.conn, ticket)
        return ticket

    def lock_for_append(self, ticket_id: int, now: datetime) -> None:
        c = t.tickets.c
        self.conn.execute(update(t.tickets).where(c.id == ticket_id).values(updated_at=now))

    def append(self, ticket: Ticket) -> None:
        self._write_children(ticket, identifiers=False)
        search.index_ticket(self.conn, ticket)

    def _write_children(self, ticket: Ticket, identifiers: bool = True) -> None:
        tid = ticket.id
        if identifiers and ticket.identifiers:
            self.conn.execute(
                insert(t.ticket_identifiers),
                [
                    {"ticket_id": tid, "type": i.type.value, "value": i.value}
                    for i in dict.fromkeys(ticket.identifiers)
                ],
            )
        for a in ticket.attachments:
            if a.id is None:
                a.id = self._insert(t.attachments, ticket_id=tid, **attachment_values(a))
        for msg in ticket.messages:
            if msg.id is None:
                msg.id = self._insert(
                    t.messages,
                    ticket_id=tid,
                    direction=msg.direction.value,
                    channel=msg.channel,
                    author=msg.author,
                    body=msg.body,
                    at=msg.at,
                )
        for ev in ticket.events:
            if ev.id is None:
                ev.id = self._insert(
                    t.events,
                    ticket_id=tid,
                    kind=ev.kind,
                    at=ev.at,
                    actor=ev.actor,
                    from_value=ev.from_value[:200],
                    to_value=ev.to_value[:200],
                    detail=ev.detail,
                )

    def _insert(self, table: Any, **values: Any) -> int:
        return int(
            self.conn.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()
        )

    # --- reads ----------------------------------------------------------------------------
    def get(self, ticket_id: int) -> Ticket | None:
        row = self.conn.execute(select(*TICKET_COLUMNS).where(t.tickets.c.id == ticket_id)).first()
        if row is None:
            return None
        ticket = ticket_from_row(row)
        self._load_children([ticket], full=True)
        return ticket

    def _where(
        self, flt: TicketFilter, with_text: bool = True
    ) -> builtins.list[ColumnElement[bool]]:
        c = t.tickets.c
        conds: builtins.list[ColumnElement[bool]] = []
        if flt.status:
            conds.append(c.status.in_([s.value for s in flt.status]))
        if flt.marketplace:
            conds.append(c.marketplace == flt.marketplace)
        if flt.category:
            conds.append(c.category == flt.category)
        if flt.shop_id is not None:
            conds.append(c.shop_id == flt.shop_id)
        if flt.shop_ids is not None:
            conds.append(c.shop_id.in_(flt.shop_ids))
        if flt.overdue_at is not None:
            conds.append(c.status.in_([s.value for s in AWAITING_REPLY]))
            conds.append(c.reply_due_at < flt.overdue_at)
        if flt.due_before is not None:
            conds.append(c.status.in_([s.value for s in AWAITING_REPLY]))
            conds.append(c.reply_due_at < flt.due_before)
        if flt.case_id is not None:
            conds.append(c.case_id == flt.case_id)
        if flt.any_identifier:
            i = t.ticket_identifiers.c
            pairs = [and_(i.type == x.type.value, i.value == x.value) for x in flt.any_identifier]
            named = select(i.ticket_id).where(or_(*pairs))
            conds.append(c.id.in_(named))
        if flt.urgent_at is not None and flt.urgent is None:
            raise ValueError("the urgent filter is resolved by services.urgency first")
        if flt.urgent is not None:
            u, sign = flt.urgent, c.urgent_sign
            conds.append(c.status.in_([s.value for s in OPEN_STATUSES]))
            conds.append(
                or_(
                    c.id.in_(u.clock_ids),
                    and_(sign.is_not(None), sign != "", sign != u.fresh_sign),
                    and_(sign == u.fresh_sign, c.created_at >= u.fresh_after),
                )
            )
        if flt.text and with_text:
            match = search.match_condition(self.conn.dialect.name, flt.text)
            if match is not None:
                conds.append(match)
        return conds

    def _select(self, flt: TicketFilter) -> Select[Any]:
        query = in_order(select(*columns_for(flt)).where(*self._where(flt)), flt.order_by)
        if flt.limit is not None:
            query = query.limit(flt.limit)
        if flt.offset:
            query = query.offset(flt.offset)
        return query

    def list(self, flt: TicketFilter) -> builtins.list[Ticket]:
        rows: Any = None
        if flt.text and flt.limit is not None and flt.order_by.lstrip("-") == "id":
            rows = self._search_page(flt, flt.limit)
        if rows is None:
            # all() fetches the page at once: iterating the result fetches row by row
            rows = self.conn.execute(self._select(flt)).all()
        tickets = [ticket_from_row(r) for r in rows]
        if flt.identifiers:
            self._load_children(tickets, full=False)
        return tickets

    def list_counted(self, flt: TicketFilter, cap: int) -> tuple[builtins.list[Ticket], int | None]:
        """A page and the capped count in one statement: the count is an uncorrelated scalar
        subquery (evaluated once), saving a round trip per page. A search keeps its own
        statements (``search.py``); an empty page cannot carry the count."""
        if flt.text:
            return self.list(flt), None
        conditions = self._where(flt)
        whole = not conditions and flt.order_by.lstrip("-") in ORDER
        if whole and flt.limit is not None:  # the whole journal: built once
            statement = whole_journal_page(columns_for(flt), flt.order_by)
            params = {"limit": flt.limit, "offset": flt.offset, "cap": cap}
            rows = self.conn.execute(statement, params).all()
        else:
            c = t.tickets.c
            counted = select(func.count()).select_from(
                select(c.id).where(*conditions).limit(cap).subquery()
            )
            rows = self.conn.execute(self._select(flt).add_columns(counted.scalar_subquery())).all()
        tickets = [ticket_from_row(r[:-1]) for r in rows]
        if flt.identifiers:
            self._load_children(tickets, full=False)
        return tickets, (int(rows[0][-1]) if rows else None)

    def _search_page(self, flt: TicketFilter, limit: int) -> Any:
        """A page of search results in id order, found without gathering every match (None
        when the query has no searchable word): the first page in one statement, a later one
        by the ids of everything before it."""
        descending = flt.order_by.startswith("-")
        conditions = self._where(flt, with_text=False)
        columns = columns_for(flt)
        if not flt.offset:
            return search.ordered_matches(
                self.conn, flt.text or "", columns, conditions, descending, limit
            )
        found = search.ordered_matches(
            self.conn, flt.text or "", [t.tickets.c.id], conditions, descending, flt.offset + limit
        )
        if found is None:
            return None
        c = t.tickets.c
        ids = [row[0] for row in found[flt.offset :]]
        return self.conn.execute(
            select(*columns)
            .where(ids_in(c.id, ids, self.conn.dialect.name))
            .order_by(c.id.desc() if descending else c.id.asc())
        ).all()

    def count(self, flt: TicketFilter) -> int:
        query = select(func.count()).select_from(t.tickets).where(*self._where(flt))
        return int(self.conn.execute(query).scalar_one())

    def count_upto(self, flt: TicketFilter, cap: int) -> int:
        """Matching tickets, counting no further than ``cap`` (cheap on huge journals)."""
        conditions = self._where(flt, with_text=False)
        c = t.tickets.c
        if not flt.text:
            if not conditions:  # the whole journal: one statement built once
                return int(self.conn.execute(COUNT_ALL, {"cap": cap}).scalar_one())
            inner = select(c.id).where(*conditions)
        else:
            if not conditions:  # a bare search: the index alone
                found = search.count_matches_upto(self.conn, flt.text, cap)
                if found is not None:
                    return found
            fts = search.fts5_join(flt.text) if self.conn.dialect.name == "sqlite" else None
            if fts is not None:  # stream the FTS5 matches instead of listing them all first
                joined, match = fts
                inner = select(c.id).select_from(joined).where(match, *conditions)
            else:
                text_match = search.match_condition(self.conn.dialect.name, flt.text)
                extra = [] if text_match is None else [text_match]
                inner = select(c.id).where(*conditions, *extra)
        counted = inner.limit(cap).subquery()
        return int(self.conn.execute(select(func.count()).select_from(counted)).scalar_one())

    def iter_all(self) -> Iterator[Ticket]:
        last = 0
        while True:
            rows = self.conn.execute(
                select(*TICKET_COLUMNS)
                .where(t.tickets.c.id > last)
                .order_by(t.tickets.c.id)
                .limit(500)
            ).all()
            if not rows:
                return
            batch = [ticket_from_row(r) for r in rows]
            self._load_children(batch, full=True)
            yield from batch
            last = batch[-1].id or last

    def _load_children(self, tickets: builtins.list[Ticket], full: bool) -> None:
        if not tickets:
            return
        by_id = {tk.id: tk for tk in tickets}
        ids = list(by_id)
        dialect = self.conn.dialect.name
        identifiers_of = IDENTIFIERS_OF.get(dialect)
        if identifiers_of is None:
            identifiers_of = build_identifiers_of(dialect)
        for chunk_start in range(0, len(ids), 900):
            chunk = ids[chunk_start : chunk_start + 900]
            idents: dict[int, list[Identifier]] = defaultdict(list)
            for ticket_id, type_, value in self.conn.execute(identifiers_of, {"ids": chunk}).all():
                idents[ticket_id].append(_identifier(type_, value))
            for tid, found in idents.items():
                by_id[tid].identifiers = found
            if not full:
                continue
            for r in self.conn.execute(
                select(t.attachments)
                .where(t.attachments.c.ticket_id.in_(chunk))
                .order_by(t.attachments.c.id)
            ):
                by_id[r.ticket_id].attachments.append(attachment_from_row(r))
            for r in self.conn.execute(
                select(t.messages)
                .where(t.messages.c.ticket_id.in_(chunk))
                .order_by(t.messages.c.id)
            ):
                by_id[r.ticket_id].messages.append(
                    Message(Direction(r.direction), r.body, r.at, r.channel, r.author, r.id)
                )
            for r in self.conn.execute(
                select(t.events).where(t.events.c.ticket_id.in_(chunk)).order_by(t.events.c.id)
            ):
                by_id[r.ticket_id].events.append(
                    Event(r.kind, r.at, r.actor, r.from_value, r.to_value, r.detail, r.id)
                )
