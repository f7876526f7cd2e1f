"""The real extent of an XLSX worksheet, measured by streaming its XML before it is loaded.

calamine (under fastexcel) allocates one cell slot for every position between the first and
the last cell reference of a sheet. A 1.5 KB workbook whose only data cell sits at
``XFD1048576`` therefore asks for 17 billion slots and the process aborts. ``sheet_extent``
reads the sheet XML once, in chunks, and returns how many cells it holds and the largest row
and column any cell names; ``is_far_beyond_content`` is the rule that refuses such a sheet.

The scan costs little more than one decompression of the sheet. Cells are counted as bytes;
each chunk is searched once (Polars' regex engine, linear time) for a cell reference beyond
the largest row and column seen so far, and only a chunk with such a reference has its
references parsed. In a real report the header row sets the columns and the rows ascend, so
that happens a few times per file. Cells written without a reference, a namespace prefix the
fast path does not expect, or a sheet not in UTF-8 take an exact, slower scan that places
cells the way calamine does.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError, iterparse

import polars as pl

_CHUNK = 4 << 20
#: a piece with a reference outside is halved down to this size before its references are parsed
_PARSED_BYTES = 64 << 10
_CELL_REF = re.compile(rb'<c r="([A-Z]+)([0-9]+)"')
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REF = re.compile(r"^([A-Z]+)([0-9]+)$")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"

#: a sheet may always span this many cell slots, whatever it holds (about 130 MB in calamine)
FLOOR_SLOTS = 4_000_000
#: beyond the floor, slots per cell actually present (a real WB detail has about 2)
SLOTS_PER_CELL = 16


@dataclass(frozen=True)
class Extent:
    cells: int  # cell elements present in the XML
    rows: int  # largest 1-based row number of a cell (0 for an empty sheet)
    columns: int  # largest 1-based column number of a cell

    @property
    def slots(self) -> int:
        return self.rows * self.columns


def is_far_beyond_content(extent: Extent) -> bool:
    """A sheet whose rectangle is far larger than what it holds cannot be a real report."""
    return extent.slots > max(FLOOR_SLOTS, SLOTS_PER_CELL * extent.cells)


def column_number(letters: bytes | str) -> int:
    """``A`` → 1, ``Z`` → 26, ``AA`` → 27."""
    number = 0
    for ch in letters.encode() if isinstance(letters, str) else letters:
        number = number * 26 + ch - 64
    return number


def column_letters(number: int) -> str:
    out = ""
    while number > 0:
        number, rem = divmod(number - 1, 26)
        out = chr(65 + rem) + out
    return out


def beyond(limit: str, alphabet: str) -> str:
    """A regex for the strings over ``alphabet`` that come after ``limit`` in the order
    (length, then characters): the column letters or row digits of a larger reference."""
    low, high = alphabet[0], alphabet[-1]
    parts = [f"[{low}-{high}]{{{len(limit) + 1},}}"]
    for i, ch in enumerate(limit):
        if ch == high:
            continue
        rest = len(limit) - i - 1
        tail = f"[{low}-{high}]{{{rest}}}" if rest else ""
        parts.append(f"{limit[:i]}[{chr(ord(ch) + 1)}-{high}]{tail}")
    return "(?:" + "|".join(parts) + ")"


def below(limit: int) -> str:
    """A regex for the row numbers smaller than ``limit`` (≥ 1): fewer digits, or as many
    with a smaller digit at the first difference."""
    text = str(limit)
    parts = [f"[1-9][0-9]{{0,{len(text) - 2}}}"] if len(text) > 1 else []
    for i, ch in enumerate(text):
        if ch == "0" or (i == 0 and ch == "1"):
            continue
        first = "1" if i == 0 else "0"
        rest = len(text) - i - 1
        tail = f"[0-9]{{{rest}}}" if rest else ""
        parts.append(f"{text[:i]}[{first}-{chr(ord(ch) - 1)}]{tail}")
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


class FastScan:
    """Chunks of a sheet whose cells all start ``<c r="``, in UTF-8, without a prefix.

    ``floor`` (when set) is the lowest row the current chunks may reference: a reference below
    it sets ``below_floor`` (a sheet whose rows go backwards)."""

    def __init__(self) -> None:
        self.cells = 0
        self.rows = 0
        self.columns = 0
        self.exact_needed = False
        self.floor = 0
        self.below_floor = False
        self._pattern = ""
        self._pattern_for = (-1, -1, -1)

    def _outside(self) -> str:
        """References beyond the current rows or columns or below the floor, or a cell without
        a reference."""
        if (self.rows, self.columns, self.floor) != self._pattern_for:
            col = beyond(column_letters(self.columns), _LETTERS) if self.columns else "[A-Z]+"
            row = beyond(str(self.rows), _DIGITS) if self.rows else "[0-9]+"
            low = f'|<c r="[A-Z]+{below(self.floor)}"' if self.floor > 1 else ""
            self._pattern = rf'<c r="(?:{col}[0-9]+|[A-Z]+{row})"{low}|<c(?:>|/>| [^r]| r=[^"])'
            self._pattern_for = (self.rows, self.columns, self.floor)
        return self._pattern

    def feed(self, data: bytes, present: int | None = None) -> None:
        """Measure ``data``; ``present`` counts cells dropped from it before (default: its own)."""
        self.cells += data.count(b'<c r="') if present is None else present
        self._look(data)

    def _look(self, data: bytes) -> None:
        """Search ``data`` for a reference outside; where there is one, halve the piece until
        it is small, so that the references parsed one by one are those of a few rows (the
        header row, a row that widens the sheet), not of the whole chunk."""
        self.rows = max(self.rows, _last_row(data))
        text = utf8_series(data)
        if text is None:
            text = pl.Series([data.decode("utf-8", errors="replace")])
        if not text.str.contains(self._outside())[0]:
            return
        cut = data.rfind(b"<", 0, len(data) // 2) if len(data) > _PARSED_BYTES else -1
        if cut > 0:
            self._look(data[:cut])
            self._look(data[cut:])
            return
        for letters, digits in _CELL_REF.findall(data):
            self.columns = max(self.columns, column_number(letters))
            self.rows = max(self.rows, int(digits))
            if int(digits) < self.floor:
                self.below_floor = True
        if text.str.contains(r"<c(?:>|/>| [^r]| r=[^\"])")[0]:
            self.exact_needed = True

    @property
    def extent(self) -> Extent:
        return Extent(self.cells, self.rows, self.columns)


def utf8_series(data: bytes) -> pl.Series | None:
    """``data`` as a one-string Series (validated by Polars, without a Python ``str``), or
    ``None`` when it is not UTF-8."""
    try:
        return pl.Series([data], dtype=pl.Binary).cast(pl.String)
    except pl.exceptions.ComputeError:
        return None


def _last_row(data: bytes) -> int:
    """The number of the chunk's last row element. Only a hint (every cell is still checked
    against it) that spares parsing the references of rows that ascend."""
    at = data.rfind(b'<row r="')
    if at < 0:
        return 0
    start = at + len(b'<row r="')
    end = data.find(b'"', start, start + 9)
    number = data[start:end]
    return int(number) if end > 0 and number.isdigit() else 0


def sheet_extent(zf: zipfile.ZipFile, sheet: str) -> Extent:
    """Stream the worksheet ``sheet`` of an open package and measure it."""
    scan = FastScan()
    tail = b""
    first = True
    with zf.open(sheet) as fh:
        while not scan.exact_needed:
            chunk = fh.read(_CHUNK)
            if first:
                first = False
                if b"\x00" in chunk[:1024] or re.search(rb"<\w+:sheetData\b", chunk):
                    scan.exact_needed = True  # UTF-16, or elements with a namespace prefix
                    break
            data = tail + chunk
            if not chunk:
                scan.feed(data)
                break
            cut = data.rfind(b"<")
            data, tail = data[:cut], data[cut:]
            scan.feed(data)
    if scan.exact_needed:
        return _placed_extent(zf, sheet)
    return Extent(scan.cells, scan.rows, scan.columns)


def _placed_extent(zf: zipfile.ZipFile, sheet: str) -> Extent:
    """Exact extent, any spelling: a cell without a reference follows the previous cell of
    its row, a row without a number follows the previous row."""
    cells = rows = columns = 0
    row = col = 0
    try:
        with zf.open(sheet) as fh:
            for event, elem in iterparse(fh, events=("start", "end")):
                if event == "start" and elem.tag == f"{_NS}row":
                    number = elem.get("r")
                    row = int(number) if number and number.isdigit() else row + 1
                    col = 0
                elif event == "end" and elem.tag == f"{_NS}c":
                    cells += 1
                    match = _REF.match(elem.get("r") or "")
                    if match:
                        col = column_number(match.group(1))
                        rows = max(rows, int(match.group(2)))
                    else:
                        col += 1
                        rows = max(rows, row)
                    columns = max(columns, col)
                    elem.clear()
                elif event == "end" and elem.tag == f"{_NS}row":
                    elem.clear()
    except ParseError:
        pass  # a broken sheet is reported by the loader; the extent so far still counts
    return Extent(cells, rows, columns)
