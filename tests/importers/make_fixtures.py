"""Build the small report fixtures of the audit tests (deterministic; run after changing them):

    .venv/bin/python tests/importers/make_fixtures.py

Every file is made from the documented columns (research/marketplaces.md §4.3, §6.1) and the
pinned API schemas; the expected findings of each are written down in the tests.
"""

from __future__ import annotations

import sys
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "benchmarks"))

from gen_reports import (  # noqa: E402
    WB_DETAIL_2023,
    WB_DETAIL_2025,
    write_csv,
    write_json,
    write_xlsx,
)

WB = HERE / "wb" / "fixtures"
OZON = HERE / "ozon" / "fixtures"
BROKEN = WB / "broken"

PRODUCT = {
    "Номер поставки": 24567891,
    "Предмет": "Футболки",
    "Код номенклатуры": 183804172,
    "Бренд": "Северный ветер",
    "Артикул поставщика": "41058/прозрачный",
    "Название": "Футболка хлопок",
    "Размер": "48",
    "Баркод": "2039876543210",
    "Цена розничная": 1249.0,
    "Склад": "Коледино",
    "Страна": "Россия",
    "Тип коробов": "Короба",
}


def detail_row(headers: list[str], **values: Any) -> list[Any]:
    """A row in ``headers`` order: the product's columns, zeros in the money columns the
    rules read, and ``values`` by header name."""
    row: dict[str, Any] = {
        **PRODUCT,
        "Тип документа": "",
        "Кол-во": 0,
        "Количество доставок": 0,
        "Количество возврата": 0,
        "Услуги по доставке товара покупателю": 0.0,
        "Общая сумма штрафов": 0.0,
    }
    row.update(values)
    return [row.get(h) for h in headers]


def logistics(
    srid: str, amount: float, day: date, *, back: bool = False, storno: bool = False
) -> dict[str, Any]:
    return {
        "Srid": srid,
        "Обоснование для оплаты": "Логистика сторно" if storno else "Логистика",
        "Количество возврата" if back else "Количество доставок": 1,
        "Услуги по доставке товара покупателю": amount,
        "Виды логистики, штрафов и корректировок ВВ": (
            "От клиента при возврате" if back else "К клиенту при продаже"
        ),
        "Дата продажи": day,
        "Дата заказа покупателем": date(2026, 11, 1),
    }


def sale(srid: str, day: date, doc: str = "Продажа") -> dict[str, Any]:
    return {
        "Srid": srid,
        "Тип документа": doc,
        "Обоснование для оплаты": doc,
        "Кол-во": 1,
        "Вайлдберриз реализовал Товар (Пр)": 874.3,
        "Дата продажи": day,
        "К перечислению Продавцу за реализованный Товар": 687.0,
        "Дата заказа покупателем": date(2026, 11, 1),
    }


def fine(srid: str, amount: float, day: date, reason: str) -> dict[str, Any]:
    return {
        "Srid": srid,
        "Обоснование для оплаты": "Штраф",
        "Общая сумма штрафов": amount,
        "Виды логистики, штрафов и корректировок ВВ": reason,
        "Дата продажи": day,
    }


D1, D2, D3 = date(2026, 11, 3), date(2026, 11, 5), date(2026, 11, 8)

