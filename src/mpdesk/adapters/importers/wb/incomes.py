"""WB accepted supplies per barcode: JSON rows of the statistics ``incomes`` method
(``incomeId``, ``barcode``, ``quantity``, ``dateClose``, ``status``) or an XLSX/CSV export with
«Номер поставки», «Баркод» and the accepted quantity.

A table is taken for an incomes export (not for the seller's shipment list) only when it has an
accepted-quantity column («Принято») or, next to «Количество», a column only WB fills: a status,
an acceptance date or the УПД number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from mpdesk.adapters.importers.columns import Column, TableSpec
from mpdesk.adapters.importers.extract import Extract, Source, check_numbers
from mpdesk.adapters.importers.jsondoc import records_frame
from mpdesk.adapters.importers.values import ROW, id_text, to_date, to_int
from mpdesk.domain.audit.report import ReportKind
from mpdesk.domain.audit.rows import AcceptedRow
from mpdesk.domain.identifiers import IdType, normalize_identifier

COLUMNS = (
    Column("supply_id", ("Номер поставки", "№ поставки", "Поставка", "ID поставки"),
           ("incomeId",)),
    Column("barcode", ("Баркод", "Штрихкод"), ("barcode",)),
    Column("accepted", ("Принято", "Принято, шт", "Принятое количество", "Количество принято",
                        "Кол-во принято", "Фактически принято")),
    Column("quantity", ("Количество", "Кол-во", "Количество, шт"), ("quantity",)),
    Column("accepted_on", ("Дата закрытия", "Дата приемки", "Дата принятия", "Дата поступления"),
           ("dateClose", "date")),
    Column("status", ("Статус", "Статус поставки"), ("status",)),
    Column("upd", ("Номер УПД", "УПД"), ("number",)),
    Column("nm_id", ("Артикул WB", "Код номенклатуры"), ("nmId",)),
)  # fmt: skip

_WB_ONLY = frozenset({"accepted_on", "status", "upd"})


def _score(found: set[str]) -> int:
    if not {"supply_id", "barcode"} <= found:
        return 0
    if "accepted" in found:
        return 4 + len(found & _WB_ONLY)
    if "quantity" in found and found & _WB_ONLY:
        return 3 + len(found & _WB_ONLY)
    return 0


SPEC = TableSpec(
    ReportKind.WB_INCOMES,
    COLUMNS,
    _score,
    {  # the accepted quantity, or «Количество» of an export that only lists accepted goods
        "acceptance": ("supply_id", "barcode", "accepted"),
        "acceptance_by_quantity": ("supply_id", "barcode", "quantity"),
    },
)


def is_json_rows(keys: set[str]) -> bool:
    return {"incomeId", "barcode", "quantity"} <= keys


def from_json(records: Sequence[dict[str, Any]]) -> pl.DataFrame:
    # the API has both dates; the acceptance date is dateClose
    return records_frame(records, COLUMNS)


def extract(frame: pl.DataFrame, source: Source) -> Extract:
    qty = "accepted" if "accepted" in frame.columns else "quantity"
    frame = check_numbers(frame, SPEC, (qty,))
    has = frame.columns.__contains__
    rows = frame.filter(pl.col("supply_id").is_not_null() & pl.col("barcode").is_not_null())
    table = rows.select(
        id_text("supply_id").alias("supply_id"),
        id_text("barcode").alias("barcode"),
        to_int(qty).alias("quantity"),
        (to_date("accepted_on") if has("accepted_on") else pl.lit(None, pl.Date)).alias("on"),
        (pl.col("status") if has("status") else pl.lit("")).fill_null("").alias("status"),
        (id_text("nm_id") if has("nm_id") else pl.lit("")).fill_null("").alias("nm_id"),
        pl.col(ROW),
    )
    result = Extract(rows=rows.height)
    result.data.accepted = [
        AcceptedRow(
            ref=source.ref(r[ROW]),
            supply_id=normalize_identifier(IdType.SUPPLY_ID, r["supply_id"]),
            barcode=normalize_identifier(IdType.BARCODE, r["barcode"]),
            quantity=r["quantity"],
            accepted_on=r["on"],
            status=r["status"],
            nm_id=r["nm_id"],
        )
        for r in table.iter_rows(named=True)
    ]
    return result
