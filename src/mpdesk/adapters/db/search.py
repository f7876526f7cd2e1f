"""Full-text search over tickets in Russian, morphology-aware.

Each ticket's subject, description, external number, identifiers and correspondence are
lemmatised (``adapters/lemmatizer.py``) into one document:
- SQLite: FTS5 table ``ticket_fts`` (rowid = ticket id) over the lemmatised document;
- PostgreSQL: ``ticket_search.tsv = to_tsvector('russian', document)`` with a GIN index.
A query is lemmatised the same way: every word must match one of its normal forms, and the
last word, when the dictionary does not know it (still being typed), also matches as a
prefix. The repository keeps the index in step on every ``add``/``save``; ``rebuild_index``
backfills it (migration ``0004_web``).

A journal page in id order (the default) must not gather every match of a common word
(``ordered_matches``): SQLite walks the FTS5 doclist in rowid order and stops at the page;
PostgreSQL walks the newest ``PG_WINDOW`` tickets in id order, checking each document, and
asks the GIN index only for what is left (a rare word, or a page beyond the window).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Row,
    Select,
    bindparam,
    column,
    func,
    select,
    table,
    text,
)
from sqlalchemy.sql.elements import ColumnElement, TextClause
from sqlalchemy.sql.selectable import Join

from mpdesk.adapters.db import tables as t
from mpdesk.adapters.lemmatizer import lemmatizer, tokens
from mpdesk.domain.tickets import Ticket

MAX_QUERY_WORDS = 8
#: PostgreSQL: tickets walked in id order before the GIN index is asked for the rest
PG_WINDOW = 10_000


def document_text(
    subject: str,
    description: str,
    external_id: str,
    identifiers: Iterable[str],
    messages: Iterable[str] = (),
) -> str:
    raw = " ".join([subject, description, external_id, *identifiers, *messages])
    return lemmatizer().document(raw)


def ticket_document(ticket: Ticket) -> str:
    return document_text(
        ticket.subject,
        ticket.description,
        ticket.external_id,
        (i.value for i in ticket.identifiers),
        (m.body for m in ticket.messages),
    )


def write_documents(conn: Connection, docs: list[tuple[int, str]]) -> None:
    """Insert or replace the index documents of these ticket ids."""
    if not docs:
        return
    rows = [{"id": tid, "doc": doc} for tid, doc in docs]
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                "INSERT INTO ticket_search (ticket_id, tsv) "
                "VALUES (:id, to_tsvector('russian', :doc)) "
                "ON CONFLICT (ticket_id) DO UPDATE SET tsv = EXCLUDED.tsv"
            ),
            rows,
        )
    else:
        conn.execute(text("DELETE FROM ticket_fts WHERE rowid = :id"), rows)
        conn.execute(text("INSERT INTO ticket_fts (rowid, doc) VALUES (:id, :doc)"), rows)


def index_ticket(conn: Connection, ticket: Ticket) -> None:
    assert ticket.id is not None
    write_documents(conn, [(ticket.id, ticket_document(ticket))])


def _query_terms(query: str) -> list[tuple[list[str], str | None]]:
    """For each word: its normal forms, and the raw word when it is the prefix word: the last
    word, unless the dictionary knows it (a finished word: its forms are enough, and a prefix
    of a common word costs the index a walk over every document that has it)."""
    words = tokens(query)[:MAX_QUERY_WORDS]
    terms = []
    lemmas = lemmatizer()
    for i, word in enumerate(words):
        forms = list(dict.fromkeys([*lemmas.forms(word), word]))
        typing = i == len(words) - 1 and not lemmas.is_known(word)
        terms.append((forms, word if typing else None))
    return terms


def fts5_query(query: str) -> str:
    parts = []
    for forms, prefix in _query_terms(query):
        alts = [f'"{f}"' for f in forms] + ([f'"{prefix}"*'] if prefix else [])
        parts.append("(" + " OR ".join(alts) + ")")
    return " AND ".join(parts)


def tsquery(query: str) -> str:
    parts = []
    for forms, prefix in _query_terms(query):
        alts = [f"'{f}'" for f in forms] + ([f"'{prefix}':*"] if prefix else [])
        parts.append("(" + " | ".join(alts) + ")")
    return " & ".join(parts)


def fts5_join(query: str) -> tuple[Join, TextClause] | None:
    """SQLite: ``ticket_fts`` joined to ``tickets`` and the MATCH condition (None when the
    query has no searchable word). FTS5 then streams its matches instead of building the
    whole ``IN (...)`` list first."""
    q = fts5_query(query)
    if not q:
        return None
    fts = table("ticket_fts", column("rowid"))
    joined = fts.join(t.tickets, t.tickets.c.id == fts.c.rowid)
    return joined, text("ticket_fts MATCH :fts_q").bindparams(fts_q=q)


def _count_statement(dialect: str) -> Select[Any]:
    """``count(*)`` of the index rows matching ``:fts_q``, stopping at ``:cap``."""
    found: Select[Any]
    if dialect == "postgresql":
        found = (
            select(column("ticket_id"))
            .select_from(table("ticket_search"))
            .where(text("tsv @@ to_tsquery('russian', :fts_q)"))
        )
    else:
        found = (
            select(column("rowid"))
            .select_from(table("ticket_fts"))
            .where(text("ticket_fts MATCH :fts_q"))
        )
    counted = found.limit(bindparam("cap", type_=Integer)).subquery()
    return select(func.count()).select_from(counted)


#: built once: a search page runs them on every keystroke, and building a statement costs
#: more than running it through the compiled cache
_COUNT = {dialect: _count_statement(dialect) for dialect in ("sqlite", "postgresql")}


def count_matches_upto(conn: Connection, query: str, cap: int) -> int | None:
    """How many tickets match ``query``, counting no further than ``cap``, from the index
    alone (every index row belongs to a ticket: tickets are never deleted, and on PostgreSQL
    the row cascades); None when the query has no searchable word."""
    dialect = conn.dialect.name
    q = tsquery(query) if dialect == "postgresql" else fts5_query(query)
    if not q:
        return None
    statement = _COUNT.get(dialect)
    if statement is None:
        statement = _count_statement(dialect)
    return int(conn.execute(statement, {"fts_q": q, "cap": cap}).scalar_one())


def match_condition(dialect: str, query: str) -> ColumnElement[bool] | None:
    """``tickets.id IN (matching ids)``, or None when the query has no searchable word."""
    if dialect == "postgresql":
        q = tsquery(query)
        if not q:
            return None
        ids: Any = (
            select(column("ticket_id"))
            .select_from(table("ticket_search"))
            .where(text("tsv @@ to_tsquery('russian', :fts_q)").bindparams(fts_q=q))
        )
    else:
        q = fts5_query(query)
        if not q:
            return None
        ids = (
            select(column("rowid"))
            .select_from(table("ticket_fts"))
            .where(text("ticket_fts MATCH :fts_q").bindparams(fts_q=q))
        )
    return t.tickets.c.id.in_(ids)


class _Ordered:
    """The statements of one ordered search (dialect, direction, columns, extra conditions),
    with ``:fts_q`` and ``:need`` as parameters."""

    def __init__(
        self,
        dialect: str,
        columns: Sequence[ColumnElement[Any]],
        conditions: Sequence[ColumnElement[bool]],
        descending: bool,
    ) -> None:
        c = t.tickets.c
        order = c.id.desc() if descending else c.id.asc()
        need = bindparam("need", type_=Integer)
        self.rest: Select[Any] | None = None
        if dialect != "postgresql":
            fts = table("ticket_fts", column("rowid"))
            # ordered by the FTS5 rowid, FTS5 reads its doclist in that order and stops early
            self.first = (
                select(*columns)
                .select_from(fts.join(t.tickets, c.id == fts.c.rowid))
                .where(text("ticket_fts MATCH :fts_q"), *conditions)
                .order_by(fts.c.rowid.desc() if descending else fts.c.rowid.asc())
                .limit(need)
            )
            return
        ts = table("ticket_search", column("ticket_id"), column("tsv"))
        match = text("tsv @@ to_tsquery('russian', :fts_q)")
        edge = select(func.max(c.id) if descending else func.min(c.id)).scalar_subquery()
        window_size = bindparam("window", type_=Integer)
        bound = edge - window_size if descending else edge + window_size

        def window(col: Any) -> ColumnElement[bool]:
            return col > bound if descending else col < bound  # type: ignore[no-any-return]

        # the newest (oldest) PG_WINDOW tickets in id order; both sides of the join bounded,
        # or a merge join reads on through the whole index
        self.first = (
            select(*columns)
            .select_from(t.tickets.join(ts, ts.c.ticket_id == c.id))
            .where(match, window(c.id), window(ts.c.ticket_id), *conditions)
            .order_by(order)
            .limit(need)
        )
        # the rest: every remaining match from the GIN index (materialised), then sorted
        matches = (
            select(ts.c.ticket_id)
            .where(match, ts.c.ticket_id <= bound if descending else ts.c.ticket_id >= bound)
            .cte("matches")
            .prefix_with("MATERIALIZED", dialect="postgresql")
        )
        self.rest = (
            select(*columns)
            .select_from(t.tickets.join(matches, matches.c.ticket_id == c.id))
            .where(*conditions)
            .order_by(order)
            .limit(need)
        )


_ORDERED: dict[tuple[str, tuple[ColumnElement[Any], ...], bool], _Ordered] = {}


def ordered_matches(
    conn: Connection,
    query: str,
    columns: Sequence[ColumnElement[Any]],
    conditions: list[ColumnElement[bool]],
    descending: bool,
    need: int,
) -> list[Row[Any]] | None:
    """``columns`` (of ``tickets``) of the first ``need`` tickets in id order that match
    ``query`` and ``conditions``, or None when the query has no searchable word. Without
    extra conditions (the whole journal, or an administrator) the statements are built once
    per set of columns."""
    dialect = conn.dialect.name
    q = tsquery(query) if dialect == "postgresql" else fts5_query(query)
    if not q:
        return None
    if conditions:
        ordered = _Ordered(dialect, columns, conditions, descending)
    else:
        key = (dialect, tuple(columns), descending)
        found = _ORDERED.get(key)
        if found is None:
            found = _ORDERED[key] = _Ordered(dialect, columns, (), descending)
        ordered = found
    params = {"fts_q": q, "need": need, "window": PG_WINDOW}
    rows = list(conn.execute(ordered.first, params).all())
    if len(rows) >= need or ordered.rest is None:
        return rows
    rows += conn.execute(ordered.rest, {**params, "need": need - len(rows)}).all()
    return rows


def rebuild_index(conn: Connection, batch: int = 2000) -> int:
    """Index every ticket (used by the migration that creates the index)."""
    last, total = 0, 0
    c = t.tickets.c
    while True:
        rows = conn.execute(
            select(
                t.tickets.c.id,
                t.tickets.c.subject,
                t.tickets.c.description,
                t.tickets.c.external_id,
            )
            .where(c.id > last)
            .order_by(c.id)
            .limit(batch)
        ).all()
        if not rows:
            return total
        ids = [r.id for r in rows]
        idents: dict[int, list[str]] = defaultdict(list)
        for r in conn.execute(
            select(t.ticket_identifiers.c.ticket_id, t.ticket_identifiers.c.value).where(
                t.ticket_identifiers.c.ticket_id.in_(ids)
            )
        ):
            idents[r.ticket_id].append(r.value)
        bodies: dict[int, list[str]] = defaultdict(list)
        for r in conn.execute(
            select(t.messages.c.ticket_id, t.messages.c.body).where(t.messages.c.ticket_id.in_(ids))
        ):
            bodies[r.ticket_id].append(r.body)
        write_documents(
            conn,
            [
                (
                    r.id,
                    document_text(
                        r.subject, r.description, r.external_id, idents[r.id], bodies[r.id]
                    ),
                )
                for r in rows
            ],
        )
        total += len(rows)
        last = ids[-1]
