"""The fast extent scan (``FastScan``: one regex search per piece, references parsed only in the
small pieces that hold one outside the extent so far) measures every sheet exactly as the
element-by-element scan does, however the chunks are cut; a cell spelled another way than
``<c r="…"`` sends the sheet to the exact scan instead of being misread."""

from __future__ import annotations

import zipfile
from pathlib import Path
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from mpdesk.adapters.importers import sheet_extent
from mpdesk.adapters.importers.sheet_extent import Extent, FastScan, _placed_extent
from tests.hostile.workbooks import letters, text_cell, write_workbook

SHEET = "xl/worksheets/sheet1.xml"

cells = st.lists(
    st.tuples(st.integers(1, 16_384), st.integers(1, 2_000_000), st.sampled_from(["s", "n", "t"])),
    min_size=1,
    max_size=300,
)


def cell(column: int, row: int, kind: str) -> str:
    ref = f"{letters(column)}{row}"
    if kind == "s":
        return f'<c r="{ref}" t="s"><v>3</v></c>'
    if kind == "n":
        return f'<c r="{ref}"><v>{row}.5</v></c>'
    return text_cell(ref, "Продажа <с> «товар»")


def both(path: Path, chunk: int) -> tuple[Extent, Extent, bool]:
    """(fast extent, exact extent, whether the fast scan gave up) with ``chunk``-byte reads."""
    with zipfile.ZipFile(path) as zf:
        scan = FastScan()
        data = zf.read(SHEET)
        start = 0
        while start < len(data):  # cut before a tag, as the readers do
            end = data.rfind(b"<", start + 1, start + chunk) if start + chunk < len(data) else -1
            end = len(data) if end < 0 else end
            scan.feed(data[start:end])
            start = end
        exact = _placed_extent(zf, SHEET)
        whole = sheet_extent.sheet_extent(zf, SHEET)
    assert whole == exact
    return scan.extent, exact, scan.exact_needed


@settings(max_examples=60, deadline=None)
@given(cells, st.integers(64, 1 << 16), st.sampled_from([128, 1024, 64 << 10]))
def test_fast_scan_measures_what_the_exact_scan_measures(
    tmp_path_factory: object, generated: list[tuple[int, int, str]], chunk: int, parsed: int
) -> None:
    tmp = tmp_path_factory.mktemp("scan")  # type: ignore[attr-defined]
    by_row: dict[int, list[str]] = {}
    for column, row, kind in sorted(set(generated), key=lambda c: (c[1], c[0])):
        by_row.setdefault(row, []).append(cell(column, row, kind))
    rows = [f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(by_row.items())]
    book = write_workbook(tmp / "sheet.xlsx", rows)
    with patch.object(sheet_extent, "_PARSED_BYTES", parsed):  # pieces halved that small
        fast, exact, gave_up = both(book, chunk)
    assert not gave_up
    assert fast.rows == exact.rows and fast.columns == exact.columns
    assert fast.cells == exact.cells


def test_a_cell_spelled_otherwise_takes_the_exact_scan(tmp_path: Path) -> None:
    for odd in ('<c t="s" r="B7"><v>1</v></c>', "<c><v>1</v></c>", "<c/>", "<c r='B7'/>"):
        book = write_workbook(tmp_path / "odd.xlsx", [f'<row r="7">{odd}</row>'])
        _fast, _exact, gave_up = both(book, 4096)
        assert gave_up, odd


def test_rows_below_the_floor_are_seen(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "back.xlsx", ['<row r="40"><c r="A40"/></row>',
                                                   '<row r="9"><c r="C9"/></row>'])  # fmt: skip
    with zipfile.ZipFile(book) as zf:
        data = zf.read(SHEET)
    at = data.index(b'<row r="40"')
    scan = FastScan()
    scan.feed(data[:at])
    scan.floor = 40
    scan.feed(data[at:])
    assert scan.below_floor and scan.extent.rows == 40
