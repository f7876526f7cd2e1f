"""Rows of goods too long for a letter: the letter shows the first ``LETTER_ROWS`` as aligned
lines and says that every row is in an attached XLSX, which this module writes (typed cells,
headers from the message catalogue) when the appeal is saved.

The rows are those the marketplace APIs gave for the draft (``supply_goods`` of a WB supply,
``posting_items`` of an Ozon posting, see supply_prefill and posting_prefill). Audit appeals
attach their own XLSX of evidence rows (finding_appeals.write_evidence).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from mpdesk.services.context import ServiceContext

#: rows a letter lists before it points to the attached file (the templates say the same)
LETTER_ROWS = 30

#: per kind of rows: the file's name and its columns (row key, catalogue code of the header)
KINDS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "supply_goods": (
        "supply-goods.xlsx",
        (
            ("supply_id", "letter_rows_supply"),
            ("barcode", "letter_rows_barcode"),
            ("vendor_code", "letter_rows_vendor_code"),
            ("declared", "letter_rows_declared"),
            ("accepted", "letter_rows_accepted"),
            ("diff", "letter_rows_diff"),
        ),
    ),
    "posting_items": (
        "posting-items.xlsx",
        (
            ("posting_number", "letter_rows_posting"),
            ("offer_id", "letter_rows_vendor_code"),
            ("sku", "letter_rows_sku"),
            ("name", "letter_rows_name"),
            ("quantity", "letter_rows_quantity"),
            ("price", "letter_rows_price"),
            ("currency", "letter_rows_currency"),
        ),
    ),
}


def long_kinds(extra: dict[str, Any] | None) -> list[str]:
    """The kinds of rows in ``extra`` that do not fit in a letter."""
    return [k for k in KINDS if len((extra or {}).get(k) or []) > LETTER_ROWS]


def with_rows_files(extra: dict[str, Any] | None) -> dict[str, Any]:
    """``extra`` plus ``rows_files`` (kind → name of the attached file) for the template."""
    files = {kind: KINDS[kind][0] for kind in long_kinds(extra)}
    return {**(extra or {}), "rows_files": files}


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value and value[0].isdigit() and "." in value:
        try:
            return Decimal(value)  # a price: a number cell
        except InvalidOperation:
            return value
    return "" if value is None else value


def write_rows_files(ctx: ServiceContext, folder: Path, extra: dict[str, Any] | None) -> list[Path]:
    """Write the XLSX of each kind of rows that does not fit in a letter; the paths written."""
    written = []
    for kind in long_kinds(extra):
        name, columns = KINDS[kind]
        headers = [ctx.message(code) for _, code in columns]
        rows = [[_cell(row.get(key)) for key, _ in columns] for row in (extra or {})[kind]]
        path = folder / name
        ctx.tables.write(path, "xlsx", headers, rows)
        written.append(path)
    return written
