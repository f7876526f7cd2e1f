"""Numbers, money, dates and times for people, in the one locale the desk speaks (``ru_RU``,
by Babel): «1 500,50 ₽», «1 500,5», «20.11.2026», «20.11.2026 13:00». Every surface formats
through these functions: the pages, the CLI, the charts, the appeals and the reports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

LOCALE = "ru_RU"


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
