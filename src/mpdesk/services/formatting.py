"""Numbers, money, dates, times and durations for people, in the one locale the desk speaks
(``ru_RU``, by Babel): «1 500,50 ₽», «1 500,5», «20.11.2026», «20.11.2026 13:00», «ноябрь 2026»,
«2 дня 3 часа». Every surface formats through these functions: the pages, the CLI, the charts,
the appeals, the reminders and the reports.

A duration shows its two largest units, words by Babel's plural rules (CLDR units): days and
hours from a day on («2 дня 3 часа», «21 день»), hours and minutes from an hour on («1 час 5
минут»), minutes from a minute on («5 минут»), seconds below («30 секунд»); ``short`` gives the
abbreviated units («2 дн. 3 ч», «5 мин»)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Literal

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from babel.units import format_unit

#: parsed once (Babel parses a locale name on every call; a journal page formats dozens)
LOCALE = Locale.parse("ru_RU")


def money(
    amount: Decimal | str | int | float | None, empty: str = "", currency: str = "RUB"
) -> str:
    """Two decimals: roubles with their sign, ``Decimal('12345.5')`` → «12 345,50 ₽»; another
    currency with its ISO code, «100,00 KGS» (the code reads the same to every seller)."""
    if amount is None or amount == "":
        return empty
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    if currency == "RUB":
        return format_currency(value, "RUB", locale=LOCALE)
    return format_currency(value, currency, format="#,##0.00\u00a0¤¤", locale=LOCALE)


def number(value: float | int | Decimal) -> str:
    """A count or a measure: «1 500», «1 500,5», «3,25»."""
    return format_decimal(value, format="#,##0.##", locale=LOCALE)


def day(value: date | None) -> str:
    return format_date(value, "dd.MM.yyyy", locale=LOCALE) if value else ""


def moment(value: datetime | None) -> str:
    """A local time (the caller converts to the display time zone)."""
    return format_datetime(value, "dd.MM.yyyy HH:mm", locale=LOCALE) if value else ""


def month(year: int, month_number: int) -> str:
    """«ноябрь 2026» (the stand-alone month name, as a heading or a menu item says it)."""
    return format_date(date(year, month_number, 1), "LLLL yyyy", locale=LOCALE)


def _unit(value: float, unit: str, short: bool, pattern: str = "#,##0") -> str:
    length: Literal["short", "long"] = "short" if short else "long"
    return str(format_unit(value, f"duration-{unit}", length, format=pattern, locale=LOCALE))


def duration(delta: timedelta, short: bool = False) -> str:
    """How long ago or how soon: «2 дня 3 часа», «5 часов 10 минут», «1 минута», «30 секунд»
    (a negative span counts as none)."""
    seconds = max(int(delta.total_seconds()), 0)
    minutes, secs = divmod(seconds, 60)
    hours, mins = divmod(minutes, 60)
    days, hrs = divmod(hours, 24)
    if days:
        parts = [(days, "day"), (hrs, "hour")]
    elif hours:
        parts = [(hrs, "hour"), (mins, "minute")]
    else:
        parts = [(mins, "minute")] if mins else [(secs, "second")]
    words = [_unit(n, unit, short) for i, (n, unit) in enumerate(parts) if n or i == 0]
    return " ".join(words)


def hours(value: float | None, empty: str = "—") -> str:
    """A mean time given in hours, one decimal, in the unit that reads best: «45 мин»,
    «3,5 ч», «2,1 дн.» (short units: the dashboard's tables)."""
    if value is None:
        return empty
    if value < 1:
        return _unit(max(round(value * 60), 1), "minute", True)
    if value < 72:
        return _unit(value, "hour", True, "#,##0.#")
    return _unit(value / 24, "day", True, "#,##0.#")
