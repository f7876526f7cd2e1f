"""Grouped counts, money and duration histograms read from the rollup; the live counts of
overdue replies and the «Сводка» tiles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import (
    and_,
    func,
    select,
)

from mpdesk.adapters.db import tables as t
from mpdesk.adapters.db import tables_deadlines as td
from mpdesk.adapters.db.analytics.base import (
    _AWAITING,
    _READ_MONEY,
    AnalyticsBase,
    _as_date,
    _keys,
    _money,
    _regroup,
)
from mpdesk.domain.stats import BUCKET_EDGES, GroupCounts, JournalSummary
from mpdesk.services.ports.analytics import StatsCell, StatsFilter


class CountQueries(AnalyticsBase):
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
