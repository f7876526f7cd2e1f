"""Polars expressions that turn report text into numbers and dates, and the check that names
the first line whose value cannot be read.

Numbers: spaces, NBSP and ``₽`` removed, decimal comma or dot, ``1,234.50`` and ``1 234,50``
both read, a Unicode minus accepted. Dates: ``2026-11-02``, ``2026-11-02 00:00:00``,
``2026-11-02T00:00:00Z``, ``02.11.2026`` and Excel serial numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import polars as pl

ROW = "__row"  # 1-based row (XLSX) or line (CSV) number, or the position in a JSON array
_EXCEL_EPOCH = date(1899, 12, 30)
#: no amount or count in a seller's report comes near this; a larger number, NaN or an
#: infinity is a broken value (the money arithmetic would fail on it)
MAX_NUMBER = 1e13


def clean_number(name: str) -> pl.Expr:
    """Text of a number in ``1234.50`` form (null when empty)."""
    s = (
        pl.col(name)
        .str.replace_all(r"[\s\u00a0\u202f\u2007₽]|руб\.?", "")
        .str.replace_all("\u2212", "-", literal=True)
    )
    both = s.str.contains(",", literal=True) & s.str.contains(".", literal=True)
    s = (
        pl.when(both)
        .then(s.str.replace_all(",", "", literal=True))
        .otherwise(s.str.replace_all(",", ".", literal=True))
    )
    return pl.when(s == "").then(None).otherwise(s)


_NOT_PLAIN = r"[^0-9.eE+\-]"


def normalize_numbers(frame: pl.DataFrame, names: Sequence[str]) -> pl.DataFrame:
    """Number columns as plain ``1234.50`` text.

    Cheap first: XLSX cells read by calamine are plain already (one scan tells), and Russian
    CSV values mostly need only the decimal comma swapped. The full clean-up (spaces, NBSP,
    ``₽``, ``1,234.50``) runs on the rows where the cheap form is not a number."""
    dirty = [
        n
        for n in names
        if n in frame.columns and frame.select(pl.col(n).str.contains(_NOT_PLAIN).any()).item()
    ]
    if not dirty:
        return frame
    original = frame.select(ROW, *dirty)
    frame = frame.with_columns(
        pl.col(n).str.replace_all(",", ".", literal=True).alias(n) for n in dirty
    )
    for name in dirty:
        failed = frame.filter(pl.col(name).is_not_null() & to_float(name).is_null())
        if failed.height:
            fixed = original.join(failed.select(ROW), on=ROW).select(
                ROW, clean_number(name).alias(name)
            )
            frame = frame.update(fixed, on=ROW)
    return frame


def to_float(name: str) -> pl.Expr:
    """A column already through ``normalize_numbers`` as Float64 (null when not a number)."""
    return pl.col(name).cast(pl.Float64, strict=False)


def is_broken_number(name: str) -> pl.Expr:
    """Text that is not a number mpdesk can count with: not a number at all, NaN, an infinity
    or beyond ``MAX_NUMBER``."""
    value = to_float(name)
    return pl.col(name).is_not_null() & (
        value.is_null() | value.is_nan() | (value.abs() >= MAX_NUMBER)
    )


def is_sane_number(value: float | Decimal) -> bool:
    """The Python-side twin of ``is_broken_number``, for values read from JSON one by one."""
    if isinstance(value, Decimal):
        return value.is_finite() and abs(value) < Decimal(MAX_NUMBER)
    return math.isfinite(value) and abs(value) < MAX_NUMBER


def to_int(name: str) -> pl.Expr:
    """Counts; a missing value is 0."""
    return to_float(name).fill_null(0).round(0).cast(pl.Int64)


def to_date(name: str) -> pl.Expr:
    s = pl.col(name).str.strip_chars()
    head = s.str.slice(0, 10)
    serial = s.cast(pl.Float64, strict=False)
    from_serial = pl.when((serial > 20000) & (serial < 80000)).then(
        pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial.floor().cast(pl.Int64))
    )
    parsed = pl.coalesce(
        head.str.to_date("%Y-%m-%d", strict=False),
        head.str.to_date("%d.%m.%Y", strict=False),
        from_serial.cast(pl.Date),
    )
    return pl.when(parsed.dt.year() < 2000).then(None).otherwise(parsed)


def id_text(name: str) -> pl.Expr:
    """Identifiers as text: trimmed, ``24500011.0`` (a number cell) → ``24500011``."""
    s = pl.col(name).str.strip_chars()
    return pl.when(s.str.contains(r"^\d+\.0+$")).then(s.str.replace(r"\.0+$", "")).otherwise(s)


@dataclass(frozen=True)
class BrokenValue:
    row: int
    column: str  # canonical name
    value: str


def first_broken(frame: pl.DataFrame, numeric: Sequence[str]) -> BrokenValue | None:
    """The first row where one of the ``numeric`` columns (after ``normalize_numbers``) holds
    text that is not a number."""
    best: BrokenValue | None = None
    for name in numeric:
        if name not in frame.columns:
            continue
        bad = frame.select(pl.col(ROW), pl.col(name)).filter(is_broken_number(name))
        if bad.height:
            row = bad.row(0, named=True)
            if best is None or row[ROW] < best.row:
                best = BrokenValue(int(row[ROW]), name, str(row[name]))
    return best


def latest_date(frame: pl.DataFrame, name: str) -> date | None:
    """The latest date of a column, parsing only its distinct values (a weekly report has a
    handful of dates over 300,000 rows)."""
    if name not in frame.columns:
        return None
    distinct = frame.select(pl.col(name).unique())
    value = distinct.select(to_date(name).max()).item()
    return value if isinstance(value, date) else None


def iso_date(value: object) -> date | None:
    """The date of an ISO text (``2026-11-14``, ``2026-11-14 00:00:00``, ``…T10:00:00+03:00``)."""
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def decimal(text: str | None) -> Decimal:
    """A cleaned number text (``clean_number``) as Decimal; None is zero."""
    if text is None:
        return Decimal(0)
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal(0)
