"""Ozon cabinet «Начисления» report (issue 17), in both published layouts (research §6.3),
built by the test: the write-offs at the warehouse are found as from the API's transactions."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from mpdesk.adapters.importers.reader import FileReportReader
from mpdesk.domain.audit.findings import FindingKind
from mpdesk.domain.audit.report import ReportKind
from mpdesk.domain.audit.run import run_audit

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from gen_reports import write_csv, write_xlsx

#: the newer layout (research §6.3, «v1»)
V1 = ("ID начисления;Дата начисления;Группа услуг;Тип начисления;Артикул;SKU;Название товара;"
      "Количество;Цена продавца;Дата принятия заказа в обработку или оказания услуги;"
      "Схема работы;Вознаграждение Ozon, %;Индекс локализации, %;Среднее время доставки, часы;"
      "Сумма итого, руб.").split(";")  # fmt: skip
#: the 2025 layout (research §6.3, «v2»), first columns
V2 = ("Дата начисления;Тип начисления;Номер отправления или идентификатор услуги;"
      "Дата принятия заказа в обработку или оказания услуги;Склад отгрузки;SKU;Артикул;"
      "Название товара или услуги;Количество;"
      "За продажу или возврат до вычета комиссий и услуг;Итого, руб.").split(";")  # fmt: skip


def v1_rows() -> list[list[object]]:
    day = date(2026, 11, 14)
    return [
        ["57195475-0050-3", day, "Продажи", "Выручка", "A-1", 1100526203, "Кружка", 1, 900.0,
         date(2026, 11, 10), "FBO", 12.0, 0.0, 30.0, 792.0],
        ["57195475-0051-1", day, "Компенсации и декомпенсации", "Потеря по вине Ozon на складе",
         "A-2", 1100526204, "Чайник", 1, 1450.0, None, "FBO", None, None, None, 1450.0],
        ["57195475-0052-2", date(2026, 11, 15), "Компенсации и декомпенсации",
         "Брак по вине Ozon на складе", "A-3", 6605735423, "Лампа", 1, 640.0, None, "FBO", None,
         None, None, 320.5],
        ["", day, "Услуги доставки", "Логистика", "", None, "", None, None, None, "FBO", None,
         None, None, -61.0],
    ]  # fmt: skip


def test_the_newer_layout_in_xlsx(tmp_path: Path) -> None:
    book = tmp_path / "Начисления.xlsx"
    write_xlsx(book, V1, v1_rows())
    batch = FileReportReader().read([book])
    (report,) = batch.files
    assert (report.kind, report.format, report.rows, report.problem) == (
        ReportKind.OZON_TRANSACTIONS, "xlsx", 4, None)  # fmt: skip
    found = sorted(run_audit(batch.data), key=lambda f: f.details["operation_type"])
    assert [(f.kind, f.details["operation_type"], f.amount, f.details["sku"]) for f in found] == [
        (FindingKind.OZON_WRITEOFF, "OperationDefectiveWriteOff", Decimal("320.50"), "6605735423"),
        (FindingKind.OZON_WRITEOFF, "OperationLackWriteOff", Decimal("1450.00"), "1100526204"),
    ]
    lack = found[1]
    assert lack.keys == {"operation_id": "57195475-0051-1:1100526204:2026-11-14"}
    assert [e.ref.row for e in lack.evidence] == [3]


def test_the_2025_layout_in_a_russian_csv(tmp_path: Path) -> None:
    rows = [
        [date(2026, 11, 14), "Потеря по вине Ozon на складе", "57195475-0051-1", None, "Хоругвино",
         1100526204, "A-2", "Чайник", 1, 0.0, 1450.0],
        [date(2026, 11, 14), "Доставка покупателю", "57195475-0050-3", date(2026, 11, 10),
         "Хоругвино", 1100526203, "A-1", "Кружка", 1, 900.0, 792.0],
    ]  # fmt: skip
    table = tmp_path / "accruals.csv"
    write_csv(
        table, V2, rows, encoding="cp1251", title="Начисления за период 01.11.2026 – 30.11.2026"
    )
    batch = FileReportReader().read([table])
    assert batch.files[0].kind is ReportKind.OZON_TRANSACTIONS and batch.files[0].rows == 2
    (lack,) = run_audit(batch.data)
    assert (lack.amount, lack.details["posting_number"]) == (Decimal("1450.00"), "57195475-0051-1")
