"""Ozon cabinet report «Начисления» (Финансы → Начисления), XLSX or CSV, read as
``ozon_transactions``.

Two published layouts (research §6.3): the 2025 one — «Дата начисления», «Тип начисления»,
«Номер отправления или идентификатор услуги», …, «SKU», «Артикул», …, «Итого, руб.» — and the
newer one — «ID начисления», «Дата начисления», «Группа услуг», «Тип начисления», «Артикул»,
«SKU», …, «Сумма итого, руб.» (sources: research §6.3 [C] hits 56891793932, 14749392424;
community importers checking the same header, e.g. find_string hit 56682066336).

«Тип начисления» is the operation's Russian name. The write-offs the ``ozon_writeoff`` rule
looks for appear as «Потеря по вине Ozon на складе» / «Компенсации за утерянный на складе товар»
(lost at the warehouse, ``OperationLackWriteOff``) and «Брак по вине Ozon на складе» (damaged at
the warehouse, ``OperationDefectiveWriteOff``) — names from public importers of this report
(find_string hits 61368829444, 7909757301, 58282454632) and the Ozon API's descriptions of the
two operation types («компенсация за утерянный / повреждённый на складе товар», hit
49172709081). The cabinet report has no operation id: ``posting:sku:date`` stands for it.
"""

from __future__ import annotations

import polars as pl

from mpdesk.adapters.importers.columns import Column, TableSpec
from mpdesk.adapters.importers.extract import Extract, Source, check_numbers
from mpdesk.adapters.importers.values import ROW, decimal, id_text, to_date
from mpdesk.domain.audit.columns import normalize_value
from mpdesk.domain.audit.report import ReportKind
from mpdesk.domain.audit.rows import OzonOperation
from mpdesk.domain.identifiers import IdType, normalize_identifier

COLUMNS = (
    Column("accrual_id", ("ID начисления", "Номер отправления или идентификатор услуги")),
    Column("date", ("Дата начисления",)),
    Column("group", ("Группа услуг",)),
    Column("type", ("Тип начисления",)),
    Column("sku", ("SKU",)),
    Column("article", ("Артикул",)),
    Column("amount", ("Сумма итого, руб", "Итого, руб")),
)

#: «Тип начисления» → the API's operation type
TYPES = {
    normalize_value(name): operation
    for names, operation in (
        (("Потеря по вине Ozon на складе", "Компенсации за утерянный на складе товар",
          "Компенсация за утерянный на складе товар"), "OperationLackWriteOff"),
        (("Брак по вине Ozon на складе", "Компенсация за повреждённый на складе товар"),
         "OperationDefectiveWriteOff"),
    )
    for name in names
}  # fmt: skip


def _score(found: set[str]) -> int:
    return 5 + len(found) if {"type", "amount"} <= found and found & {"accrual_id", "date"} else 0


SPEC = TableSpec(ReportKind.OZON_TRANSACTIONS, COLUMNS, _score, {"writeoff": ("type", "amount")})


def extract(frame: pl.DataFrame, source: Source) -> Extract:
    frame = check_numbers(frame, SPEC, ("amount",))
    has = frame.columns.__contains__
    kinds = frame.get_column("type").drop_nulls().unique().to_list()
    wanted = [k for k in kinds if normalize_value(k) in TYPES]
    rows = frame.filter(pl.col("type").is_in(wanted)).select(
        pl.col("type"),
        pl.col("amount"),
        (id_text("accrual_id") if has("accrual_id") else pl.lit("")).fill_null("").alias("id"),
        (id_text("sku") if has("sku") else pl.lit("")).fill_null("").alias("sku"),
        (to_date("date") if has("date") else pl.lit(None, pl.Date)).alias("date"),
        pl.col(ROW),
    )
    result = Extract(rows=frame.height)
    for r in rows.iter_rows(named=True):
        sku = normalize_identifier(IdType.SKU, r["sku"]) if r["sku"] else ""
        day = r["date"].isoformat() if r["date"] else ""
        result.data.ozon_operations.append(
            OzonOperation(
                ref=source.ref(r[ROW]),
                operation_id=f"{r['id']}:{sku}:{day}",
                operation_type=TYPES[normalize_value(r["type"])],
                amount=decimal(r["amount"]),
                operation_date=r["date"],
                operation_type_name=r["type"],
                sku=sku,
                posting_number=r["id"],
            )
        )
    return result
