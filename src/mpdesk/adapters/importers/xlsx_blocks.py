"""An XLSX sheet read in blocks of rows, so that memory follows the block, not the sheet.

calamine (under fastexcel) builds the whole sheet as a dense grid before returning anything:
about 1.2 GB for a 300,000-row × 69-column WB detail. Here the sheet XML is streamed once; each
run of rows up to ``BLOCK_SLOTS`` grid cells is written, as it is, into a small workbook of its
own (stored uncompressed in a temporary file, with the original shared strings and styles) and
loaded by fastexcel with only the needed columns. The same pass measures the sheet's extent
(``sheet_extent.FastScan``); a sheet far larger than its content is still refused, by the
caller, with ``SheetTooSparseError``.

Row numbers: every block starts with a marker row just above its first row (one inline-string
cell in the first needed column), so the block's grid starts at a known row. The fast path
needs what Excel, LibreOffice and the marketplaces write — cells with ``r`` references in UTF-8
without a namespace prefix, rows in ascending order; anything else raises ``NeedsWholeSheet``
and the caller reads the sheet the old way (an exact extent scan, then one fastexcel load).
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import fromstring

import fastexcel
import polars as pl

from mpdesk.adapters.importers.sheet_extent import Extent, FastScan, below, column_letters
from mpdesk.adapters.importers.values import ROW

#: cells of the dense grid one block may span (calamine takes about 50 bytes per cell)
BLOCK_SLOTS = 3_000_000
_CHUNK = 8 << 20
_NS_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
_FIRST_REF = re.compile(rb'<c r="[A-Z]+([0-9]+)"')
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.'
        'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
        '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" '
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
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="block" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
        'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="'
        'worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    ),
}
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


@dataclass
class _Block:
    first: int = 0  # the first row of the block (1-based)
    pieces: list[bytes] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.pieces


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


def read_blocks(
    path: Path, sheet: str, header_row: int, columns: dict[int, str]
) -> tuple[pl.DataFrame, Extent]:
    """The rows below ``header_row`` (0-based), the ``columns`` (absolute index → name) only,
    every value as text, with ``ROW`` (1-based sheet row); and the sheet's extent."""
    scan = FastScan()
    frames: list[pl.DataFrame] = []
    marker = column_letters(min(columns) + 1)
    started = False
    with tempfile.TemporaryDirectory(prefix="mpdesk-xlsx-") as tmp, zipfile.ZipFile(path) as zf:
        styles = _parts_of(zf, "styles") or _EMPTY_STYLES
        strings = _parts_of(zf, "sharedStrings") or _EMPTY_STRINGS
        book = Path(tmp) / "block.xlsx"
        block = _Block()
        prolog = b""
        with zf.open(sheet) as fh:
            for prolog, piece in _pieces(fh):
                scan.floor = block.first if started else 0
                scan.feed(piece)
                if scan.exact_needed or scan.below_floor:
                    raise NeedsWholeSheet("a cell without a reference, or rows out of order")
                first = _first_row(piece)
                if first is None:
                    continue
                opens = not block.pieces
                if not started:  # the title and header rows are not data
                    started = True
                    block.first = header_row + 2
                    piece = _after_header(piece, header_row + 1) if first <= block.first else piece
                elif block.pieces and (scan.rows - block.first + 1) * scan.columns > BLOCK_SLOTS:
                    frames.append(_load(book, prolog, block, marker, columns, styles, strings))
                    block = _Block(first=first)
                    opens = True
                if opens and _has_row_below(piece, block.first):  # later pieces: the floor
                    raise NeedsWholeSheet("rows out of order")
                if (scan.rows - block.first + 1) * scan.columns > 4 * BLOCK_SLOTS:
                    raise NeedsWholeSheet("one run of rows spans too many cells")
                block.pieces.append(piece)
            if block.pieces:
                frames.append(_load(book, prolog, block, marker, columns, styles, strings))
    names = list(dict.fromkeys(columns.values()))
    if not frames:
        return pl.DataFrame(schema={**dict.fromkeys(names, pl.String), ROW: pl.Int64}), scan.extent
    return pl.concat(frames, how="diagonal_relaxed"), scan.extent


def _after_header(piece: bytes, header: int) -> bytes:
    """The piece from the first row after the (1-based) ``header`` row."""
    end = piece.find(b"</row>", piece.find(f'<row r="{header}"'.encode()))
    if end < 0:
        raise NeedsWholeSheet("the header row has no r attribute")
    return piece[end + len(b"</row>") :]


def _load(
    book: Path,
    prolog: bytes,
    block: _Block,
    marker: str,
    columns: dict[int, str],
    styles: bytes,
    strings: bytes,
) -> pl.DataFrame:
    """Write the block as its own workbook and load the needed columns of it."""
    top = block.first - 1
    row = f'<row r="{top}"><c r="{marker}{top}" t="inlineStr"><is><t>.</t></is></c></row>'
    with zipfile.ZipFile(book, "w", zipfile.ZIP_STORED) as out:
        for name, text in _PARTS.items():
            out.writestr(name, text)
        out.writestr("xl/styles.xml", styles)
        out.writestr("xl/sharedStrings.xml", strings)
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(prolog)
            sheet.write(row.encode())
            for piece in block.pieces:
                sheet.write(piece)
            sheet.write(b"</sheetData></worksheet>")
    block.pieces.clear()
    loaded = fastexcel.read_excel(str(book)).load_sheet(
        0,
        header_row=None,
        use_columns=lambda info: info.absolute_index in columns,
        dtypes="string",
    )
    frame = loaded.to_polars()
    indices = [c.absolute_index for c in loaded.selected_columns]
    frame = frame.rename({old: columns[i] for old, i in zip(frame.columns, indices, strict=True)})
    frame = frame.slice(1).with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).add(block.first).alias(ROW)
    )
    return frame
