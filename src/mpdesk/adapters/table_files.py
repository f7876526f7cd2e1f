"""Write tables as CSV (UTF-8 with BOM, ``;`` for Russian Excel) or XLSX, and other output
files, atomically (``atomic_file.py``: no half-written file, no temporary left behind)."""

from __future__ import annotations

import csv
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from mpdesk.adapters.atomic_file import atomic_path


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
