"""Dashboard counts over the journal, computed in SQL (one pass per grouping)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Engine, and_, case, func, select, type_coerce

from mpdesk.adapters.db import tables as t
from mpdesk.domain.stats import JournalSummary
from mpdesk.domain.tickets import AWAITING_REPLY, OPEN_STATUSES


def _money(kopecks: Any) -> str:
    return str((Decimal(int(kopecks or 0)) / 100).quantize(Decimal("0.01")))


class SqlJournalStats:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def summary(self, shop_ids: list[int] | None, now: datetime, soon: datetime) -> JournalSummary:
        c = t.tickets.c
        scope = [c.shop_id.in_(shop_ids)] if shop_ids is not None else []
        open_values = [s.value for s in OPEN_STATUSES]
        awaiting_values = [s.value for s in AWAITING_REPLY]
        awaiting = c.status.in_(awaiting_values)
        # money columns are integer kopecks: sum the raw column
        claimed = type_coerce(c.amount_claimed, BigInteger)
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    func.count().filter(c.status.in_(open_values)),
                    func.count().filter(and_(awaiting, c.reply_due_at < now)),
                    func.count().filter(awaiting),
                    func.count().filter(
                        and_(awaiting, c.reply_due_at >= now, c.reply_due_at < soon)
                    ),
                    func.sum(case((c.status.in_(open_values), claimed), else_=None)),
                    func.sum(type_coerce(c.amount_recovered, BigInteger)),
                ).where(*scope)
            ).one()
            by_category = {
                r[0]: int(r[1])
                for r in conn.execute(
                    select(c.category, func.count())
                    .where(c.status.in_(open_values), *scope)
                    .group_by(c.category)
                )
            }
            by_marketplace = {
                r[0]: int(r[1])
                for r in conn.execute(
                    select(c.marketplace, func.count())
                    .where(c.status.in_(open_values), *scope)
                    .group_by(c.marketplace)
                )
            }
        return JournalSummary(
            open=int(row[0]),
            overdue=int(row[1]),
            awaiting=int(row[2]),
            due_soon=int(row[3]),
            by_category=by_category,
            by_marketplace=by_marketplace,
            claimed_open=_money(row[4]),
            recovered=_money(row[5]),
        )
