"""Write tables as CSV (UTF-8 with BOM, ``;`` for Russian Excel) or XLSX, atomically."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import Any


class FileTableWriter:
    def write(self, path: Path, fmt: str, headers: list[str], rows: list[list[Any]]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=f".{fmt}")
        os.close(fd)
        try:
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
            else:
                raise ValueError(fmt)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
