"""Hostile workbooks, built by the tests: a WB detail header row, then whatever cells a case
needs, written as raw sheet XML (streamed, so a case can be large without being held)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

#: the columns the duplicate-charge and fine rules need, as a WB weekly detail names them
DETAIL_HEADER = (
    "№",
    "Номер поставки",
    "Баркод",
    "Тип документа",
    "Обоснование для оплаты",
    "Дата продажи",
    "Кол-во",
    "Количество доставок",
    "Количество возврата",
    "Услуги по доставке товара покупателю",
    "Общая сумма штрафов",
    "Виды логистики, штрафов и корректировок ВВ",
    "Srid",
)

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="Отчёт" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def letters(column: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while column > 0:
        column, rem = divmod(column - 1, 26)
        out = chr(65 + rem) + out
    return out


def text_cell(ref: str | None, value: str) -> str:
    where = f' r="{ref}"' if ref else ""
    return f'<c{where} t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def header_row() -> str:
    cells = "".join(text_cell(f"{letters(i)}1", name) for i, name in enumerate(DETAIL_HEADER, 1))
    return f'<row r="1">{cells}</row>'


def write_workbook(path: Path, rows: Iterable[str], prefix: str = "") -> Path:
    """A one-sheet workbook whose sheet data is the header row, then ``rows`` (raw XML)."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    if prefix:
        ns = f'xmlns:{prefix}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    tag = f"{prefix}:" if prefix else ""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, body in _PARTS.items():
            zf.writestr(name, body)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><{tag}worksheet {ns}>'.encode())
            fh.write(f"<{tag}sheetData>".encode())
            first = header_row()
            if prefix:
                first = first.replace("<row", f"<{tag}row").replace("</row>", f"</{tag}row>")
                for name in ("c", "is", "t"):
                    first = first.replace(f"<{name}>", f"<{tag}{name}>")
                    first = first.replace(f"<{name} ", f"<{tag}{name} ")
                    first = first.replace(f"</{name}>", f"</{tag}{name}>")
            fh.write(first.encode())
            for row in rows:
                fh.write(row.encode())
            fh.write(f"</{tag}sheetData></{tag}worksheet>".encode())
    return path


def far_cell_workbook(path: Path, ref: str) -> Path:
    """The header, then one text cell at ``ref`` (``XFD1048576``: the 1.5 KB server killer)."""
    row = int("".join(ch for ch in ref if ch.isdigit()))
    return write_workbook(path, [f'<row r="{row}">{text_cell(ref, "x")}</row>'])


def detail_rows(count: int, start: int = 2) -> list[str]:
    """Ordinary detail rows: a sale each, nothing for a rule to find."""
    rows = []
    for n in range(start, start + count):
        values = [str(n - 1), "24567891", "4600000000017", "Продажа", "Продажа",
                  "2026-11-02", "1", "0", "0", "0", "0", "", f"srid{n}"]  # fmt: skip
        cells = "".join(text_cell(f"{letters(i)}{n}", v) for i, v in enumerate(values, 1) if v)
        rows.append(f'<row r="{n}">{cells}</row>')
    return rows
