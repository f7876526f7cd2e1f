"""Statements of the journal's lists that do not depend on the repository: the orders, page
ids as one parameter, and the statements built once (a page runs them on every request, and
building a statement costs more than running it through the compiled cache)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY, Integer, Select, any_, bindparam, func, select
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from mpdesk.adapters.db import tables as t
from mpdesk.adapters.db.ticket_rows import LIST_COLUMNS, TICKET_COLUMNS
from mpdesk.services.ports.journal import TicketFilter

#: the orders a list may ask for (a leading ``-``: descending), each ending in the ticket id
ORDER = {
    name: t.tickets.c[name]
    for name in ("id", "created_at", "updated_at", "reply_due_at", "status", "event_date")
}
_ID_ARRAY = ARRAY(Integer)


def ids_in(
    column: ColumnElement[Any], ids: BindParameter[Any] | Sequence[int], dialect: str
) -> ColumnElement[bool]:
    """``column IN (ids)``; on PostgreSQL ``= ANY(array)``: one parameter instead of one per id,
    so the statement text stays the same from page to page (psycopg caches and prepares it)."""
    if dialect == "postgresql":
        array = ids if isinstance(ids, BindParameter) else bindparam(None, list(ids), _ID_ARRAY)
        return column == any_(array)
    return column.in_(ids if isinstance(ids, BindParameter) else list(ids))


def page_ids(dialect: str) -> BindParameter[Any]:
    """The bound parameter ``ids`` (the tickets of a page) of a statement built once per
    dialect: an array on PostgreSQL (``ids_in``), an expanding list elsewhere."""
    if dialect == "postgresql":
        return bindparam("ids", type_=_ID_ARRAY)
    return bindparam("ids", expanding=True)


def identifiers_of(dialect: str) -> Select[Any]:
    """Identifiers of a page of tickets (bound parameter ``ids``): built once per dialect."""
    c = t.ticket_identifiers.c
    return (
        select(c.ticket_id, c.type, c.value)
        .where(ids_in(c.ticket_id, page_ids(dialect), dialect))
        .order_by(c.id)
    )


IDENTIFIERS_OF = {name: identifiers_of(name) for name in ("sqlite", "postgresql")}
#: tickets in the journal, counting no further than ``:cap``
COUNT_ALL = select(func.count()).select_from(
    select(t.tickets.c.id).limit(bindparam("cap", type_=Integer)).subquery()
)


def in_order(query: Select[Any], order_by: str) -> Select[Any]:
    """``query`` in a journal order (a leading ``-``: descending), ties by the ticket id."""
    key = order_by.lstrip("-")
    column = ORDER.get(key, t.tickets.c.id)
    ordered = column.desc() if order_by.startswith("-") else column.asc()
    if key == "id":
        return query.order_by(ordered)
    return query.order_by(ordered, t.tickets.c.id.desc())


_WHOLE_PAGES: dict[tuple[tuple[ColumnElement[Any], ...], str], Select[Any]] = {}


def whole_journal_page(columns: tuple[ColumnElement[Any], ...], order_by: str) -> Select[Any]:
    """A page of the whole journal (``:limit``, ``:offset``) with its count up to ``:cap``
    (an uncorrelated scalar subquery), built once per columns and order: the journal's first
    view for everyone who sees every shop."""
    key = (columns, order_by)
    found = _WHOLE_PAGES.get(key)
    if found is None:
        found = _WHOLE_PAGES[key] = (
            in_order(select(*columns), order_by)
            .add_columns(COUNT_ALL.scalar_subquery())
            .limit(bindparam("limit", type_=Integer))
            .offset(bindparam("offset", type_=Integer))
        )
    return found


def columns_for(flt: TicketFilter) -> tuple[ColumnElement[Any], ...]:
    """The columns of a ticket, without the long texts when the list shows neither."""
    return TICKET_COLUMNS if flt.texts else LIST_COLUMNS
