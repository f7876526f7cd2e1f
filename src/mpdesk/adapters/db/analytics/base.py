"""What every query of the analytics repository shares: the engine, the dialect's date and
duration expressions, the filters of the rollup and of the tickets, and small converters."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
    Engine,
    Float,
    String,
    cast,
    func,
    literal_column,
    type_coerce,
)
from sqlalchemy.sql.elements import ColumnElement

from mpdesk.adapters.db import tables as t
from mpdesk.adapters.db import tables_deadlines as td
from mpdesk.domain.sla import UNSENT
from mpdesk.domain.tickets import AWAITING_REPLY, OPEN_STATUSES
from mpdesk.services.ports.analytics import StatsCell, StatsFilter

_OPEN = [s.value for s in OPEN_STATUSES]


_AWAITING = [s.value for s in AWAITING_REPLY]


_UNSENT = [s.value for s in UNSENT]


#: money sums read by ``counts`` (``open_claimed`` is read by ``summary`` only)
_READ_MONEY = ("claimed", "recovered")


DIMENSIONS = ("marketplace", "category", "channel", "shop", "week", "month")


_ROLLUP_LOCK = 0x6D7073746174  # "mpstat"


#: above this many changed days a refresh rebuilds everything in one pass
_MAX_INCREMENTAL_DAYS = 90


_KEY = ("day", "shop_id", "marketplace", "category", "channel_id")


#: tickets saved this close to the watermark are remembered with their version (``edge``)
_EDGE = timedelta(minutes=1)


#: bumped when the rollup's columns change meaning: the next refresh rebuilds it
_ROLLUP_VERSION = 3


class AnalyticsBase:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

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