#: week of 2026-11-02: 3 duplicate-logistics findings (285.00) and 2 penalties (800.00)
WEEK_2025 = [
    sale("a1000000000000000000000000000001", D1),  # A: one charge, nothing wrong
    logistics("a1000000000000000000000000000001", 85.0, D1),
    logistics("b2000000000000000000000000000002", 90.0, D1),  # B: charged twice → 90.00
    logistics("b2000000000000000000000000000002", 90.0, D2),
    logistics("c3000000000000000000000000000003", 70.0, D1),  # C: three times → 145.00
    logistics("c3000000000000000000000000000003", 70.0, D2),
    logistics("c3000000000000000000000000000003", 75.0, D3),
    logistics("d4000000000000000000000000000004", 95.0, D1),  # D: twice, then storno → none
    logistics("d4000000000000000000000000000004", 95.0, D2),
    logistics("d4000000000000000000000000000004", 95.0, D3, storno=True),
    sale("e5000000000000000000000000000005", D1),  # E: sold, returned: trip back → none
    logistics("e5000000000000000000000000000005", 60.0, D1),
    sale("e5000000000000000000000000000005", D2, "Возврат"),
    logistics("e5000000000000000000000000000005", 60.0, D2, back=True),
    logistics("f6000000000000000000000000000006", 50.0, D1),  # F: 3 charges − 1 storno → 50.00
    logistics("f6000000000000000000000000000006", 50.0, D2),
    logistics("f6000000000000000000000000000006", 50.0, D2, storno=True),
    logistics("f6000000000000000000000000000006", 50.0, D3),
    fine("g7000000000000000000000000000007", 300.0, D2, "Штраф МП. Невыполненный заказ"),
    fine("h8000000000000000000000000000008", 1000.0, D1, "Штраф МП. Нарушение срока"),
    fine("h8000000000000000000000000000008", -1000.0, D3, "Сторно. Штраф МП. Нарушение срока"),
    fine("", 500.0, D3, "Выявленные расхождения в карточке товара после приемки на складе WB"),
    {"Обоснование для оплаты": "Хранение", "Хранение": 1234.5, "Дата продажи": D3},
]


