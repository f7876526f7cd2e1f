"""``AnalyticsRepository`` in SQL (SQLite and PostgreSQL): a daily rollup of the journal
(``stats_daily``) refreshed incrementally, grouped counts and duration histograms read from it,
live overdue counts, repeated identifiers, texts for similarity, findings money, escalation
links.

The rollup keeps the dashboard under a second on 1,000,000 tickets: reads sum a few thousand
rollup rows instead of scanning tickets. A refresh recomputes only the local days whose tickets
changed (``updated_at`` or ``id`` above the watermark), under a PostgreSQL transaction-level
advisory lock (SQLite serialises writers itself). Percentiles are read by the service from the
histograms, because SQLite has no percentile function.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from time import monotonic
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Date,
    Engine,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    and_,
    cast,
    delete,
    func,
    insert,
    inspect,
    literal,
    literal_column,
    or_,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from mpdesk.adapters.db import tables as t
from mpdesk.adapters.db import tables_deadlines as td
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.sla import UNSENT
from mpdesk.domain.stats import BUCKET_EDGES, GroupCounts, JournalSummary, bucket_index
from mpdesk.domain.tickets import AWAITING_REPLY, OPEN_STATUSES, Status, Ticket
from mpdesk.services.ports.analytics import StatsCell, StatsFilter

_OPEN = [s.value for s in OPEN_STATUSES]
_AWAITING = [s.value for s in AWAITING_REPLY]
_UNSENT = [s.value for s in UNSENT]
#: money sums read by ``counts`` (``open_claimed`` is read by ``summary`` only)
_READ_MONEY = ("claimed", "recovered")
#: the ticket columns the clocks need (no texts, no correspondence)
_RAW: dict[str, Any] = {
    name: String()
    for name in ("event_date", "submitted_at", "reply_due_at", "first_answer_at", "closed_at",
                 "created_at", "updated_at")
} | {"amount_claimed": BigInteger(), "amount_recovered": BigInteger()}  # fmt: skip
_CLOCK_COLUMNS = (
    "id", "shop_id", "marketplace", "category", "status", "subject", "event_date", "channel_id",
    "external_id", "submitted_at", "reply_due_at", "first_answer_at", "closed_at", "urgent",
    "parent_id", "amount_claimed", "amount_recovered", "created_at", "updated_at", "version",
)  # fmt: skip
DIMENSIONS = ("marketplace", "category", "channel", "shop", "week", "month")
#: candidate column names of the audit findings table (feature-detected)
_FINDING_AMOUNT = ("amount_at_stake", "amount", "amount_kopecks")
_FINDING_RECOVERED = ("amount_recovered", "recovered", "recovered_amount")
_FINDING_TIME = ("created_at", "found_at", "saved_at", "detected_at")
_ROLLUP_LOCK = 0x6D7073746174  # "mpstat"
#: above this many changed days a refresh rebuilds everything in one pass
_MAX_INCREMENTAL_DAYS = 90
_KEY = ("day", "shop_id", "marketplace", "category", "channel_id")
#: tickets saved this close to the watermark are remembered with their version (``edge``)
_EDGE = timedelta(minutes=1)
#: bumped when the rollup's columns change meaning: the next refresh rebuilds it
_ROLLUP_VERSION = 2


class SqlAnalyticsRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._findings: tuple[float, Table | None] | None = None

    # --- expressions ----------------------------------------------------------------------
    def _minutes(self, start: Any, end: Any) -> ColumnElement[float]:
        if self.dialect == "sqlite":
            return type_coerce((func.julianday(end) - func.julianday(start)) * 1440.0, Float)
        return type_coerce(func.extract("epoch", end - start) / 60.0, Float)

    def _local_day(self, column: Any, offset: int) -> ColumnElement[Any]:
        if self.dialect == "sqlite":
            return type_coerce(func.date(column, f"{offset:+d} minutes"), Date)
        return cast(column + literal_column(f"interval '{offset} minutes'"), Date)

    def _period(self, name: str, day: Any) -> ColumnElement[Any]:
        """``week`` (its Monday, ISO date) or ``month`` (YYYY-MM) of a date column."""
        if self.dialect == "sqlite":
            if name == "week":
                return func.date(day, "weekday 0", "-6 days")
            return func.strftime("%Y-%m", day)
        if name == "week":
            return func.to_char(func.date_trunc("week", day), "YYYY-MM-DD")
        return func.to_char(day, "YYYY-MM")

    def _check(self, dims: Sequence[str]) -> None:
        unknown = [d for d in dims if d not in DIMENSIONS]
        if unknown:
            raise ValueError(f"unknown dimension {unknown[0]}")

    def _utc_bounds(self, flt: StatsFilter, offset: int) -> list[ColumnElement[bool]]:
        c = t.tickets.c
        conds: list[ColumnElement[bool]] = []
        if flt.day_from is not None:
            conds.append(c.created_at >= _utc_start(flt.day_from, offset))
        if flt.day_to is not None:
            conds.append(c.created_at < _utc_start(flt.day_to, offset))
        return conds

    def _ticket_where(self, flt: StatsFilter, offset: int) -> list[ColumnElement[bool]]:
        c = t.tickets.c
        conds = self._utc_bounds(flt, offset)
        if flt.shop_id is not None:
            conds.append(c.shop_id == flt.shop_id)
        if flt.shop_ids is not None:
            conds.append(c.shop_id.in_(flt.shop_ids))
        if flt.marketplace:
            conds.append(c.marketplace == flt.marketplace)
        if flt.category:
            conds.append(c.category == flt.category)
        return conds

    def _rollup_where(self, flt: StatsFilter) -> list[ColumnElement[bool]]:
        r = td.stats_daily.c
        conds: list[ColumnElement[bool]] = []
        if flt.day_from is not None:
            conds.append(r.day >= flt.day_from)
        if flt.day_to is not None:
            conds.append(r.day < flt.day_to)
        if flt.shop_id is not None:
            conds.append(r.shop_id == flt.shop_id)
        if flt.shop_ids is not None:
            conds.append(r.shop_id.in_(flt.shop_ids))
        if flt.marketplace:
            conds.append(r.marketplace == flt.marketplace)
        if flt.category:
            conds.append(r.category == flt.category)
        return conds

    def _rollup_dim(self, name: str) -> ColumnElement[Any]:
        r = td.stats_daily.c
        simple = {
            "marketplace": r.marketplace,
            "category": r.category,
            "channel": r.channel_id,
            "shop": cast(r.shop_id, String(20)),
        }
        return simple[name] if name in simple else self._period(name, r.day)

    def _ticket_dim(self, name: str, offset: int) -> ColumnElement[Any]:
        c = t.tickets.c
        simple = {
            "marketplace": c.marketplace,
            "category": c.category,
            "channel": c.channel_id,
            "shop": cast(c.shop_id, String(20)),
        }
        if name in simple:
            return simple[name]
        return self._period(name, self._local_day(c.created_at, offset))

    # --- the rollup -----------------------------------------------------------------------
    def _build(
        self,
        conn: Connection,
        where: list[ColumnElement[bool]],
        reply_minutes: Mapping[str, int],
        default_minutes: int,
        offset: int,
    ) -> None:
        """Aggregate tickets (streamed from the covering index) into rollup rows."""
        c = t.tickets.c
        query = select(
            c.created_at,
            c.shop_id,
            c.marketplace,
            c.category,
            c.channel_id,
            c.status,
            c.submitted_at,
            c.first_answer_at,
            c.closed_at,
            type_coerce(c.amount_claimed, BigInteger),
            type_coerce(c.amount_recovered, BigInteger),
        ).where(*where)
        width = len(BUCKET_EDGES)
        shift = timedelta(minutes=offset)
        fa = len(td.COUNT_COLUMNS) + len(td.MONEY_COLUMNS)  # first bucket of the histograms
        rs = fa + width
        size = rs + width
        acc: dict[tuple[Any, ...], list[int]] = {}
        result = conn.execute(query.execution_options(yield_per=20_000))
        for row in result:
            created, shop, mp, cat, channel, status, sent, answered, closed, claimed, back = row
            key = ((created + shift).date(), shop, mp, cat, channel)
            v = acc.get(key)
            if v is None:
                v = acc[key] = [0] * size
            v[0] += 1
            is_open = status in _OPEN
            if is_open:
                v[1] += 1
            if sent is not None:
                v[2] += 1
            if status == "resolved":
                v[4] += 1
            elif status == "rejected":
                v[5] += 1
            if claimed:
                v[7] += claimed
                if is_open:
                    v[9] += claimed
            if back:
                v[8] += back
            if answered is not None:
                v[3] += 1
                if sent is not None:
                    minutes = (answered - sent).total_seconds() / 60
                    if minutes > reply_minutes.get(channel, default_minutes):
                        v[6] += 1
                    v[fa + bucket_index(minutes)] += 1
            if sent is not None and closed is not None and status == "resolved":
                v[rs + bucket_index((closed - sent).total_seconds() / 60)] += 1
        names = [*td.COUNT_COLUMNS, *td.MONEY_COLUMNS, *td.BUCKET_COLUMNS]
        rows = [
            dict(zip(_KEY, key, strict=True)) | dict(zip(names, v, strict=True))
            for key, v in acc.items()
        ]
        for start in range(0, len(rows), 2_000):
            conn.execute(insert(td.stats_daily), rows[start : start + 2_000])

    def refresh(
        self,
        reply_minutes: Mapping[str, int],
        default_reply_minutes: int,
        tz_offset_minutes: int,
        now: datetime,
        full: bool = False,
    ) -> int:
        settings = [sorted(reply_minutes.items()), default_reply_minutes, tz_offset_minutes]
        shape = [_ROLLUP_VERSION, BUCKET_EDGES]
        signature = hashlib.sha256(json.dumps([*settings, *shape]).encode()).hexdigest()
        m, c = td.stats_meta.c, t.tickets.c
        with self.engine.begin() as conn:
            self._lock(conn)
            meta = conn.execute(select(td.stats_meta).where(m.id == 1)).first()
            # two single-aggregate queries: each is one index lookup (SQLite's min/max rule)
            mark = (
                conn.execute(select(func.max(c.updated_at))).scalar(),
                conn.execute(select(func.max(c.id))).scalar(),
            )
            if meta is not None and not full and meta.signature == signature:
                day = self._local_day(c.created_at, tz_offset_minutes)
                changed = set(
                    conn.execute(select(func.distinct(day)).where(c.id > meta.watermark_id))
                    .scalars()
                    .all()
                )
                if meta.watermark_at is not None:
                    # every ticket saved since the watermark, and the ones at its edge whose
                    # version moved: a change stamped no later than the watermark (a frozen
                    # clock, or a writer that committed late) is not missed
                    seen = _edge_versions(meta.edge)
                    since = c.updated_at >= meta.watermark_at - _EDGE
                    for tid, version, d in conn.execute(select(c.id, c.version, day).where(since)):
                        if seen.get(int(tid)) != int(version):
                            changed.add(d)
                days = sorted({_as_date(d) for d in changed})
                if len(days) <= _MAX_INCREMENTAL_DAYS:
                    self._rebuild_days(
                        conn, days, reply_minutes, default_reply_minutes, tz_offset_minutes
                    )
                    self._save_meta(conn, signature, mark, now, exists=True)
                    return len(days)
            conn.execute(delete(td.stats_daily))
            self._build(conn, [], reply_minutes, default_reply_minutes, tz_offset_minutes)
            self._save_meta(conn, signature, mark, now, exists=meta is not None)
            return int(
                conn.execute(select(func.count(func.distinct(td.stats_daily.c.day)))).one()[0]
            )

    def _lock(self, conn: Connection) -> None:
        if self.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ROLLUP_LOCK})
        else:  # take SQLite's write lock before reading the watermark
            conn.execute(update(td.stats_meta).where(td.stats_meta.c.id == 0).values(id=0))

    def _rebuild_days(
        self,
        conn: Connection,
        days: list[date],
        reply_minutes: Mapping[str, int],
        default_minutes: int,
        offset: int,
    ) -> None:
        if not days:
            return
        c = t.tickets.c
        conn.execute(delete(td.stats_daily).where(td.stats_daily.c.day.in_(days)))
        ranges = [
            and_(c.created_at >= _utc_start(d, offset), c.created_at < _utc_start(d, offset, 1))
            for d in days
        ]
        self._build(conn, [or_(*ranges)], reply_minutes, default_minutes, offset)

    def _save_meta(
        self, conn: Connection, signature: str, mark: Any, now: datetime, exists: bool
    ) -> None:
        edge = ""
        if mark[0] is not None:
            c = t.tickets.c
            rows = conn.execute(select(c.id, c.version).where(c.updated_at >= mark[0] - _EDGE))
            edge = json.dumps({str(tid): int(version) for tid, version in rows})
        values = {
            "signature": signature,
            "watermark_at": mark[0],
            "watermark_id": int(mark[1] or 0),
            "refreshed_at": now,
            "edge": edge,
        }
        if exists:
            conn.execute(update(td.stats_meta).where(td.stats_meta.c.id == 1).values(**values))
        else:
            conn.execute(insert(td.stats_meta).values(id=1, **values))

    # --- queries --------------------------------------------------------------------------
    def counts(
        self,
        flt: StatsFilter,
        dims: Sequence[str],
        now: datetime,
        tz_offset_minutes: int,
        overdue: Mapping[StatsCell, int] | None = None,
    ) -> list[GroupCounts]:
        self._check(dims)
        r = td.stats_daily.c
        keys = [self._rollup_dim(d).label(f"k{i}") for i, d in enumerate(dims)]
        sums = [func.sum(r[name]) for name in (*td.COUNT_COLUMNS, *_READ_MONEY)]
        query = select(*keys, *sums).where(*self._rollup_where(flt))
        if keys:
            query = query.group_by(*keys)
        n = len(keys)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        if overdue is None:
            overdue = self.overdue_cells(flt, now, tz_offset_minutes)
        late_now = _regroup(overdue, flt, dims)
        result = []
        for row in rows:
            values = [int(v or 0) for v in row[n:]]
            if not values[0]:
                continue
            key = _keys(row[:n])
            total, open_, submitted, answered, resolved, rejected, late, claimed, recovered = values
            result.append(
                GroupCounts(
                    key,
                    total,
                    open_,
                    submitted,
                    answered,
                    resolved,
                    rejected,
                    late,
                    late_now.get(key, 0),
                    claimed,
                    recovered,
                )
            )
        return sorted(result, key=lambda g: g.keys)

    def overdue_cells(
        self, flt: StatsFilter, now: datetime, tz_offset_minutes: int
    ) -> dict[StatsCell, int]:
        """One pass over the awaiting tickets (few, and led by ``ix_tickets_awaiting``): the
        grouping starts with an expression, so no other index can look cheaper to SQLite."""
        c = t.tickets.c
        day = self._local_day(c.created_at, tz_offset_minutes).label("day")
        cell = (day, c.shop_id, c.marketplace, c.category, c.channel_id)
        query = (
            select(*cell, func.count())
            .where(
                c.status.in_(_AWAITING),
                c.reply_due_at < now,
                *self._ticket_where(flt, tz_offset_minutes),
            )
            .group_by(*cell)
        )
        with self.engine.connect() as conn:
            return {
                (_as_date(d), int(shop), mp, cat, channel): int(n)
                for d, shop, mp, cat, channel, n in conn.execute(query)
            }

    def summary(
        self, shop_ids: Sequence[int] | None, now: datetime, soon: datetime
    ) -> JournalSummary:
        r, c = td.stats_daily.c, t.tickets.c
        rollup = select(
            r.marketplace,
            r.category,
            func.sum(r.open),
            func.sum(r.open_claimed),
            func.sum(r.recovered),
        ).group_by(r.marketplace, r.category)
        awaiting = [c.status.in_(_AWAITING)]
        if shop_ids is not None:
            rollup = rollup.where(r.shop_id.in_(shop_ids))
            awaiting.append(c.shop_id.in_(shop_ids))
        clocks = select(
            func.count(),
            func.count().filter(c.reply_due_at < now),
            func.count().filter(and_(c.reply_due_at >= now, c.reply_due_at < soon)),
        ).where(*awaiting)
        by_category: dict[str, int] = {}
        by_marketplace: dict[str, int] = {}
        open_total = claimed = recovered = 0
        with self.engine.connect() as conn:
            for mp, cat, open_, claimed_open, back in conn.execute(rollup):
                open_total += int(open_ or 0)
                claimed += int(claimed_open or 0)
                recovered += int(back or 0)
                if open_:
                    by_category[cat] = by_category.get(cat, 0) + int(open_)
                    by_marketplace[mp] = by_marketplace.get(mp, 0) + int(open_)
            waiting, late, soon_count = conn.execute(clocks).one()
        return JournalSummary(
            open=open_total,
            overdue=int(late),
            awaiting=int(waiting),
            due_soon=int(soon_count),
            by_category=by_category,
            by_marketplace=by_marketplace,
            claimed_open=_money(claimed),
            recovered=_money(recovered),
        )

    def iter_clock_tickets(
        self,
        shop_ids: Sequence[int] | None,
        batch_size: int = 2000,
        with_identifiers: bool = False,
    ) -> Iterator[list[Ticket]]:
        c = t.tickets.c
        scope = [c.shop_id.in_(shop_ids)] if shop_ids is not None else []
        # raw values, converted by ``_clock_ticket``: the generic type processors cost more
        # than the query when ten thousand tickets await a reply
        columns = [type_coerce(c[name], _RAW.get(name, c[name].type)) for name in _CLOCK_COLUMNS]
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
                    batch = [_clock_ticket(row) for row in rows]
                    if linked:
                        batch = [tk for tk in batch if _only_linked(tk)]
                    if with_identifiers:
                        _add_identifiers(conn, batch)
                    if batch:
                        yield batch

    def histograms(
        self, flt: StatsFilter, dims: Sequence[str]
    ) -> dict[tuple[str, ...], tuple[list[int], list[int]]]:
        self._check(dims)
        r = td.stats_daily.c
        keys = [self._rollup_dim(d).label(f"k{i}") for i, d in enumerate(dims)]
        query = select(*keys, *(func.sum(r[b]) for b in td.BUCKET_COLUMNS)).where(
            *self._rollup_where(flt)
        )
        if keys:
            query = query.group_by(*keys)
        n, width = len(keys), len(BUCKET_EDGES)
        result: dict[tuple[str, ...], tuple[list[int], list[int]]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                values = [int(v or 0) for v in row[n:]]
                result[_keys(row[:n])] = (values[:width], values[width:])
        return result

    def repeated_identifiers(
        self,
        flt: StatsFilter,
        id_types: Sequence[str],
        min_count: int,
        limit: int,
        tz_offset_minutes: int,
    ) -> list[tuple[str, str, str, int, list[int]]]:
        where = self._ticket_where(flt, tz_offset_minutes)
        c, i = t.tickets.c, t.ticket_identifiers.c
        count = func.count(func.distinct(i.ticket_id))
        query = (
            select(c.marketplace, i.type, i.value, count.label("n"))
            .select_from(t.ticket_identifiers.join(t.tickets, c.id == i.ticket_id))
            .where(i.type.in_(list(id_types)), *where)
            .group_by(c.marketplace, i.type, i.value)
            .having(count >= min_count)
            .order_by(count.desc(), c.marketplace, i.type, i.value)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            groups = conn.execute(query).all()
            result = []
            for mp, typ, value, n in groups:
                ids = conn.execute(
                    select(func.distinct(i.ticket_id))
                    .select_from(t.ticket_identifiers.join(t.tickets, c.id == i.ticket_id))
                    .where(i.type == typ, i.value == value, c.marketplace == mp)
                    .where(*where)
                    .order_by(i.ticket_id)
                    .limit(50)
                ).scalars()
                result.append((mp, typ, value, int(n), [int(x) for x in ids]))
        return result

    def texts(
        self, flt: StatsFilter, limit: int, tz_offset_minutes: int
    ) -> list[tuple[int, str, str, str, str]]:
        c = t.tickets.c
        query = (
            select(c.id, c.marketplace, c.category, c.subject, c.description)
            .where(*self._ticket_where(flt, tz_offset_minutes))
            .order_by(c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(int(r[0]), r[1], r[2], r[3], r[4]) for r in conn.execute(query)]

    def _findings_table(self) -> Table | None:
        """The audit findings table, reflected once a minute at most (it may appear later)."""
        now = monotonic()
        if self._findings is not None and now - self._findings[0] < 60:
            return self._findings[1]
        table = None
        with self.engine.connect() as conn:
            if inspect(conn).has_table("findings"):
                table = Table("findings", MetaData(), autoload_with=conn)
        self._findings = (now, table)
        return table

    def findings_money(self, flt: StatsFilter) -> tuple[int, int, int] | None:
        table = self._findings_table()
        if table is None:
            return None
        columns = set(table.c.keys())
        amount = next((n for n in _FINDING_AMOUNT if n in columns), None)
        if amount is None:
            return None
        recovered = next((n for n in _FINDING_RECOVERED if n in columns), None)
        stamp = next((n for n in _FINDING_TIME if n in columns), None)
        conds: list[ColumnElement[bool]] = []
        if stamp is not None:
            col = type_coerce(table.c[stamp], t.tickets.c.created_at.type)
            if flt.day_from is not None:
                conds.append(col >= _utc_start(flt.day_from, 0))
            if flt.day_to is not None:
                conds.append(col < _utc_start(flt.day_to, 0))
        if flt.shop_id is not None and "shop_id" in columns:
            conds.append(table.c.shop_id == flt.shop_id)
        if flt.shop_ids is not None and "shop_id" in columns:
            conds.append(table.c.shop_id.in_(flt.shop_ids))
        if flt.marketplace and "marketplace" in columns:
            conds.append(table.c.marketplace == flt.marketplace)
        query = select(
            func.count(),
            func.coalesce(func.sum(_kopecks(table.c[amount])), 0),
            func.coalesce(func.sum(_kopecks(table.c[recovered])), 0) if recovered else literal(0),
        ).where(*conds)
        with self.engine.connect() as conn:
            row = conn.execute(query).one()
        return int(row[0]), int(row[1] or 0), int(row[2] or 0)

    def links(self, parents: Mapping[int, int | None]) -> dict[int, tuple[list[int], list[int]]]:
        e, c = t.events.c, t.tickets.c
        ids = sorted({*parents, *(p for p in parents.values() if p is not None)})
        found: dict[int, tuple[list[int], list[int]]] = {i: ([], []) for i in ids}
        with self.engine.connect() as conn:
            if len(ids) > 900:  # only tickets with children have such events: ask about those
                linked = select(func.distinct(c.parent_id)).where(c.parent_id > 0)
                have_children = set(conn.execute(linked).scalars())
                ids = [i for i in ids if i in have_children]
            for start in range(0, len(ids), 900):
                chunk = ids[start : start + 900]
                rows = conn.execute(
                    select(e.ticket_id, e.kind, e.to_value)
                    .where(e.ticket_id.in_(chunk), e.kind.in_(["follow_up", "claim"]))
                    .order_by(e.id)
                )
                for ticket_id, kind, value in rows:
                    if not str(value).isdigit():
                        continue
                    follow, claims = found[int(ticket_id)]
                    (claims if kind == "claim" else follow).append(int(value))
        return found


def _kopecks(column: Any) -> ColumnElement[Any]:
    """Findings money as kopecks: integer columns are kopecks already, decimals are roubles."""
    if isinstance(column.type, Integer | BigInteger):
        return type_coerce(column, BigInteger)
    return cast(func.round(cast(column, Numeric(18, 2)) * 100), BigInteger)


def _utc_start(day: date, offset: int, plus_days: int = 0) -> datetime:
    """The UTC instant at which local ``day`` (+ ``plus_days``) begins."""
    local = datetime.combine(day + timedelta(days=plus_days), time.min, tzinfo=UTC)
    return local - timedelta(minutes=offset)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _keys(values: Sequence[Any]) -> tuple[str, ...]:
    return tuple("" if v is None else str(v) for v in values)


def _money(kopecks: int) -> str:
    return str((Decimal(kopecks) / 100).quantize(Decimal("0.01")))


#: the group key of a cell per dimension, as the rollup query spells it (``_rollup_dim``)
_CELL_KEYS: dict[str, Callable[[StatsCell], str]] = {
    "marketplace": lambda cell: cell[2],
    "category": lambda cell: cell[3],
    "channel": lambda cell: cell[4],
    "shop": lambda cell: str(cell[1]),
    "week": lambda cell: (cell[0] - timedelta(days=cell[0].weekday())).isoformat(),
    "month": lambda cell: f"{cell[0].year:04d}-{cell[0].month:02d}",
}


def _in_filter(cell: StatsCell, flt: StatsFilter) -> bool:
    day, shop, mp, cat, _channel = cell
    return not (
        (flt.day_from is not None and day < flt.day_from)
        or (flt.day_to is not None and day >= flt.day_to)
        or (flt.shop_id is not None and shop != flt.shop_id)
        or (flt.shop_ids is not None and shop not in flt.shop_ids)
        or (flt.marketplace and mp != flt.marketplace)
        or (flt.category and cat != flt.category)
    )


def _regroup(
    cells: Mapping[StatsCell, int], flt: StatsFilter, dims: Sequence[str]
) -> dict[tuple[str, ...], int]:
    """Overdue counts of the cells inside ``flt``, summed per group of ``dims``."""
    keyers = [_CELL_KEYS[d] for d in dims]
    groups: dict[tuple[str, ...], int] = {}
    for cell, n in cells.items():
        if _in_filter(cell, flt):
            key = tuple(k(cell) for k in keyers)
            groups[key] = groups.get(key, 0) + n
    return groups


def _utc(value: Any) -> datetime | None:
    """A UTC column read raw: SQLite gives ISO text, PostgreSQL a naive datetime."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _clock_ticket(row: Any) -> Ticket:
    """A ticket of ``list_clock_tickets`` (raw columns of ``_CLOCK_COLUMNS``), no texts."""
    (tid, shop, mp, cat, status, subject, event_date, channel, external, sent, due, answered,
     closed, urgent, parent, claimed, back, created, updated, version) = row  # fmt: skip
    created_at = _utc(created)
    assert created_at is not None
    return Ticket(
        id=int(tid),
        shop_id=int(shop),
        marketplace=mp,
        category=cat,
        status=Status(status),
        subject=subject,
        body="",
        description="",
        event_date=_day(event_date),
        channel_id=channel,
        external_id=external,
        submitted_at=_utc(sent),
        reply_due_at=_utc(due),
        first_answer_at=_utc(answered),
        closed_at=_utc(closed),
        urgent=bool(urgent),
        parent_id=parent,
        amount_claimed=None if claimed is None else _money(int(claimed)),
        amount_recovered=None if back is None else _money(int(back)),
        created_at=created_at,
        updated_at=_utc(updated) or created_at,
        version=int(version),
    )


def _edge_versions(edge: str | None) -> dict[int, int]:
    try:
        return {int(k): int(v) for k, v in json.loads(edge or "{}").items()}
    except (ValueError, TypeError, AttributeError):
        return {}


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
