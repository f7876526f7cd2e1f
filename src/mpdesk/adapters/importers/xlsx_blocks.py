"""An XLSX sheet read in blocks of rows, so that memory follows the block, not the sheet.

calamine (under fastexcel) builds the whole sheet as a dense grid before returning anything:
about 1.2 GB for a 300,000-row × 69-column WB detail. Here the sheet XML is streamed once; each
run of rows up to ``BLOCK_SLOTS`` grid cells is written as a sheet of its own (stored
uncompressed, with the original shared strings and styles) and loaded by fastexcel with only
the needed columns. The same pass measures the sheet's extent (``sheet_extent.FastScan``); a
sheet far larger than its content is still refused (``check``, ``SheetTooSparseError``) before
anything is loaded.

Cells of the columns the header row names but the caller does not need (56 of a WB detail's 69)
are dropped from each piece before it is measured and written (one linear-time regex pass):
calamine then parses a third of the XML. Every cell still counts as present; a cell in any
other column (beyond the header, or without a reference) is kept, measured and loaded as before,
and row elements are kept, so a far row number is still seen. A dropped cell is not measured:
it can make nothing allocate, wherever it points.

All blocks go, one sheet each, into one temporary workbook (so calamine parses the shared
strings once), written as the sheet is streamed; the sheets are loaded only after the extent
check has passed. Row numbers: every block starts with a marker row just above its first row
(one inline-string cell in the first needed column), so the block's grid starts at a known
row. The fast path
needs what Excel, LibreOffice and the marketplaces write — cells with ``r`` references in UTF-8
without a namespace prefix, rows in ascending order; anything else raises ``NeedsWholeSheet``
and the caller reads the sheet the old way (an exact extent scan, then one fastexcel load).
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import fromstring

import fastexcel
import polars as pl

from mpdesk.adapters.importers.sheet_extent import (
    Extent,
    FastScan,
    below,
    column_letters,
    column_number,
    utf8_series,
)
from mpdesk.adapters.importers.values import ROW

#: cells of the dense grid one block may span (calamine takes about 50 bytes per cell)
BLOCK_SLOTS = 3_000_000
_CHUNK = 8 << 20
_NS_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
_FIRST_REF = re.compile(rb'<c r="[A-Z]+([0-9]+)"')
_CELL_REF = re.compile(rb'<c r="([A-Z]+)[0-9]+"')
#: a header naming more unused columns than this is read with all its cells
_UNUSED_LISTED = 1024
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.'
        'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
        '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
        'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
}
_REL_SHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets>{sheets}</sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
    'schemas.openxmlformats.org/package/2006/relationships">{sheets}<Relationship Id="rIdS" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/><Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_EMPTY_STYLES = (
    b'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main"/>'
)
_EMPTY_STRINGS = (
    b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" count="0" uniqueCount="0"/>'
)


class NeedsWholeSheet(Exception):
    """The sheet is not written the way the block reader expects; read it whole."""


def _parts_of(zf: zipfile.ZipFile, kind: str) -> bytes | None:
    """The raw workbook part of a relationship type (``styles``, ``sharedStrings``)."""
    try:
        rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return None
    for rel in rels.iter(f"{_NS_REL}Relationship"):
        if (rel.get("Type") or "").endswith(f"/{kind}"):
            target = (rel.get("Target") or "").lstrip("/")
            path = target if target.startswith("xl/") else f"xl/{target}"
            try:
                return zf.read(path)
            except KeyError:
                return None
    return None


def _pieces(fh: IO[bytes]) -> Iterator[tuple[bytes, bytes]]:
    """(prolog, piece): the sheet XML up to ``<sheetData>`` without its ``<dimension>``, then
    runs of whole rows."""
    data = fh.read(_CHUNK)
    if b"\x00" in data[:1024] or re.search(rb"<\w+:sheetData\b", data):
        raise NeedsWholeSheet("UTF-16 or a namespace prefix")
    start = data.find(b"<sheetData>")
    if start < 0:
        raise NeedsWholeSheet("no <sheetData> start tag")
    prolog = _DIMENSION.sub(b"", data[: start + len(b"<sheetData>")])
    tail = data[start + len(b"<sheetData>") :]
    while True:
        chunk = fh.read(_CHUNK)
        data = tail + chunk
        if chunk:
            cut = data.rfind(b"</row>")
            if cut < 0:
                tail = data
                continue
            piece, tail = data[: cut + len(b"</row>")], data[cut + len(b"</row>") :]
            yield prolog, piece
            continue
        end = data.rfind(b"</sheetData>")
        yield prolog, data[:end] if end >= 0 else data
        return


def _first_row(piece: bytes) -> int | None:
    match = _FIRST_REF.search(piece)
    return int(match.group(1)) if match else None


def _has_row_below(piece: bytes, row: int) -> bool:
    text = pl.Series([piece.decode("utf-8", errors="replace")])
    return bool(text.str.contains(f'<c r="[A-Z]+{below(row)}"')[0]) if row > 1 else False


class _Book:
    """The temporary workbook the blocks are written into, one sheet per block, stored
    uncompressed: calamine parses its shared strings once and each sheet on its own."""

    def __init__(self, path: Path, marker: str) -> None:
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_STORED)
        self.marker = marker
        self.firsts: list[int] = []  # the first row of each block
        self._sheet: IO[bytes] | None = None

    def open_block(self, first: int, prolog: bytes) -> None:
        """A new sheet, starting with the marker row just above ``first``."""
        self._close_sheet()
        self.firsts.append(first)
        name = f"xl/worksheets/sheet{len(self.firsts)}.xml"
        self._sheet = self.zip.open(name, "w", force_zip64=True)
        top = first - 1
        cell = f'<c r="{self.marker}{top}" t="inlineStr"><is><t>.</t></is></c>'
        self._sheet.write(prolog + f'<row r="{top}">{cell}</row>'.encode())

    def write(self, piece: bytes) -> None:
        assert self._sheet is not None
        self._sheet.write(piece)

    def _close_sheet(self) -> None:
        if self._sheet is not None:
            self._sheet.write(b"</sheetData></worksheet>")
            self._sheet.close()
            self._sheet = None

    def close(self, styles: bytes, strings: bytes) -> None:
        self._close_sheet()
        count = len(self.firsts)
        sheets = "".join(
            f'<sheet name="b{n}" sheetId="{n}" r:id="rId{n}"/>' for n in range(1, count + 1)
        )
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="{_REL_SHEET}" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, count + 1)
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_SHEET_TYPE}"/>'
            for n in range(1, count + 1)
        )
        self.zip.writestr("[Content_Types].xml", _PARTS["[Content_Types].xml"].replace(
            "</Types>", overrides + "</Types>"))  # fmt: skip
        self.zip.writestr("_rels/.rels", _PARTS["_rels/.rels"])
        self.zip.writestr("xl/workbook.xml", _WORKBOOK.format(sheets=sheets))
        self.zip.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(sheets=rels))
        self.zip.writestr("xl/styles.xml", styles)
        self.zip.writestr("xl/sharedStrings.xml", strings)
        self.zip.close()


def read_blocks(
    path: Path,
    sheet: str,
    header_row: int,
    columns: dict[int, str],
    check: Callable[[Extent], None],
) -> pl.DataFrame:
    """The rows below ``header_row`` (0-based), the ``columns`` (absolute index → name) only,
    every value as text, with ``ROW`` (1-based sheet row). ``check`` sees the sheet's extent
    once the pass is over and before any block is loaded (it raises to refuse the sheet)."""
    scan = FastScan()
    names = list(dict.fromkeys(columns.values()))
    empty = pl.DataFrame(schema={**dict.fromkeys(names, pl.String), ROW: pl.Int64})
    with tempfile.TemporaryDirectory(prefix="mpdesk-xlsx-") as tmp, zipfile.ZipFile(path) as zf:
        book = _Book(Path(tmp) / "blocks.xlsx", column_letters(min(columns) + 1))
        first_of_block = 0
        unused: str | None = None  # the cells of the header's other columns, once it is read
        with zf.open(sheet) as fh:
            for prolog, raw in _pieces(fh):
                piece = _without(raw, unused) if unused else raw
                scan.floor = first_of_block
                scan.feed(piece, present=raw.count(b'<c r="'))
                if scan.exact_needed or scan.below_floor:
                    raise NeedsWholeSheet("a cell without a reference, or rows out of order")
                first = _first_row(piece)
                if first is None:
                    continue
                if not first_of_block:  # the title and header rows are not data
                    first_of_block = header_row + 2
                    if first < first_of_block:
                        unused = _unused_cells(piece, header_row + 1, columns)
                        piece = _after_header(piece, header_row + 1)
                        piece = _without(piece, unused) if unused else piece
                    book.open_block(first_of_block, prolog)
                    opens = True
                elif (scan.rows - first_of_block + 1) * scan.columns > BLOCK_SLOTS:
                    first_of_block = first
                    book.open_block(first, prolog)
                    opens = True
                else:
                    opens = False
                if opens and _has_row_below(piece, first_of_block):  # later pieces: the floor
                    raise NeedsWholeSheet("rows out of order")
                if (scan.rows - first_of_block + 1) * scan.columns > 4 * BLOCK_SLOTS:
                    raise NeedsWholeSheet("one run of rows spans too many cells")
                book.write(piece)
        book.close(_parts_of(zf, "styles") or _EMPTY_STYLES,
                   _parts_of(zf, "sharedStrings") or _EMPTY_STRINGS)  # fmt: skip
        check(scan.extent)
        if not book.firsts:
            return empty
        reader = fastexcel.read_excel(str(book.zip.filename))
        frames = [_load(reader, n, first, columns) for n, first in enumerate(book.firsts)]
    return pl.concat(frames, how="diagonal_relaxed")


def _unused_cells(piece: bytes, header: int, columns: dict[int, str]) -> str | None:
    """A regex for the runs of cells in the columns the (1-based) ``header`` row names but
    the caller does not need (``None`` when there are none, or too many to list)."""
    start = piece.find(f'<row r="{header}"'.encode())
    end = piece.find(b"</row>", start)
    if start < 0 or end < 0:
        return None
    named = {column_number(letters) - 1 for letters in _CELL_REF.findall(piece, start, end)}
    unused = sorted(named - set(columns))
    if not unused or len(unused) > _UNUSED_LISTED:
        return None
    letters = "|".join(column_letters(i + 1) for i in unused)
    # a cell ends at its first ``</c>``, or at ``/>`` when it has no content
    return rf'(?:<c r="(?:{letters})[0-9]+"(?:[^>]*[^/>])?(?:/>|>(?:[^<]|<[^/]|</[^c])*</c>))+'


def _without(piece: bytes, cells: str) -> bytes:
    """``piece`` without the cells ``cells`` matches (one linear-time regex pass)."""
    text = utf8_series(piece)
    if text is None:
        raise NeedsWholeSheet("not UTF-8")
    kept: bytes = text.str.replace_all(cells, "").cast(pl.Binary)[0]
    return kept


def _after_header(piece: bytes, header: int) -> bytes:
    """The piece from the first row after the (1-based) ``header`` row."""
    end = piece.find(b"</row>", piece.find(f'<row r="{header}"'.encode()))
    if end < 0:
        raise NeedsWholeSheet("the header row has no r attribute")
    return piece[end + len(b"</row>") :]


def _load(
    reader: fastexcel.ExcelReader, index: int, first: int, columns: dict[int, str]
) -> pl.DataFrame:
    """The needed columns of one block, its marker row dropped, with sheet row numbers."""
    loaded = reader.load_sheet(
        index,
        header_row=None,
        use_columns=lambda info: info.absolute_index in columns,
        dtypes="string",
    )
    frame = loaded.to_polars()
    indices = [c.absolute_index for c in loaded.selected_columns]
    frame = frame.rename({old: columns[i] for old, i in zip(frame.columns, indices, strict=True)})
    return frame.slice(1).with_columns(pl.int_range(pl.len(), dtype=pl.Int64).add(first).alias(ROW))
