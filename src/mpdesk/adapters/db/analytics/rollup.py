"""The daily rollup of the journal (``stats_daily``): built from the tickets, refreshed
incrementally for the local days whose tickets changed, under a lock (PostgreSQL advisory lock;
SQLite serialises writers itself)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from mpdesk.adapters.db import tables as t
from mpdesk.adapters.db import tables_deadlines as td
from mpdesk.adapters.db.analytics.base import (
    _EDGE,
    _KEY,
    _MAX_INCREMENTAL_DAYS,
    _OPEN,
    _ROLLUP_LOCK,
    _ROLLUP_VERSION,
    AnalyticsBase,
    _as_date,
    _utc_start,
)
from mpdesk.domain.cases import CLOSABLE, UNSENT
from mpdesk.domain.stats import BUCKET_EDGES, bucket_index

#: positions of the named counters in an accumulator row, as ``stats_daily`` orders its columns
_COUNTERS = (*td.COUNT_COLUMNS, *td.MONEY_COLUMNS)
TOTAL = _COUNTERS.index("total")
OPEN = _COUNTERS.index("open")
SUBMITTED = _COUNTERS.index("submitted")
ANSWERED = _COUNTERS.index("answered")
RESOLVED = _COUNTERS.index("resolved")
REJECTED = _COUNTERS.index("rejected")
LATE = _COUNTERS.index("late_answers")
CLAIMED = _COUNTERS.index("claimed")
RECOVERED = _COUNTERS.index("recovered")
OPEN_CLAIMED = _COUNTERS.index("open_claimed")
FIRST_BUCKET = len(_COUNTERS)


class RollupQueries(AnalyticsBase):
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
        linked = _linked_money(conn, where)
        query = select(
            c.id,
            c.case_id,
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
        fa = FIRST_BUCKET  # first bucket of the time-to-first-answer histogram
        rs = fa + width  # first bucket of the time-to-resolution histogram
        size = rs + width
        acc: dict[tuple[Any, ...], list[int]] = {}
        result = conn.execute(query.execution_options(yield_per=20_000))
        for row in result:
            tid, case_id, created, shop, mp, cat, channel, status, sent, answered, closed = row[:11]
            key = ((created + shift).date(), shop, mp, cat, channel)
            v = acc.get(key)
            if v is None:
                v = acc[key] = [0] * size
            v[TOTAL] += 1
            is_open = status in _OPEN
            if is_open:
                v[OPEN] += 1
            if sent is not None:
                v[SUBMITTED] += 1
            if status == "resolved":
                v[RESOLVED] += 1
            elif status == "rejected":
                v[REJECTED] += 1
            if case_id is None or case_id == tid:  # a case's money, once, on its first appeal
                claimed, back, case_open = case_money([(status, *row[11:]), *linked.get(tid, ())])
                v[CLAIMED] += claimed
                v[RECOVERED] += back
                if case_open:
                    v[OPEN_CLAIMED] += claimed
            if answered is not None:
                v[ANSWERED] += 1
                if sent is not None:
                    minutes = (answered - sent).total_seconds() / 60
                    if minutes > reply_minutes.get(channel, default_minutes):
                        v[LATE] += 1
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
                # a changed follow-up or claim changes its case's money, counted on the first
                # appeal's day: two index-led queries (new ids; saved since the watermark)
                marks: list[ColumnElement[bool]] = [c.id > meta.watermark_id]
                if meta.watermark_at is not None:
                    marks.append(c.updated_at >= meta.watermark_at - _EDGE)
                for mark_cond in marks:
                    roots = select(c.case_id).where(mark_cond, c.case_id != c.id)
                    changed |= set(
                        conn.execute(select(func.distinct(day)).where(c.id.in_(roots))).scalars()
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
            # per schema: journals of one database in other schemas do not wait
            lock = "SELECT pg_advisory_xact_lock(CAST(:k AS bigint) + hashtext(current_schema()))"
            conn.execute(text(lock), {"k": _ROLLUP_LOCK})
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


def _edge_versions(edge: str | None) -> dict[int, int]:
    try:
        return {int(k): int(v) for k, v in json.loads(edge or "{}").items()}
    except (ValueError, TypeError, AttributeError):
        return {}


#: statuses of a sent appeal a final outcome has not closed, and of an appeal never sent
_CASE_OPEN = frozenset(s.value for s in CLOSABLE)
_CASE_UNSENT = frozenset(s.value for s in UNSENT)


def _linked_money(
    conn: Connection, where: list[ColumnElement[bool]]
) -> dict[int, list[tuple[str, int | None, int | None]]]:
    """Status and money of the follow-ups and claims of the cases whose first appeal ``where``
    selects (few: most cases are one appeal), by case."""
    c = t.tickets.c
    query = select(
        c.case_id,
        c.status,
        type_coerce(c.amount_claimed, BigInteger),
        type_coerce(c.amount_recovered, BigInteger),
    ).where(c.case_id != c.id)
    if where:
        query = query.where(c.case_id.in_(select(c.id).where(*where)))
    found: dict[int, list[tuple[str, int | None, int | None]]] = {}
    for case_id, status, claimed, back in conn.execute(query):
        found.setdefault(int(case_id), []).append((status, claimed, back))
    return found


def case_money(members: list[tuple[str, int | None, int | None]]) -> tuple[int, int, bool]:
    """``(claimed, recovered, open)`` of one case in kopecks, counted once as
    ``domain/cases.py::case_money`` counts it: the largest amount claimed by a sent appeal, the
    amounts recovered added up but never above it; drafts carry no money."""
    sent = [m for m in members if m[0] not in _CASE_UNSENT]
    claimed = max((m[1] or 0 for m in sent), default=0)
    back = sum(m[2] or 0 for m in sent)
    if claimed:
        back = min(back, claimed)
    return claimed, back, any(m[0] in _CASE_OPEN for m in sent)
