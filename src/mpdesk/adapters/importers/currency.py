"""The report's currency as an ISO 4217 code.

WB issues separate weekly reports for sales abroad (research §1.6: «separate report for KZ/BY
sales»); the statistics API v5 names the currency in ``currency_name`` (``"руб"`` in the
documented examples) and the 2026 finance API in ``currency`` (``"RUB"``), 13-finances.yaml of
the 2025-12 and 2026-08 snapshots. Names and codes are matched after ``normalize_value``. A
report that states no currency is in roubles; a name mpdesk does not know is kept as written,
so that it is never added to roubles.
"""

from __future__ import annotations

import polars as pl

from mpdesk.domain.audit.columns import normalize_value

RUB = "RUB"

#: normalised name or code → ISO 4217 code
NAMES = {
    "руб": RUB, "руб.": RUB, "рубль": RUB, "российский рубль": RUB, "rub": RUB, "rur": RUB,
    "₽": RUB, "kzt": "KZT", "тенге": "KZT", "тг": "KZT", "₸": "KZT", "kgs": "KGS", "сом": "KGS",
    "byn": "BYN", "бел. руб": "BYN", "бел.руб": "BYN", "белорусский рубль": "BYN",
    "amd": "AMD", "драм": "AMD", "֏": "AMD", "uzs": "UZS", "сум": "UZS", "gel": "GEL",
    "лари": "GEL", "tjs": "TJS", "сомони": "TJS", "azn": "AZN", "манат": "AZN",
    "usd": "USD", "eur": "EUR", "cny": "CNY", "юань": "CNY",
}  # fmt: skip


def currency_code(raw: str | None) -> str:
    """``"руб"`` → ``"RUB"``, ``"тенге"`` → ``"KZT"``, empty → ``"RUB"``, unknown → as written."""
    if raw is None or not raw.strip():
        return RUB
    return NAMES.get(normalize_value(raw), raw.strip().upper())


def currency_expr(present: bool) -> pl.Expr:
    """Column ``currency`` as ISO codes (``RUB`` when the file has no currency column)."""
    if not present:
        return pl.lit(RUB).alias("currency")
    return (
        pl.col("currency")
        .map_elements(currency_code, return_dtype=pl.String, skip_nulls=False)
        .alias("currency")
    )
