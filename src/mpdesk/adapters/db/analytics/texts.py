"""Identifiers seen in several cases (a case's follow-ups and claim count once), the newest
first appeals' texts (for similar-text clusters), and the
money of the audit findings (``tables_audit.findings``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    BigInteger,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.sql.elements import ColumnElement

from mpdesk.adapters.db import tables as t
from mpdesk.adapters.db.analytics.base import (
    AnalyticsBase,
    _utc_start,
)
from mpdesk.adapters.db.tables_audit import findings
from mpdesk.services.ports.analytics import StatsFilter


class TextQueries(AnalyticsBase):
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
        case_of = func.coalesce(c.case_id, c.id)  # a case's follow-ups and claim count once
        count = func.count(func.distinct(case_of))
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
                    select(func.distinct(case_of))
                    .select_from(t.ticket_identifiers.join(t.tickets, c.id == i.ticket_id))
                    .where(i.type == typ, i.value == value, c.marketplace == mp)
                    .where(*where)
                    .order_by(case_of)
                    .limit(50)
                ).scalars()
                result.append((mp, typ, value, int(n), [int(x) for x in ids]))
        return result

    def texts(
        self, flt: StatsFilter, limit: int, tz_offset_minutes: int
    ) -> list[tuple[int, str, str, str, str]]:
        c = t.tickets.c
        first_appeal = or_(c.case_id.is_(None), c.case_id == c.id)  # one text per case
        query = (
            select(c.id, c.marketplace, c.category, c.subject, c.description)
            .where(first_appeal, *self._ticket_where(flt, tz_offset_minutes))
            .order_by(c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(int(r[0]), r[1], r[2], r[3], r[4]) for r in conn.execute(query)]

    def findings_money(self, flt: StatsFilter) -> tuple[int, int, int]:
        """``(findings, at stake, recovered)`` in kopecks over the findings ``flt`` covers."""
        f = findings.c
        conds: list[ColumnElement[bool]] = []
        if flt.day_from is not None:
            conds.append(f.created_at >= _utc_start(flt.day_from, 0))
        if flt.day_to is not None:
            conds.append(f.created_at < _utc_start(flt.day_to, 0))
        if flt.shop_id is not None:
            conds.append(f.shop_id == flt.shop_id)
        if flt.shop_ids is not None:
            conds.append(f.shop_id.in_(flt.shop_ids))
        if flt.marketplace:
            conds.append(f.marketplace == flt.marketplace)
        conds.append(f.currency == "RUB")  # money in roubles only: currencies are never added
        query = select(
            func.count(),
            func.coalesce(func.sum(type_coerce(f.amount, BigInteger)), 0),
            func.coalesce(func.sum(type_coerce(f.amount_recovered, BigInteger)), 0),
        ).where(*conds)
        with self.engine.connect() as conn:
            row = conn.execute(query).one()
        return int(row[0]), int(row[1] or 0), int(row[2] or 0)
