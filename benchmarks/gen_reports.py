# ruff: noqa: E501 - the OOXML boilerplate below is kept verbatim
"""Generate realistic marketplace reports of any size: the WB realization detail («Детализация»)
as XLSX or CSV, with the documented headers (research/marketplaces.md §6.1).

    python benchmarks/gen_reports.py --rows 300000 --format xlsx --out /tmp/detail.xlsx

Also a small library for the test fixtures (``write_xlsx``, ``write_csv`` and the header lists).
The XLSX writer streams a minimal workbook (shared strings, dates as serial numbers with a date
style), about ten times faster than xlsxwriter for the same content; the result opens in Excel,
LibreOffice, openpyxl and calamine.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

#: header of a ~2025 detail file, 69 columns in file order (research §6.1, C# importer hit)
WB_DETAIL_2025 = (
    "№;Номер поставки;Предмет;Код номенклатуры;Бренд;Артикул поставщика;Название;Размер;Баркод;"
    "Тип документа;Обоснование для оплаты;Дата заказа покупателем;Дата продажи;Кол-во;"
    "Цена розничная;Вайлдберриз реализовал Товар (Пр);Согласованный продуктовый дисконт, %;"
    "Промокод, %;Итоговая согласованная скидка, %;Цена розничная с учетом согласованной скидки;"
    "Размер снижения кВВ из-за рейтинга, %;Размер изменения кВВ из-за акции, %;"
    "Скидка постоянного Покупателя (СПП), %;Размер кВВ, %;Размер  кВВ без НДС, % Базовый;"
    "Итоговый кВВ без НДС, %;Вознаграждение с продаж до вычета услуг поверенного, без НДС;"
    "Возмещение за выдачу и возврат товаров на ПВЗ;Эквайринг/Комиссии за организацию платежей;"
    "Размер комиссии за эквайринг/Комиссии за организацию платежей, %;"
    "Тип платежа за Эквайринг/Комиссии за организацию платежей;"
    "Вознаграждение Вайлдберриз (ВВ), без НДС;НДС с Вознаграждения Вайлдберриз;"
    "К перечислению Продавцу за реализованный Товар;Количество доставок;Количество возврата;"
    "Услуги по доставке товара покупателю;Дата начала действия фиксации;"
    "Дата конца действия фиксации;Признак услуги платной доставки;Общая сумма штрафов;"
    "Корректировка Вознаграждения Вайлдберриз (ВВ);Виды логистики, штрафов и корректировок ВВ;"
    "Стикер МП;Наименование банка-эквайера;Номер офиса;Наименование офиса доставки;ИНН партнера;"
    "Партнер;Склад;Страна;Тип коробов;Номер таможенной декларации;Номер сборочного задания;"
    "Код маркировки;ШК;Srid;Возмещение издержек по перевозке/по складским операциям с товаром;"
    "Организатор перевозки;Хранение;Удержания;Платная приемка;"
    "Фиксированный коэффициент склада по поставке;Признак продажи юридическому лицу;"
    "Номер короба для платной приемки;Скидка по программе софинансирования;Скидка Wibes, %;"
    "Сумма удержанная за начисленные баллы программы лояльности;"
    "Компенсация скидки по программе лояльности"
).split(";")

#: the 2023 variant (research §6.1, hit 33351424550): «Rid», «Доплаты», «Виды логистики,
#: штрафов и доплат», «Возмещение издержек по эквайрингу»
WB_DETAIL_2023 = (
    "№;Номер поставки;Предмет;Код номенклатуры;Бренд;Артикул поставщика;Название;Размер;Баркод;"
    "Тип документа;Обоснование для оплаты;Дата заказа покупателем;Дата продажи;Кол-во;"
    "Цена розничная;Вайлдберриз реализовал Товар (Пр);Согласованный продуктовый дисконт, %;"
    "Промокод %;Итоговая согласованная скидка;Цена розничная с учетом согласованной скидки;"
    "Размер снижения кВВ из-за рейтинга, %;Размер снижения кВВ из-за акции, %;"
    "Скидка постоянного Покупателя (СПП);Размер кВВ, %;Размер  кВВ без НДС, % Базовый;"
    "Итоговый кВВ без НДС, %;Вознаграждение с продаж до вычета услуг поверенного, без НДС;"
    "Возмещение за выдачу и возврат товаров на ПВЗ;Возмещение издержек по эквайрингу;"
    "Вознаграждение Вайлдберриз (ВВ), без НДС;НДС с Вознаграждения Вайлдберриз;"
    "К перечислению Продавцу за реализованный Товар;Количество доставок;Количество возврата;"
    "Услуги по доставке товара покупателю;Общая сумма штрафов;Доплаты;"
    "Виды логистики, штрафов и доплат;Стикер МП;Наименование банка-эквайера;Номер офиса;"
    "Наименование офиса доставки;ИНН партнера;Партнер;Склад;Страна;Тип коробов;"
    "Номер таможенной декларации;Код маркировки;ШК;Rid;Srid;Возмещение издержек по перевозке;"
    "Организатор перевозки"
).split(";")

SUBJECTS = ("Футболки", "Платья", "Кружки", "Сумки", "Носки", "Чехлы для телефонов")
BRANDS = ("Северный ветер", "Lumi", "Дом и сад", "Mira")
WAREHOUSES = ("Коледино", "Подольск", "Электросталь", "Казань", "Краснодар")


# --- the realization detail ------------------------------------------------------------------


@dataclass
class DetailStats:
    """What the generator planted: the audit must find exactly this."""

    rows: int = 0
    orders: int = 0
    duplicate_orders: int = 0  # orders charged forward logistics twice (findings)
    duplicate_amount: float = 0.0
    storno_traps: int = 0  # double charge cancelled by a storno (no finding)
    returns: int = 0  # return trips (no finding)
    penalties: int = 0
    penalty_amount: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class DetailGenerator:
    """Rows of a weekly detail in ``WB_DETAIL_2025`` order, order by order."""

    def __init__(self, seed: int = 7, week_start: date = date(2026, 11, 2)) -> None:
        self.rnd = random.Random(seed)
        self.week = [week_start + timedelta(days=i) for i in range(7)]
        self.col = {name: i for i, name in enumerate(WB_DETAIL_2025)}
        self.stats = DetailStats()
        self.products = [self._product(i) for i in range(400)]

    def _product(self, i: int) -> dict[str, Any]:
        rnd = self.rnd
        return {
            "Номер поставки": 24_500_000 + rnd.randrange(40),
            "Предмет": rnd.choice(SUBJECTS),
            "Код номенклатуры": 180_000_000 + i * 37,
            "Бренд": rnd.choice(BRANDS),
            "Артикул поставщика": f"ART-{1000 + i}/{rnd.choice(('черный', 'белый', 'синий'))}",
            "Название": f"Товар {i}",
            "Размер": rnd.choice(("0", "42", "44", "M", "L")),
            "Баркод": f"20{rnd.randrange(10**10, 10**11)}",
            "Цена розничная": float(rnd.randrange(490, 5990)),
            "Склад": rnd.choice(WAREHOUSES),
        }

    def _row(self, product: dict[str, Any], srid: str, day: date) -> list[Any]:
        row: list[Any] = [None] * len(WB_DETAIL_2025)
        self.stats.rows += 1
        col = self.col
        for name, value in product.items():
            row[col[name]] = value
        row[col["№"]] = self.stats.rows
        row[col["Тип документа"]] = ""
        row[col["Дата заказа покупателем"]] = day - timedelta(days=self.rnd.randrange(1, 5))
        row[col["Дата продажи"]] = day
        row[col["Кол-во"]] = 0
        row[col["Количество доставок"]] = 0
        row[col["Количество возврата"]] = 0
        row[col["Услуги по доставке товара покупателю"]] = 0.0
        row[col["Общая сумма штрафов"]] = 0.0
        row[col["Страна"]] = "Россия"
        row[col["Тип коробов"]] = "Короба"
        row[col["Srid"]] = srid
        row[col["ШК"]] = self.rnd.randrange(10**10, 10**11)
        row[col["Наименование офиса доставки"]] = "Москва Очаковское шоссе 6к2"
        row[col["Номер офиса"]] = 105_383
        row[col["Фиксированный коэффициент склада по поставке"]] = 1.8
        for name in ("Хранение", "Удержания", "Платная приемка", "Скидка Wibes, %"):
            row[col[name]] = 0.0
        return row

    def _sale(self, product: dict[str, Any], srid: str, day: date, returned: bool) -> list[Any]:
        row = self._row(product, srid, day)
        col, price = self.col, product["Цена розничная"]
        doc = "Возврат" if returned else "Продажа"
        row[col["Тип документа"]] = doc
        row[col["Обоснование для оплаты"]] = doc
        row[col["Кол-во"]] = 1
        row[col["Вайлдберриз реализовал Товар (Пр)"]] = round(price * 0.7, 2)
        row[col["Согласованный продуктовый дисконт, %"]] = 30
        row[col["Скидка постоянного Покупателя (СПП), %"]] = 25.31
        row[col["Размер кВВ, %"]] = 24.5
        row[col["Цена розничная с учетом согласованной скидки"]] = round(price * 0.7, 2)
        row[col["К перечислению Продавцу за реализованный Товар"]] = round(price * 0.55, 2)
        row[col["Эквайринг/Комиссии за организацию платежей"]] = round(price * 0.015, 2)
        row[col["Наименование банка-эквайера"]] = "Тинькофф"
        row[col["Партнер"]] = "ИП Жасмин"
        row[col["ИНН партнера"]] = "010101010101"
        return row

    def _logistics(
        self, product: dict[str, Any], srid: str, day: date, amount: float,
        backward: bool = False, storno: bool = False,
    ) -> list[Any]:  # fmt: skip
        row = self._row(product, srid, day)
        col = self.col
        row[col["Обоснование для оплаты"]] = "Логистика сторно" if storno else "Логистика"
        row[col["Количество возврата" if backward else "Количество доставок"]] = 1
        row[col["Услуги по доставке товара покупателю"]] = amount
        row[col["Виды логистики, штрафов и корректировок ВВ"]] = (
            "От клиента при возврате" if backward else "К клиенту при продаже"
        )
        return row

    def rows(self, n: int) -> Iterator[list[Any]]:
        rnd, stats = self.rnd, self.stats
        order = 0
        product = self.products[0]
        while stats.rows <= n - 6:  # an order writes at most 6 rows
            order += 1
            stats.orders += 1
            product = rnd.choice(self.products)
            srid = f"{rnd.getrandbits(128):032x}"
            day = rnd.choice(self.week)
            charge = float(rnd.randrange(40, 160))
            yield self._sale(product, srid, day, returned=False)
            yield self._logistics(product, srid, day, charge)
            dice = rnd.random()
            if dice < 0.10:  # the buyer returned it: a charge back, not a duplicate
                stats.returns += 1
                yield self._sale(product, srid, day, returned=True)
                yield self._logistics(product, srid, day, charge, backward=True)
            elif dice < 0.11:  # charged twice: a finding
                stats.duplicate_orders += 1
                stats.duplicate_amount += charge
                yield self._logistics(product, srid, day, charge)
            elif dice < 0.115:  # charged twice and reversed: no finding
                stats.storno_traps += 1
                yield self._logistics(product, srid, day, charge)
                yield self._logistics(product, srid, day, charge, storno=True)
            if rnd.random() < 0.005:
                stats.penalties += 1
                fine = float(rnd.choice((100, 300, 1000)))
                stats.penalty_amount += fine
                row = self._row(product, srid, day)
                row[self.col["Обоснование для оплаты"]] = "Штраф"
                row[self.col["Общая сумма штрафов"]] = fine
                row[self.col["Виды логистики, штрафов и корректировок ВВ"]] = (
                    "Штраф МП. Невыполненный заказ"
                )
                yield row
            if order % 50 == 0:
                yield self._storage(product, day)
        while stats.rows < n:
            yield self._storage(product, self.week[-1])

    def _storage(self, product: dict[str, Any], day: date) -> list[Any]:
        """Storage rows carry no order."""
        row = self._row(product, "", day)
        row[self.col["Обоснование для оплаты"]] = "Хранение"
        row[self.col["Хранение"]] = round(self.rnd.random() * 300, 2)
        return row


# --- writers ---------------------------------------------------------------------------------


def _col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_EPOCH = date(1899, 12, 30)

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
</styleSheet>"""
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)


