"""Ozon's monthly reports «Отчёт о компенсациях» and «Отчёт о декомпенсациях» (Финансы →
Документы → Компенсации и прочие начисления; the XLSX that ``/v1/finance/compensation`` and
``/v1/finance/decompensation`` make, per the pinned ``ozon-2025-08/swagger.json``), read as
``ozon_compensation`` / ``ozon_decompensation``.

Layout, from Ozon's help page «Отчёт о компенсациях» (docs.ozon.ru/global/…/accounting/
otchet-o-kompencaciyah: a row number, «Тип компенсации», «Товар», …) and a public reconciliation
tool that builds the file after Ozon's help (find_string hits 70935681837, 70902202247): a
title row «Отчет о компенсациях № N от ДД.ММ.ГГГГ», then the header «№», «Название товара»,
«Артикул», «SKU», «Штрих-код», «Кол-во», «Тип компенсации», «Действительная стоимость товара»,
«Действительная стоимость - всего», «Уменьшено на сумму», «Итого к начислению» (some files add
«, RUB»); the decompensation report has the same columns, its «всего» written with a dash.

Which of the two a file is comes from its content: a title or header cell that says
«декомпенсац…» (or «Итого к удержанию») makes it a decompensation report; otherwise it is a
compensation report. The title also gives the report number and date when it has them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import polars as pl

from mpdesk.adapters.importers.columns import Column, HeaderMatch, TableSpec
from mpdesk.adapters.importers.extract import Extract, Source, check_numbers
from mpdesk.adapters.importers.values import ROW, decimal, id_text, to_int
from mpdesk.domain.audit.report import ReportKind
from mpdesk.domain.audit.rows import CompensationRow
from mpdesk.domain.identifiers import IdType, normalize_identifier

_DASHES = ("-", "—", "–")
COLUMNS = (
    Column("sku", ("SKU", "Ozon SKU", "SKU Ozon")),
    Column("article", ("Артикул", "Артикул товара", "Артикул продавца")),
    Column("product", ("Название товара", "Товар", "Наименование товара")),
    Column("quantity", ("Кол-во", "Количество")),
    Column("type", ("Тип компенсации", "Тип декомпенсации")),
    Column("value_unit", ("Действительная стоимость товара",)),
    Column("value_total", tuple(f"Действительная стоимость {d} всего" for d in _DASHES)),
    Column("reduced", ("Уменьшено на сумму",)),
    Column("amount", ("Итого к начислению", "Итого к начислению, RUB", "Итого к начислению, руб",
                      "Итого к удержанию", "Итого к удержанию, RUB", "Итого к удержанию, руб")),
)  # fmt: skip
_NUMBERS = ("quantity", "value_unit", "value_total", "reduced", "amount")


def _score(found: set[str]) -> int:
    """SKU plus the amount and one column only these reports have, or two such columns (then a
    missing amount is named)."""
    signs = len(found & {"type", "value_unit", "value_total", "reduced"})
    known = "sku" in found and (signs >= 2 or ("amount" in found and signs >= 1))
    return 6 + len(found) if known else 0


SPEC = TableSpec(ReportKind.OZON_COMPENSATION, COLUMNS, _score, {"report": ("sku", "amount")})
DECOMPENSATION_SPEC = TableSpec(ReportKind.OZON_DECOMPENSATION, COLUMNS, _score, SPEC.needs)
KINDS = frozenset({ReportKind.OZON_COMPENSATION, ReportKind.OZON_DECOMPENSATION})

_NUMBER = re.compile(r"№\s*([0-9A-Za-zА-Яа-я/_-]+)")
_DATE = re.compile(r"\bот\s+(\d{1,2})\.(\d{1,2})\.(\d{4})")
_DECOMPENSATION = ("декомпенсац", "итого к удержанию")


@dataclass(frozen=True)
class Title:
    """What the rows above the header say: the report's number and date, and its kind."""

    number: str = ""
    day: date | None = None
    decompensation: bool = False


def read_title(head: list[tuple[int, dict[int, str]]], match: HeaderMatch) -> Title:
    number, day, decompensation = "", None, False
    for index, cells in head:
        if index > match.header_index:
            break
        for text in cells.values():
            low = text.lower()
            decompensation = decompensation or any(s in low for s in _DECOMPENSATION)
            if index == match.header_index or "отчет" not in low.replace("ё", "е"):
                continue
            if not number and (found := _NUMBER.search(text)):
                number = found.group(1)
            if day is None and (when := _DATE.search(text)):
                try:
                    day = date(int(when.group(3)), int(when.group(2)), int(when.group(1)))
                except ValueError:
                    day = None
    return Title(number, day, decompensation)


def refine(match: HeaderMatch, head: list[tuple[int, dict[int, str]]]) -> HeaderMatch:
    """A compensation-report match becomes a decompensation one when the title says so."""
    if match.spec is SPEC and read_title(head, match).decompensation:
        return HeaderMatch(DECOMPENSATION_SPEC, match.header_index, match.columns, match.score)
    return match


def extract(frame: pl.DataFrame, source: Source, title: Title) -> Extract:
    frame = check_numbers(frame, SPEC, _NUMBERS)
    has = frame.columns.__contains__

    def text(name: str) -> pl.Expr:
        return (pl.col(name).str.strip_chars() if has(name) else pl.lit("")).fill_null("")

    rows = frame.filter(pl.col("sku").is_not_null() & pl.col("amount").is_not_null()).select(
        id_text("sku").alias("sku"),
        pl.col("amount"),
        pl.col("reduced") if has("reduced") else pl.lit(None, pl.String).alias("reduced"),
        pl.col("value_total")
        if has("value_total")
        else pl.lit(None, pl.String).alias("value_total"),
        (to_int("quantity") if has("quantity") else pl.lit(None, pl.Int64)).alias("quantity"),
        text("type").alias("type"),
        text("article").alias("article"),
        text("product").alias("product"),
        pl.col(ROW),
    )
    result = Extract(rows=frame.height)
    report = title.number or source.report_key
    for r in rows.iter_rows(named=True):
        result.data.compensations.append(
            CompensationRow(
                ref=source.ref(r[ROW]),
                decompensation=title.decompensation,
                sku=normalize_identifier(IdType.SKU, r["sku"]),
                amount=decimal(r["amount"]),
                reduced=decimal(r["reduced"]),
                value_total=None if r["value_total"] is None else decimal(r["value_total"]),
                quantity=r["quantity"],
                compensation_type=r["type"],
                article=r["article"],
                product=r["product"],
                report=report,
                report_date=title.day,
            )
        )
    return result
