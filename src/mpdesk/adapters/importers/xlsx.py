"""XLSX: a cheap look at the first rows, then the needed columns read in blocks of rows.

calamine (under fastexcel) reads the whole sheet into memory before returning anything, even
for ``n_rows=30`` (research/deps.md §3). So the header is found by streaming the first rows of
the sheet XML with the standard library (plus the shared strings they use), and the data is
read by ``xlsx_blocks``: fastexcel on one block of rows at a time, only the columns the audit
needs, all as text.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, iterparse

import fastexcel
import polars as pl

from mpdesk.adapters.importers.sheet_extent import Extent, is_far_beyond_content, sheet_extent
from mpdesk.adapters.importers.values import ROW
from mpdesk.adapters.importers.xlsx_blocks import NeedsWholeSheet, read_blocks

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


class XlsxError(Exception):
    """The workbook cannot be read (truncated, not a spreadsheet inside)."""


class SheetTooSparseError(XlsxError):
    """The sheet names cells far beyond what it holds (loading it would exhaust memory)."""

    def __init__(self, extent: Extent) -> None:
        super().__init__(
            f"sheet spans {extent.rows} rows x {extent.columns} columns "
            f"but holds {extent.cells} cells"
        )
        self.extent = extent


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _first_sheet(zf: zipfile.ZipFile) -> str:
    """Path of the first worksheet inside the package."""
    names = set(zf.namelist())
    try:
        workbook = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError as exc:
        raise XlsxError("no workbook") from exc
    from xml.etree.ElementTree import fromstring

    sheet = fromstring(workbook).find(f"{_NS}sheets/{_NS}sheet")
    if sheet is not None:
        rid = sheet.get(f"{_REL_NS}id")
        for rel in fromstring(rels):
            if rel.get("Id") == rid:
                target = (rel.get("Target") or "").lstrip("/")
                path = target if target.startswith("xl/") else f"xl/{target}"
                if path in names:
                    return path
    candidates = sorted(n for n in names if n.startswith("xl/worksheets/sheet"))
    if not candidates:
        raise XlsxError("no worksheet")
    return candidates[0]


def _shared_strings(zf: zipfile.ZipFile, wanted: set[int]) -> dict[int, str]:
    """Only the shared strings the first rows use (the table is streamed until the last one)."""
    if not wanted or "xl/sharedStrings.xml" not in zf.namelist():
        return {}
    last = max(wanted)
    found: dict[int, str] = {}
    index = 0
    with zf.open("xl/sharedStrings.xml") as fh:
        for _event, elem in iterparse(fh, events=("end",)):
            if elem.tag != f"{_NS}si":
                continue
            if index in wanted:
                found[index] = "".join(t.text or "" for t in elem.iter(f"{_NS}t"))
            elem.clear()
            index += 1
            if index > last:
                break
    return found


def _rows(zf: zipfile.ZipFile, sheet: str, limit: int) -> Iterator[tuple[int, Element]]:
    with zf.open(sheet) as fh:
        count = 0
        position = 0
        for _event, elem in iterparse(fh, events=("end",)):
            if elem.tag != f"{_NS}row":
                continue
            position += 1
            number = int(elem.get("r") or position)
            position = number
            yield number - 1, elem
            count += 1
            if count >= limit:
                return


def peek_rows(path: Path, limit: int = 30) -> list[tuple[int, dict[int, str]]]:
    """The first ``limit`` non-empty rows: (0-based sheet row, {0-based column: text})."""
    try:
        with zipfile.ZipFile(path) as zf:
            sheet = _first_sheet(zf)
            raw: list[tuple[int, list[tuple[int, str, str]]]] = []
            for row_index, elem in _rows(zf, sheet, limit):
                cells = []
                for pos, c in enumerate(elem.iter(f"{_NS}c")):
                    match = _CELL_REF.match(c.get("r") or "")
                    col = _column_index(match.group(1)) if match else pos
                    kind = c.get("t") or "n"
                    if kind == "inlineStr":
                        text = "".join(t.text or "" for t in c.iter(f"{_NS}t"))
                    else:
                        v = c.find(f"{_NS}v")
                        text = v.text or "" if v is not None else ""
                    cells.append((col, kind, text))
                elem.clear()
                raw.append((row_index, cells))
            wanted = {int(t) for _, cells in raw for _, k, t in cells if k == "s" and t.isdigit()}
            strings = _shared_strings(zf, wanted)
    except (zipfile.BadZipFile, OSError, KeyError, EOFError) as exc:
        raise XlsxError(str(exc)) from exc
    except SyntaxError as exc:  # ElementTree.ParseError
        raise XlsxError(str(exc)) from exc
    result = []
    for row_index, cells in raw:
        values = {}
        for col, kind, text in cells:
            value = strings.get(int(text), "") if kind == "s" and text.isdigit() else text
            if value.strip():
                values[col] = value
        if values:
            result.append((row_index, values))
    return result


def check_extent(path: Path) -> Extent:
    try:
        with zipfile.ZipFile(path) as zf:
            extent = sheet_extent(zf, _first_sheet(zf))
    except (zipfile.BadZipFile, OSError, KeyError, EOFError) as exc:
        raise XlsxError(str(exc)) from exc
    if is_far_beyond_content(extent):
        raise SheetTooSparseError(extent)
    return extent


def load_columns(path: Path, header_row: int, columns: dict[int, str]) -> pl.DataFrame:
    """Data rows below ``header_row`` (0-based sheet row), the given absolute column indices
    only, renamed to ``columns[index]``, every value as text, with ``ROW`` (1-based sheet row).

    The sheet is read in blocks of rows (``xlsx_blocks``), measuring its extent in the same
    pass; a sheet whose cells span far more than it holds is refused
    (``SheetTooSparseError``). A sheet written in a way the block reader does not take is
    measured exactly first and then loaded whole."""
    try:
        with zipfile.ZipFile(path) as zf:
            sheet = _first_sheet(zf)
        return read_blocks(path, sheet, header_row, columns, _refuse_sparse)
    except NeedsWholeSheet:
        return _load_whole(path, header_row, columns)
    except (zipfile.BadZipFile, OSError, KeyError, EOFError) as exc:
        raise XlsxError(str(exc)) from exc
    except Exception as exc:  # fastexcel raises its own error types for broken workbooks
        if isinstance(exc, MemoryError | XlsxError):
            raise
        raise XlsxError(str(exc)) from exc


def _refuse_sparse(extent: Extent) -> None:
    if is_far_beyond_content(extent):
        raise SheetTooSparseError(extent)


def _load_whole(path: Path, header_row: int, columns: dict[int, str]) -> pl.DataFrame:
    """The old way: the exact extent first (refusing a far-too-sparse sheet before calamine
    allocates for it), then one fastexcel load of the needed columns."""
    check_extent(path)
    try:
        reader = fastexcel.read_excel(str(path))
        sheet = reader.load_sheet(
            0,
            header_row=header_row,
            use_columns=lambda info: info.absolute_index in columns,
            dtypes="string",
        )
        frame = sheet.to_polars()
    except Exception as exc:  # fastexcel raises its own error types for broken workbooks
        raise XlsxError(str(exc)) from exc
    selected = [c.absolute_index for c in sheet.selected_columns]
    frame = frame.rename(
        {old: columns[idx] for old, idx in zip(frame.columns, selected, strict=True)}
    )
    return frame.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).add(header_row + 2).alias(ROW))