def write_xlsx(
    path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]],
    title: str | None = None, sheet_name: str = "Sheet1",
) -> int:  # fmt: skip
    """Stream a one-sheet workbook; returns the number of data rows written."""
    strings: dict[str, int] = {}
    letters = [_col_letter(i) for i in range(max(len(headers), 1) + 64)]

    def cell(ref: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}"><v>{value}</v></c>'
        if isinstance(value, datetime):
            serial = (value - datetime(1899, 12, 30)).total_seconds() / 86400
            return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
        if isinstance(value, date):
            return f'<c r="{ref}" s="1"><v>{(value - _EPOCH).days}</v></c>'
        index = strings.setdefault(str(value), len(strings))
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'

    count = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK.format(name=escape(sheet_name)))
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8")
            out.write(_SHEET_HEAD)
            r = 0
            lines = [[title]] if title else []
            for values in [*lines, headers]:
                r += 1
                cells = "".join(cell(f"{letters[i]}{r}", v) for i, v in enumerate(values))
                out.write(f'<row r="{r}">{cells}</row>')
            buffer: list[str] = []
            for values in rows:
                r += 1
                count += 1
                cells = "".join(cell(f"{letters[i]}{r}", v) for i, v in enumerate(values))
                buffer.append(f'<row r="{r}">{cells}</row>')
                if len(buffer) >= 2000:
                    out.write("".join(buffer))
                    buffer.clear()
            out.write("".join(buffer))
            out.write("</sheetData></worksheet>")
            out.flush()
            out.detach()
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8")
            out.write(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns='
                '"http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                f'count="{len(strings)}" uniqueCount="{len(strings)}">'
            )
            for text in strings:
                out.write(f'<si><t xml:space="preserve">{escape(text)}</t></si>')
            out.write("</sst>")
            out.flush()
            out.detach()
    return count