def numbered(headers: list[str], rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [detail_row(headers, **{"№": i, **r}) for i, r in enumerate(rows, start=1)]


def build_wb() -> None:
    WB.mkdir(parents=True, exist_ok=True)
    rows = numbered(WB_DETAIL_2025, WEEK_2025)
    write_xlsx(WB / "detail_2025.xlsx", WB_DETAIL_2025, rows)
    # the same week exported again as CSV (a second export must not count twice)
    write_csv(WB / "detail_2025_copy.csv", WB_DETAIL_2025, rows)

    # next week, UTF-8 with BOM, «,» and decimal dot: order A is charged forward again
    week2 = [
        logistics("a1000000000000000000000000000001", 85.0, date(2026, 11, 10)),
        logistics("k9000000000000000000000000000009", 40.0, date(2026, 11, 11)),
    ]
    write_csv(
        WB / "detail_week2.csv",
        WB_DETAIL_2025,
        numbered(WB_DETAIL_2025, week2),
        sep=",",
        russian=False,
    )

    # the 2023 layout («Rid», «Виды логистики, штрафов и доплат»), Windows-1251, «;»,
    # decimal comma, NBSP thousands, a title row above the header
    old = [
        {**logistics("c23a000000000000000000000000000a", 120.5, D1), "Rid": "777001"},
        {**logistics("c23a000000000000000000000000000a", 120.5, D2), "Rid": "777002"},
        fine("c23b000000000000000000000000000b", 1500.0, D2, "Штраф МП. Нарушение срока"),
    ]
    old = [
        {
            ("Виды логистики, штрафов и доплат" if k.startswith("Виды логистики") else k): v
            for k, v in r.items()
        }
        for r in old
    ]
    write_csv(
        WB / "detail_2023.csv",
        WB_DETAIL_2023,
        numbered(WB_DETAIL_2023, old),
        encoding="cp1251",
        title="Отчёт о продажах по реализации № 24011987 за период с 02.11.2026 по 08.11.2026",
    )

    write_json(WB / "detail_v5.json", v5_rows())
    write_json(WB / "detail_finance_2026.json", finance_2026_rows())
    build_acceptance()


def _v5(
    rrd: int,
    srid: str,
    oper: str,
    delivery: int,
    ret: int,
    rub: float,
    bonus: str,
    penalty: float = 0.0,
) -> dict[str, Any]:
    return {
        "realizationreport_id": 412345678,
        "date_from": "2026-11-09",
        "date_to": "2026-11-15",
        "create_dt": "2026-11-16",
        "currency_name": "руб",
        "suppliercontract_code": None,
        "rrd_id": rrd,
        "gi_id": 24567891,
        "subject_name": "Футболки",
        "nm_id": 183804172,
        "brand_name": "Северный ветер",
        "sa_name": "41058/прозрачный",
        "ts_name": "48",
        "barcode": "2039876543210",
        "doc_type_name": "",
        "quantity": 0,
        "retail_price": 1249,
        "retail_amount": 0,
        "office_name": "Коледино",
        "supplier_oper_name": oper,
        "order_dt": "2026-11-09T00:00:00Z",
        "sale_dt": "2026-11-11T00:00:00Z",
        "rr_dt": "2026-11-11",
        "shk_id": 1239159661,
        "delivery_amount": delivery,
        "return_amount": ret,
        "delivery_rub": rub,
        "penalty": penalty,
        "bonus_type_name": bonus,
        "srid": srid,
        "report_type": 1,
        "ppvz_for_pay": 0,
    }


def v5_rows() -> list[dict[str, Any]]:
    """Statistics API v5 (2025-12 spec): 1 duplicate (110.00) and 1 penalty (250.00)."""
    fwd = "К клиенту при продаже"
    return [
        _v5(1001, "v5a", "Логистика", 1, 0, 110.0, fwd),
        _v5(1002, "v5a", "Логистика", 1, 0, 110.0, fwd),
        _v5(1003, "v5b", "Логистика", 1, 0, 99.0, fwd),  # storno trap
        _v5(1004, "v5b", "Логистика", 1, 0, 99.0, fwd),
        _v5(1005, "v5b", "Логистика сторно", 1, 0, 99.0, fwd),
        _v5(1006, "v5c", "Штраф", 0, 0, 0.0, "Штраф МП. Невыполненный заказ", 250.0),
        _v5(1002, "v5a", "Логистика", 1, 0, 110.0, fwd),  # the same row twice (page overlap)
    ]


def finance_2026_rows() -> list[dict[str, Any]]:
    """Finance API 2026 (camelCase, money as strings): 1 duplicate (64.50), 1 penalty
    (1000.00), a return trip that must not count."""

    def row(
        rrd: int,
        srid: str,
        oper: str,
        deliveries: int,
        returns: int,
        service: str,
        bonus: str,
        penalty: str = "0",
    ) -> dict[str, Any]:
        return {
            "reportId": 512345678,
            "dateFrom": "2026-11-16",
            "dateTo": "2026-11-22",
            "createDate": "2026-11-23",
            "currency": "RUB",
            "reportType": 1,
            "rrdId": rrd,
            "giId": 24567891,
            "nmId": 183804172,
            "vendorCode": "41058/прозрачный",
            "sku": "2039876543210",
            "docTypeName": "",
            "quantity": 0,
            "retailPrice": "1249",
            "sellerOperName": oper,
            "saleDt": "2026-11-18T00:00:00Z",
            "rrDate": "2026-11-18",
            "deliveryAmount": deliveries,
            "returnAmount": returns,
            "deliveryService": service,
            "penalty": penalty,
            "bonusTypeName": bonus,
            "srid": srid,
            "forPay": "0",
        }

    fwd = "К клиенту при продаже"
    return [
        row(2001, "n26a", "Логистика", 1, 0, "64.5", fwd),
        row(2002, "n26a", "Логистика", 1, 0, "64.5", fwd),
        row(2003, "n26b", "Логистика", 1, 0, "70", fwd),
        row(2004, "n26b", "Логистика", 0, 1, "70", "От клиента при возврате"),
        row(2005, "n26c", "Штраф", 0, 0, "0", "Штраф МП. Нарушение срока", "1000"),
    ]


def build_acceptance() -> None:
    # statistics incomes: supply 24567891 accepted, barcode …210 over two rows (60 + 35)
    def income(bc: str, qty: int, income_id: int = 24567891) -> dict[str, Any]:
        return {
            "incomeId": income_id,
            "number": "",
            "date": "2026-11-12T00:00:54",
            "lastChangeDate": "2026-11-13T00:44:15.5",
            "supplierArticle": "41058/прозрачный",
            "techSize": "0",
            "barcode": bc,
            "quantity": qty,
            "totalPrice": 0,
            "dateClose": "2026-11-13T00:00:00",
            "warehouseName": "Коледино",
            "nmId": 183804172,
            "status": "Принято",
        }

    write_json(
        WB / "incomes.json",
        [
            income("2039876543210", 60),
            income("2039876543210", 35),  # split: 95 accepted of 100
            income("2039876543227", 20),  # 20 of 20
            income("2039876543241", 3),  # not shipped: surplus 3
        ],
    )
    # the seller's list: 24567999 is shipped but not accepted yet (no finding)
    write_xlsx(
        WB / "shipment_list.xlsx",
        ["Номер поставки", "Баркод", "Артикул продавца", "Количество", "Цена"],
        [
            ["24567891", "2039876543210", "41058/прозрачный", 100, 250.0],
            ["24567891", "2039876543227", "41058/черный", 20, 100.0],
            ["24567891", "2039876543234", "41058/белый", 10, 80.0],  # missing: 10 → 800.00
            ["24567999", "2039876543210", "41058/прозрачный", 40, 250.0],
        ],
        title="Отгрузка на склад WB Коледино, ноябрь 2026",
    )
    # an incomes export (tab separated, UTF-8, «Принято») and an English shipment list
    write_csv(
        WB / "incomes_export.tsv.txt",
        ["№ поставки", "Баркод", "Принято", "Дата приёмки", "Статус"],
        [
            ["24567893", "2039876543258", "7", "14.11.2026", "Принято"],
            ["24567893", "2039876543265", "12", "14.11.2026", "Принято"],
        ],
        sep="\t",
        encoding="utf-8",
    )
    write_csv(
        WB / "shipment_list_en.csv",
        ["Supply ID", "Barcode", "Qty", "Unit price"],
        [
            ["24567893", "2039876543258", "10", "1,200.00"],
            ["24567893", "2039876543265", "12", "300"],
        ],
        sep=",",
        encoding="utf-8",
        russian=False,
    )
    # supplies API goods: 24567894 accepted (status 5): 2 of 50 missing, no price known;
    # 24567895 still being accepted (status 4): no finding
    write_json(
        WB / "supply_goods.json",
        [
            {
                "supplyID": 24567894,
                "statusID": 5,
                "factDate": "2026-11-15T10:00:00+03:00",
                "goods": [
                    {
                        "barcode": "2039876543272",
                        "vendorCode": "41058/синий",
                        "nmID": 183804172,
                        "techSize": "48",
                        "quantity": 50,
                        "acceptedQuantity": 48,
                        "readyForSaleQuantity": 48,
                        "unloadingQuantity": 0,
                    },
                    {
                        "barcode": "2039876543289",
                        "vendorCode": "41058/серый",
                        "nmID": 183804172,
                        "techSize": "50",
                        "quantity": 10,
                        "acceptedQuantity": 10,
                        "readyForSaleQuantity": 10,
                        "unloadingQuantity": 0,
                    },
                ],
            },
            {
                "supplyID": 24567895,
                "statusID": 4,
                "goods": [{"barcode": "2039876543296", "quantity": 30, "acceptedQuantity": 12}],
            },
        ],
    )


def build_ozon() -> None:
    OZON.mkdir(parents=True, exist_ok=True)

    def op(
        op_id: int,
        op_type: str,
        name: str,
        amount: float,
        sku: int | None = None,
        posting: str = "",
    ) -> dict[str, Any]:
        return {
            "operation_id": op_id,
            "operation_type": op_type,
            "operation_date": "2026-11-14 00:00:00",
            "operation_type_name": name,
            "delivery_charge": 0,
            "return_delivery_charge": 0,
            "accruals_for_sale": 0,
            "sale_commission": 0,
            "amount": amount,
            "type": "compensation" if amount > 0 else "services",
            "posting": {
                "delivery_schema": "FBO",
                "order_date": "",
                "posting_number": posting,
                "warehouse_id": 0,
            },
            "items": [{"name": "Кружка", "sku": sku}] if sku else [],
            "services": [],
        }

    lack = op(
        11401182187840,
        "OperationLackWriteOff",
        "Списание за утерю товара",
        1450.0,
        1100526203,
        "57195475-0050-3",
    )
    write_json(
        OZON / "transactions.json",
        [
            {
                "result": {
                    "operations": [
                        lack,
                        op(
                            11401182187841,
                            "OperationDefectiveWriteOff",
                            "Списание брака",
                            320.5,
                            6605735423,
                        ),
                        op(
                            11401182187842,
                            "MarketplaceMarketingActionCostOperation",
                            "Услуги продвижения товаров",
                            -6.46,
                        ),
                        op(
                            11401182187843,
                            "OperationAgentDeliveredToCustomer",
                            "Доставка покупателю",
                            812.0,
                            1100526203,
                            "57195475-0051-1",
                        ),
                    ],
                    "page_count": 2,
                    "row_count": 5,
                }
            },
            {"result": {"operations": [lack], "page_count": 2, "row_count": 5}},  # page overlap
        ],
    )


def build_broken() -> None:
    BROKEN.mkdir(parents=True, exist_ok=True)
    good = (WB / "detail_2025.xlsx").read_bytes()
    (BROKEN / "truncated.xlsx").write_bytes(good[: len(good) // 2])
    rows = numbered(WB_DETAIL_2025, WEEK_2025[:4])
    koi8 = BROKEN / "koi8.csv"
    write_csv(koi8, WB_DETAIL_2025, rows, encoding="utf-8")
    koi8.write_bytes(koi8.read_text(encoding="utf-8").encode("koi8_r", errors="replace"))
    without = [h for h in WB_DETAIL_2025 if h not in ("Srid", "Общая сумма штрафов")]
    write_csv(BROKEN / "no_srid.csv", without, numbered(without, WEEK_2025[:4]))
    no_srid_only = [h for h in WB_DETAIL_2025 if h != "Srid"]
    write_xlsx(
        BROKEN / "no_srid_penalties_ok.xlsx", no_srid_only, numbered(no_srid_only, WEEK_2025)
    )
    write_csv(
        BROKEN / "not_a_report.csv",
        ["Имя", "Телефон", "Город"],
        [["Анна", "+7 900 000-00-00", "Казань"], ["Олег", "+7 901 000-00-00", "Омск"]],
    )
    bad = [dict(r) for r in WEEK_2025[:5]]
    bad[2]["Услуги по доставке товара покупателю"] = "девяносто"
    write_csv(BROKEN / "bad_value.csv", WB_DETAIL_2025, numbered(WB_DETAIL_2025, bad))
    ragged = BROKEN / "ragged.csv"
    write_csv(ragged, WB_DETAIL_2025, numbered(WB_DETAIL_2025, WEEK_2025[:4]))
    lines = ragged.read_text(encoding="utf-8-sig").splitlines()
    lines[3] += ";лишнее;поле"  # line 4 has more fields than the header
    ragged.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    cut = BROKEN / "cut_last_line.csv"
    write_csv(cut, WB_DETAIL_2025, numbered(WB_DETAIL_2025, WEEK_2025[:6]))
    text = cut.read_text(encoding="utf-8-sig").rstrip("\r\n")
    last_line = text.rfind("\n") + 1
    cut.write_text("\ufeff" + text[: last_line + 60], encoding="utf-8")  # cut mid-line
    (BROKEN / "bad.json").write_text(
        '[{"srid": "x", "rrd_id": 1,\n  "supplier_oper_name": }]', encoding="utf-8"
    )
    (BROKEN / "empty.json").write_text("[]", encoding="utf-8")
    # a JPEG named like a report, and a zip bomb named .xlsx
    (BROKEN / "photo.xlsx").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(256))
    bomb = BROKEN / "zip_bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * (64 * 1024 * 1024))


def main() -> None:
    build_wb()
    build_ozon()
    build_broken()


if __name__ == "__main__":
    main()
