"""WB weekly realization report, detail («Детализация»): XLSX/CSV with Russian headers (2023 and
2025 variants) or JSON rows of the statistics API v5 (snake_case) and of the 2026 finance API
(camelCase, money as strings).

Polars filters the rows the rules can use — logistics operations and non-zero fines — so a
300,000-row report becomes a few thousand domain rows. The logistics rows stay a table until
every file is read (``logistics_rows``), because an order may be charged in two weekly reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import polars as pl

from mpdesk.adapters.importers.columns import Column, TableSpec
from mpdesk.adapters.importers.currency import currency_expr
from mpdesk.adapters.importers.extract import Extract, Source, check_numbers
from mpdesk.adapters.importers.jsondoc import records_frame
from mpdesk.adapters.importers.values import (
    ROW,
    decimal,
    id_text,
    latest_date,
    to_date,
    to_float,
    to_int,
)
from mpdesk.domain.audit.report import FileProblem, ReportKind
from mpdesk.domain.audit.rows import (
    LogisticsRow,
    Operation,
    PenaltyRow,
    RowRef,
    classify_logistics,
    is_logistics_operation,
)

COLUMNS = (
    Column("srid", ("Srid", "Rid"), ("srid",)),
    Column("operation", ("Обоснование для оплаты",), ("supplier_oper_name", "sellerOperName")),
    Column("doc_type", ("Тип документа",), ("doc_type_name", "docTypeName")),
    Column("deliveries", ("Количество доставок",), ("delivery_amount", "deliveryAmount")),
    Column("returns", ("Количество возврата",), ("return_amount", "returnAmount")),
    Column(
        "logistics", ("Услуги по доставке товара покупателю",), ("delivery_rub", "deliveryService")
    ),
    Column("penalty", ("Общая сумма штрафов",), ("penalty",)),
    Column(
        "bonus_type",
        ("Виды логистики, штрафов и корректировок ВВ", "Виды логистики, штрафов и доплат"),
        ("bonus_type_name", "bonusTypeName"),
    ),
    Column("nm_id", ("Код номенклатуры", "Артикул WB"), ("nm_id", "nmId")),
    Column("barcode", ("Баркод",), ("barcode", "sku")),
    Column("sale_date", ("Дата продажи",), ("sale_dt", "saleDt")),
    Column("rrd_id", (), ("rrd_id", "rrdId")),
    Column("report_id", ("Номер отчета",), ("realizationreport_id", "reportId")),
    Column("report_created", ("Дата формирования",), ("create_dt", "createDate")),
    Column("retail_amount", ("Вайлдберриз реализовал Товар (Пр)",),
           ("retail_amount", "retailAmount")),
    Column("for_pay", ("К перечислению Продавцу за реализованный Товар",),
           ("ppvz_for_pay", "forPay")),
    Column("currency", ("Валюта", "Код валюты"), ("currency_name", "currency")),
)  # fmt: skip

_MARKERS = frozenset(
    {"operation", "doc_type", "deliveries", "logistics", "penalty", "bonus_type",
     "retail_amount", "for_pay", "srid"}
)  # fmt: skip

#: rule → the columns it needs
NEEDS = {
    "duplicate_logistics": ("srid", "operation", "deliveries", "logistics"),
    "penalty": ("penalty",),
}


def _score(found: set[str]) -> int:
    markers = len(found & _MARKERS)
    return 10 + markers if markers >= 3 else 0


SPEC = TableSpec(ReportKind.WB_REALIZATION_DETAIL, COLUMNS, _score, NEEDS)

#: JSON keys that identify API rows (v5 and the 2026 finance API)
JSON_MARKERS = ({"rrd_id", "supplier_oper_name"}, {"rrdId", "sellerOperName"})


def is_json_rows(keys: set[str]) -> bool:
    return "srid" in keys and any(m <= keys for m in JSON_MARKERS)


def from_json(records: Sequence[dict[str, Any]]) -> pl.DataFrame:
    return records_frame(records, COLUMNS)


#: number columns of the rules (checked and normalised)
NUMBERS = ("deliveries", "returns", "logistics", "penalty")


def extract(frame: pl.DataFrame, source: Source) -> Extract:
    found = set(frame.columns)
    usable = [rule for rule, cols in NEEDS.items() if all(c in found for c in cols)]
    frame = check_numbers(frame, SPEC, NUMBERS)
    latest = latest_date(frame, "sale_date")
    result = Extract(rows=frame.height)
    if "duplicate_logistics" in usable:
        result.logistics = _logistics(frame, source, latest)
    if "penalty" in usable:
        result.data.penalties = _penalties(frame, source, _report_columns(frame, source, latest))
    unchecked = [rule for rule in NEEDS if rule not in usable]
    if unchecked:
        missing = sorted({c for r in unchecked for c in NEEDS[r]} - found)
        result.note = FileProblem("report_rule_skipped", {"columns": _quoted(SPEC.labels(missing))})
    return result


def _quoted(labels: list[str]) -> str:
    return ", ".join(f"«{label}»" for label in labels)


def _text(frame: pl.DataFrame, name: str, expr: pl.Expr | None = None) -> pl.Expr:
    """Column ``name`` as trimmed text ("" when empty or when the file lacks the column)."""
    if name not in frame.columns:
        return pl.lit("").alias(name)
    base = expr if expr is not None else pl.col(name).str.strip_chars()
    return base.fill_null("").alias(name)


def _report_columns(frame: pl.DataFrame, source: Source, latest: date | None) -> list[pl.Expr]:
    """``report`` (report number, else the file), ``report_date`` (report creation date, else
    the latest sale date of the file: the objection clock starts no later) and ``sale_day``.
    Evaluated on the filtered rows only."""
    has = frame.columns.__contains__
    created = [to_date("report_created")] if has("report_created") else []
    report = [id_text("report_id")] if has("report_id") else []
    sale = to_date("sale_date") if has("sale_date") else pl.lit(None, pl.Date)
    return [
        pl.coalesce(*report, pl.lit(source.report_key)).alias("report"),
        pl.coalesce(*created, pl.lit(latest, dtype=pl.Date)).alias("report_date"),
        sale.alias("sale_day"),
    ]


#: text columns of a logistics row kept as they are until the candidate orders are known
_DEFERRED = ("bonus_type", "nm_id", "barcode", "rrd_id", "sale_date", "report_id",
             "report_created")  # fmt: skip


def _logistics(frame: pl.DataFrame, source: Source, latest: date | None) -> pl.DataFrame:
    """The logistics rows with what the prefilter needs typed, the rest as raw text (parsed
    in ``logistics_rows`` for the few candidate orders only)."""
    operations = frame.get_column("operation").drop_nulls().unique().to_list()
    wanted = [op for op in operations if is_logistics_operation(op)]
    has = frame.columns.__contains__
    return frame.filter(pl.col("operation").is_in(wanted)).select(
        _text(frame, "srid"),
        pl.col("operation"),
        to_int("deliveries").alias("deliveries"),
        (to_int("returns") if has("returns") else pl.lit(0, pl.Int64)).alias("returns"),
        pl.col("logistics").fill_null("0").alias("amount"),
        currency_expr(has("currency")),
        *((pl.col(c) if has(c) else pl.lit(None, pl.String)).alias(c) for c in _DEFERRED),
        pl.lit(latest, dtype=pl.Date).alias("latest"),
        pl.lit(source.report_key).alias("file_key"),
        pl.col(ROW),
        pl.lit(source.name).alias("file"),
        pl.lit(source.sha256).alias("sha256"),
    )


def _penalties(frame: pl.DataFrame, source: Source, report: list[pl.Expr]) -> list[PenaltyRow]:
    fines = frame.filter(to_float("penalty").fill_null(0) != 0).select(
        _text(frame, "srid"),
        pl.col("penalty").alias("amount"),
        _text(frame, "bonus_type"),
        _text(frame, "operation"),
        _text(frame, "nm_id", id_text("nm_id")),
        _text(frame, "barcode", id_text("barcode")),
        _text(frame, "rrd_id", id_text("rrd_id")),
        currency_expr("currency" in frame.columns),
        *report,
        pl.col(ROW),
    )
    return [
        PenaltyRow(
            ref=source.ref(r[ROW]),
            srid=r["srid"],
            amount=decimal(r["amount"]),
            reason=r["bonus_type"],
            operation=r["operation"],
            nm_id=r["nm_id"],
            barcode=r["barcode"],
            sale_date=r["sale_day"],
            rrd_id=r["rrd_id"],
            report=r["report"],
            report_date=r["report_date"],
            currency=r["currency"],
        )
        for r in fines.iter_rows(named=True)
    ]


def logistics_rows(frames: Sequence[pl.DataFrame]) -> list[LogisticsRow]:
    """Domain rows of the orders that can be a duplicate: those with at least two forward
    charges over all files. The domain rule classifies every row; Polars applies its verdict
    to the distinct (operation, deliveries, returns) triples only."""
    if not frames:
        return []
    table = pl.concat(frames, how="vertical_relaxed")
    triples = table.select("operation", "deliveries", "returns").unique()
    verdict = triples.with_columns(
        pl.Series(
            "kind",
            [classify_logistics(o, d, r).value for o, d, r in triples.iter_rows()],
            dtype=pl.String,
        )
    )
    table = table.join(verdict, on=["operation", "deliveries", "returns"], how="left")
    forward = Operation.FORWARD.value
    candidates = (
        table.filter(pl.col("kind") == forward)
        .group_by("srid")
        .len()
        .filter((pl.col("len") >= 2) & (pl.col("srid") != ""))
        .get_column("srid")
    )
    rows = table.filter(pl.col("srid").is_in(candidates.implode())).with_columns(
        pl.coalesce(id_text("report_id"), pl.col("file_key")).alias("report"),
        pl.coalesce(to_date("report_created"), pl.col("latest")).alias("report_date"),
        to_date("sale_date").alias("sale_day"),
        *(id_text(c).fill_null("").alias(c) for c in ("nm_id", "barcode", "rrd_id")),
        pl.col("bonus_type").str.strip_chars().fill_null(""),
    )
    return [
        LogisticsRow(
            ref=RowRef(r["file"], r["sha256"], r[ROW]),
            srid=r["srid"],
            operation=r["operation"],
            deliveries=r["deliveries"],
            returns=r["returns"],
            amount=decimal(r["amount"]),
            bonus_type=r["bonus_type"],
            sale_date=_date(r["sale_day"]),
            nm_id=r["nm_id"],
            barcode=r["barcode"],
            rrd_id=r["rrd_id"],
            report=r["report"],
            report_date=_date(r["report_date"]),
            currency=r["currency"],
        )
        for r in rows.iter_rows(named=True)
    ]


def _date(value: Any) -> date | None:
    return value if isinstance(value, date) else None
