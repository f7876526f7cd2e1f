"""Write report fixtures as ``.xls`` (Excel 97–2003, by xlwt) and ``.ods`` (OpenDocument, by
odfpy), with the same arguments as ``gen_reports.write_xlsx``: the tests build them from the
published column layouts, so no seller's file is kept in the repository."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P


def write_xls(
    path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = None
) -> int:
    """A one-sheet Excel 97–2003 workbook; dates as date cells, numbers as numbers."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    day = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    lines: list[Sequence[Any]] = [[title]] if title else []
    count = -len(lines) - 1
    for r, values in enumerate([*lines, headers, *rows]):
        count += 1
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                sheet.write(r, c, value, day)
            else:
                sheet.write(r, c, value)
    book.save(str(path))
    return count


def _ods_cell(value: Any) -> TableCell:
    if value is None or value == "":
        return TableCell()
    if isinstance(value, bool):
        cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower())
    elif isinstance(value, int | float):
        cell = TableCell(valuetype="float", value=value)
    elif isinstance(value, date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
        value = value.strftime("%d.%m.%Y")
    else:
        cell = TableCell(valuetype="string")
    cell.addElement(P(text=str(value)))
    return cell


def write_ods(
    path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = None
) -> int:
    """A one-sheet OpenDocument spreadsheet, cells typed as LibreOffice writes them."""
    doc = OpenDocumentSpreadsheet()
    table = Table(name="Sheet1")
    lines: list[Sequence[Any]] = [[title]] if title else []
    count = -len(lines) - 1
    for values in [*lines, headers, *rows]:
        count += 1
        row = TableRow()
        for value in values:
            row.addElement(_ods_cell(value))
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return count
