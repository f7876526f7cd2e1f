"""The seller's own list of what was shipped: supply number, barcode, quantity, and optionally
the vendor code and a unit price (to put a price on a shortfall). Russian or English headers."""

from __future__ import annotations

import polars as pl

from mpdesk.adapters.importers.columns import Column, TableSpec
from mpdesk.adapters.importers.extract import Extract, Source, check_numbers
from mpdesk.adapters.importers.values import ROW, id_text, to_int
from mpdesk.adapters.importers.values import decimal as to_decimal
from mpdesk.domain.audit.report import ReportKind
from mpdesk.domain.audit.rows import ShippedRow
from mpdesk.domain.identifiers import IdType, normalize_identifier

COLUMNS = (
    Column("supply_id", ("Номер поставки", "№ поставки", "Поставка", "Номер заказа поставки",
                         "Supply", "Supply ID", "Supply number", "supply_id")),
    Column("barcode", ("Баркод", "Штрихкод", "ШК", "Barcode", "EAN")),
    Column("quantity", ("Количество", "Кол-во", "Количество, шт", "Кол-во, шт", "Отгружено",
                        "Quantity", "Qty")),
    Column("vendor_code", ("Артикул продавца", "Артикул поставщика", "Артикул", "Vendor code",
                           "Article")),
    Column("unit_price", ("Цена", "Цена за единицу", "Цена, руб", "Себестоимость",
                          "Unit price", "Price", "Cost")),
)  # fmt: skip


def _score(found: set[str]) -> int:
    return 2 if {"supply_id", "barcode", "quantity"} <= found else 0


SPEC = TableSpec(
    ReportKind.SHIPMENT_LIST, COLUMNS, _score, {"acceptance": ("supply_id", "barcode", "quantity")}
)


def extract(frame: pl.DataFrame, source: Source) -> Extract:
    frame = check_numbers(frame, SPEC, ("quantity", "unit_price"))
    rows = frame.filter(pl.col("supply_id").is_not_null() & pl.col("barcode").is_not_null())
    has = frame.columns.__contains__
    table = rows.select(
        id_text("supply_id").alias("supply_id"),
        id_text("barcode").alias("barcode"),
        to_int("quantity").alias("quantity"),
        (pl.col("vendor_code").str.strip_chars() if has("vendor_code") else pl.lit(""))
        .fill_null("")
        .alias("vendor_code"),
        (pl.col("unit_price") if has("unit_price") else pl.lit(None, pl.String)).alias("price"),
        pl.col(ROW),
    )
    result = Extract(rows=rows.height)
    result.data.shipped = [
        ShippedRow(
            ref=source.ref(r[ROW]),
            supply_id=normalize_identifier(IdType.SUPPLY_ID, r["supply_id"]),
            barcode=normalize_identifier(IdType.BARCODE, r["barcode"]),
            quantity=r["quantity"],
            vendor_code=r["vendor_code"],
            unit_price=None if r["price"] is None else to_decimal(r["price"]),
        )
        for r in table.iter_rows(named=True)
    ]
    return result
