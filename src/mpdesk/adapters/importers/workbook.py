"""Old Excel (``.xls``, Excel 97–2003) and OpenDocument (``.ods``) workbooks, read by the same
engine as XLSX (calamine, under fastexcel).

Which one a file is comes from its content, never its name: an ``.xls`` is an OLE2 compound
file (magic ``D0 CF 11 E0 A1 B1 1A E1``); an ``.ods`` is a ZIP whose ``mimetype`` member reads
``application/vnd.oasis.opendocument.spreadsheet`` (an ``.odt`` has the same container).

Neither format can be streamed the way ``xlsx_blocks`` streams XLSX rows: the engine parses the
first sheet whole. An ``.xls`` sheet holds at most 65,536 rows × 256 columns; an ``.ods`` is
bounded by the memory limit of the isolated reader. The header is found among the first rows,
then only the needed columns are built, every value as text, with ``ROW`` the 1-based sheet row.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import fastexcel
import polars as pl

from mpdesk.adapters.importers.values import ROW

OLE2_MEDIA_TYPE = "application/x-ole-storage"
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
#: rows looked at for the header (empty rows do not count towards ``limit``)
_PEEK_ROWS = 400


class WorkbookError(Exception):
    """The workbook cannot be read (truncated, encrypted, not a spreadsheet inside)."""


def odf_mimetype(path: Path) -> str:
    """The declared type of an OpenDocument package (its ``mimetype`` member), or ``""``."""
    try:
        with zipfile.ZipFile(path) as zf:
            if "mimetype" not in zf.namelist():
                return ""
            with zf.open("mimetype") as fh:
                return fh.read(200).decode("ascii", errors="replace").strip()
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise WorkbookError(str(exc)) from exc


@contextmanager
def _named(path: Path, fmt: str) -> Iterator[Path]:
    """The engine picks its parser by the file's extension: it is shown the file under a name
    that says what the content is (a link in a private folder; the file is not copied)."""
    with tempfile.TemporaryDirectory(prefix="mpdesk-book-") as folder:
        link = Path(folder) / f"book.{fmt}"
        os.symlink(path.resolve(), link)
        yield link


def _sheet(path: Path, fmt: str, **options: Any) -> tuple[pl.DataFrame, list[int]]:
    """The first sheet as text, and the absolute index of each column it kept."""
    try:
        with _named(path, fmt) as named:
            sheet = fastexcel.read_excel(str(named)).load_sheet(0, dtypes="string", **options)
            frame = sheet.to_polars()
            return frame, [c.absolute_index for c in sheet.selected_columns]
    except Exception as exc:  # fastexcel raises its own error types for broken workbooks
        if isinstance(exc, MemoryError):
            raise
        raise WorkbookError(str(exc)) from exc


def peek_rows(path: Path, fmt: str, limit: int = 30) -> list[tuple[int, dict[int, str]]]:
    """The first ``limit`` non-empty rows: (0-based sheet row, {0-based column: text})."""
    # ``skip_rows=0`` keeps the empty rows above the table, so positions are the sheet's own
    frame, indices = _sheet(path, fmt, header_row=None, skip_rows=0, n_rows=_PEEK_ROWS)
    result = []
    for row_index, values in enumerate(frame.iter_rows()):
        cells = {i: v for i, v in zip(indices, values, strict=True) if v is not None and v.strip()}
        if cells:
            result.append((row_index, cells))
            if len(result) >= limit:
                break
    return result


def load_columns(path: Path, fmt: str, header_row: int, columns: dict[int, str]) -> pl.DataFrame:
    """Data rows below ``header_row`` (0-based sheet row) of an ``fmt`` workbook (as sniffed),
    the given absolute column indices only, renamed to ``columns[index]``, every value as text,
    with ``ROW`` (1-based sheet row)."""
    frame, selected = _sheet(
        path, fmt, header_row=header_row, use_columns=lambda info: info.absolute_index in columns
    )
    frame = frame.rename(
        {old: columns[idx] for old, idx in zip(frame.columns, selected, strict=True)}
    )
    return frame.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).add(header_row + 2).alias(ROW))