def russian_number(value: float, nbsp: bool = True) -> str:
    """``1234.5`` → ``'1 234,50'`` (NBSP as thousands separator, decimal comma)."""
    text = f"{value:,.2f}"
    return text.replace(",", "\u00a0" if nbsp else " ").replace(".", ",")


def write_csv(
    path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
    sep: str = ";", encoding: str = "utf-8-sig", russian: bool = True,
    title: str | None = None,
) -> int:  # fmt: skip
    """CSV the way Russian Excel saves it: ``;``, decimal comma, NBSP thousands, dd.mm.yyyy."""

    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return russian_number(value) if russian else f"{value:.2f}"
        if isinstance(value, date):
            return value.strftime("%d.%m.%Y") if russian else value.isoformat()
        return str(value)

    count = 0
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=sep)
        if title:
            writer.writerow([title])
        writer.writerow(headers)
        for values in rows:
            writer.writerow([text(v) for v in values])
            count += 1
    return count


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def generate_detail(path: Path, rows: int, fmt: str, seed: int = 7) -> DetailStats:
    gen = DetailGenerator(seed)
    title = "Детализация к еженедельному отчёту о реализации № 412345678"
    if fmt == "xlsx":
        write_xlsx(path, WB_DETAIL_2025, gen.rows(rows), sheet_name="Sheet1")
    elif fmt == "csv":
        write_csv(path, WB_DETAIL_2025, gen.rows(rows), title=title)
    else:
        raise ValueError(fmt)
    return gen.stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    stats = generate_detail(args.out, args.rows, args.format, args.seed)
    seconds = time.perf_counter() - started
    print(json.dumps({**stats.__dict__, "seconds": round(seconds, 1)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
