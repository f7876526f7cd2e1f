"""Write tables as CSV (UTF-8 with BOM, ``;`` for Russian Excel) or XLSX, workbooks of typed
sheets for accountants, and other output files, atomically (``atomic_file.py``: no
half-written file, no temporary left behind)."""

from __future__ import annotations

import csv
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from mpdesk.adapters.atomic_file import atomic_path
from mpdesk.services.ports.spreadsheets import CellKind, Sheet

#: Excel number formats of the typed cells (Excel shows them with the reader's own separators)
NUMBER_FORMATS: dict[CellKind, str] = {
    "int": "0",
    "money": '#,##0.00 "\u20bd"',
    "date": "dd.mm.yyyy",
    "datetime": "dd.mm.yyyy hh:mm",
}
#: Excel's limit of a sheet name
SHEET_NAME_MAX = 31


class FileTableWriter:
    def atomic(self, path: Path) -> AbstractContextManager[Path]:
        return atomic_path(path)

    def write_text(self, path: Path, text: str) -> None:
        with atomic_path(path) as tmp:
            tmp.write_text(text, encoding="utf-8")

    def write(self, path: Path, fmt: str, headers: list[str], rows: list[list[Any]]) -> None:
        if fmt not in ("csv", "xlsx"):
            raise ValueError(fmt)
        with atomic_path(path) as tmp:
            if fmt == "csv":
                with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                    writer = csv.writer(fh, delimiter=";")
                    writer.writerow(headers)
                    writer.writerows(rows)
            elif fmt == "xlsx":
                import xlsxwriter  # imported on first export: commands that never export skip it

                book = xlsxwriter.Workbook(
                    tmp,
                    {
                        "constant_memory": True,
                        "strings_to_formulas": False,
                        "strings_to_urls": False,
                    },
                )
                sheet = book.add_worksheet("data")
                bold = book.add_format({"bold": True})
                sheet.write_row(0, 0, headers, bold)
                for r, row in enumerate(rows, start=1):
                    for c, value in enumerate(row):
                        if isinstance(value, str):
                            sheet.write_string(r, c, value)
                        elif value is None:
                            sheet.write_blank(r, c, None)
                        else:
                            sheet.write(r, c, value)
                book.close()

    def write_workbook(self, path: Path, sheets: list[Sheet]) -> None:
        import xlsxwriter  # imported on first export: commands that never export skip it

        with atomic_path(path) as tmp:
            book = xlsxwriter.Workbook(
                tmp, {"strings_to_formulas": False, "strings_to_urls": False}
            )
            header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
            formats = {
                kind: book.add_format({"num_format": f}) for kind, f in NUMBER_FORMATS.items()
            }
            wrap = book.add_format({"valign": "top"})
            for sheet in sheets:
                ws = book.add_worksheet(sheet.name[:SHEET_NAME_MAX])
                for c, column in enumerate(sheet.columns):
                    ws.set_column(c, c, column.width, formats.get(column.kind, wrap))
                    ws.write_string(0, c, column.header, header)
                for r, row in enumerate(sheet.rows, start=1):
                    for c, (column, value) in enumerate(zip(sheet.columns, row, strict=True)):
                        _write_cell(ws, r, c, column.kind, value, formats)
                ws.freeze_panes(1, 0)
                ws.autofilter(0, 0, max(len(sheet.rows), 1), max(len(sheet.columns) - 1, 0))
            book.close()


def _write_cell(
    ws: Any, row: int, col: int, kind: CellKind, value: Any, formats: dict[CellKind, Any]
) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None)
    elif kind in ("date", "datetime"):
        ws.write_datetime(row, col, value, formats[kind])
    elif kind in ("int", "money"):
        ws.write_number(row, col, float(value), formats[kind])
    else:
        ws.write_string(row, col, str(value))
