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
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
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
from mpdesk.domain.stats import BUCKET_EDGES, bucket_index
from mpdesk.domain.tickets import AWAITING_REPLY, OPEN_STATUSES
from mpdesk.services.ports import GroupCounts, StatsFilter

_OPEN = [s.value for s in OPEN_STATUSES]
_AWAITING = [s.value for s in AWAITING_REPLY]
DIMENSIONS = ("marketplace", "category", "channel", "shop", "week", "month")
#: candidate column names of the audit findings table (feature-detected)
_FINDING_AMOUNT = ("amount_at_stake", "amount", "amount_kopecks")
_FINDING_RECOVERED = ("amount_recovered", "recovered", "recovered_amount")
_FINDING_TIME = ("created_at", "found_at", "saved_at", "detected_at")
_ROLLUP_LOCK = 0x6D7073746174  # "mpstat"
#: above this many changed days a refresh rebuilds everything in one pass
_MAX_INCREMENTAL_DAYS = 90
_KEY = ("day", "shop_id", "marketplace", "category", "channel_id")


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
        size = len(td.COUNT_COLUMNS) + len(td.MONEY_COLUMNS) + 2 * width
        acc: dict[tuple[Any, ...], list[int]] = {}
        result = conn.execute(query.execution_options(yield_per=20_000))
        for row in result:
            created, shop, mp, cat, channel, status, sent, answered, closed, claimed, back = row
            key = ((created + shift).date(), shop, mp, cat, channel)
            v = acc.get(key)
            if v is None:
                v = acc[key] = [0] * size
            v[0] += 1
            if status in _OPEN:
                v[1] += 1
            if sent is not None:
                v[2] += 1
            if status == "resolved":
                v[4] += 1
            elif status == "rejected":
                v[5] += 1
            if claimed:
                v[7] += claimed
            if back:
                v[8] += back
            if answered is not None:
                v[3] += 1
                if sent is not None:
                    minutes = (answered - sent).total_seconds() / 60
                    if minutes > reply_minutes.get(channel, default_minutes):
                        v[6] += 1
                    v[9 + bucket_index(minutes)] += 1
            if sent is not None and closed is not None and status == "resolved":
                v[9 + width + bucket_index((closed - sent).total_seconds() / 60)] += 1
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
        signature = hashlib.sha256(json.dumps([*settings, BUCKET_EDGES]).encode()).hexdigest()
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
                    since = c.updated_at > meta.watermark_at
                    changed.update(conn.execute(select(func.distinct(day)).where(since)).scalars())
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
        values = {
            "signature": signature,
            "watermark_at": mark[0],
            "watermark_id": int(mark[1] or 0),
            "refreshed_at": now,
        }
        if exists:
            conn.execute(update(td.stats_meta).where(td.stats_meta.c.id == 1).values(**values))
        else:
            conn.execute(insert(td.stats_meta).values(id=1, **values))

    # --- queries --------------------------------------------------------------------------
    def counts(
        self, flt: StatsFilter, dims: Sequence[str], now: datetime, tz_offset_minutes: int
    ) -> list[GroupCounts]:
        self._check(dims)
        r = td.stats_daily.c
        keys = [self._rollup_dim(d).label(f"k{i}") for i, d in enumerate(dims)]
        sums = [func.sum(r[name]) for name in (*td.COUNT_COLUMNS, *td.MONEY_COLUMNS)]
        query = select(*keys, *sums).where(*self._rollup_where(flt))
        if keys:
            query = query.group_by(*keys)
        c = t.tickets.c
        live_keys = [
            self._ticket_dim(d, tz_offset_minutes).label(f"k{i}") for i, d in enumerate(dims)
        ]
        overdue_q = (
            select(*live_keys, func.count())
            .where(
                c.status.in_(_AWAITING),
                c.reply_due_at < now,
                *self._ticket_where(flt, tz_offset_minutes),
            )
            # few tickets are overdue: start from them, not from the period
            .with_hint(t.tickets, "INDEXED BY ix_tickets_awaiting", "sqlite")
        )
        if live_keys:
            overdue_q = overdue_q.group_by(*live_keys)
        n = len(keys)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            overdue = {_keys(row[:n]): int(row[n]) for row in conn.execute(overdue_q)}
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
                    overdue.get(key, 0),
                    claimed,
                    recovered,
                )
            )
        return sorted(result, key=lambda g: g.keys)

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
        e = t.events.c
        ids = sorted({*parents, *(p for p in parents.values() if p is not None)})
        found: dict[int, tuple[list[int], list[int]]] = {i: ([], []) for i in ids}
        with self.engine.connect() as conn:
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
