"""The XLSX block reader (issue 17, memory): a sheet read in runs of rows gives exactly what
one whole-sheet load gives — values and sheet row numbers — however the blocks fall, and a
sheet it cannot take (rows out of order, cells without references) is read the whole way."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from mpdesk.adapters.importers import xlsx, xlsx_blocks
from mpdesk.adapters.importers.values import ROW
from tests.hostile.workbooks import detail_rows, text_cell, write_workbook

#: a few columns of the detail header (0-based absolute index → name)
COLUMNS = {1: "supply", 4: "operation", 12: "srid"}


def both(path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    blocks = xlsx.load_columns(path, 0, COLUMNS).sort(ROW)
    whole = xlsx._load_whole(path, 0, COLUMNS)
    whole = whole.filter(~pl.all_horizontal(pl.col(list(COLUMNS.values())).is_null()))
    blocks = blocks.filter(~pl.all_horizontal(pl.col(list(COLUMNS.values())).is_null()))
    return blocks.select(whole.columns), whole


@pytest.mark.parametrize("slots", [50, 400, 3_000_000])
def test_blocks_give_what_the_whole_sheet_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slots: int
) -> None:
    monkeypatch.setattr(xlsx_blocks, "BLOCK_SLOTS", slots)
    monkeypatch.setattr(xlsx_blocks, "_CHUNK", 4096)  # many pieces, blocks of a few rows
    rows = detail_rows(300) + detail_rows(5, start=1000) + ['<row r="1010"/>']
    book = write_workbook(tmp_path / "week.xlsx", rows)
    blocks, whole = both(book)
    assert blocks.height == 305
    assert blocks.to_dicts() == whole.to_dicts()
    assert blocks.get_column(ROW).to_list()[-1] == 1004


def test_rows_out_of_order_are_read_the_whole_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_blocks, "_CHUNK", 2048)
    monkeypatch.setattr(xlsx_blocks, "BLOCK_SLOTS", 50)  # a block of a few rows each
    rows = detail_rows(60, start=100) + detail_rows(3, start=10)  # row 10 after row 159
    book = write_workbook(tmp_path / "odd.xlsx", rows)
    with pytest.raises(xlsx_blocks.NeedsWholeSheet):
        xlsx_blocks.read_blocks(book, "xl/worksheets/sheet1.xml", 0, COLUMNS, lambda e: None)
    blocks, whole = both(book)
    assert blocks.height == 63 and blocks.to_dicts() == whole.to_dicts()


def test_cells_without_references_are_read_the_whole_way(tmp_path: Path) -> None:
    cells = "".join(text_cell(None, v) for v in ("1", "24567891", "4600000000017", "Продажа",
                                                 "Логистика"))  # fmt: skip
    book = write_workbook(tmp_path / "plain.xlsx", [f'<row r="2">{cells}</row>'])
    blocks, whole = both(book)
    assert (
        blocks.to_dicts()
        == whole.to_dicts()
        == [{"supply": "24567891", "operation": "Логистика", "srid": None, ROW: 2}]
    )


def test_cells_of_columns_not_read_are_dropped_however_written(tmp_path: Path) -> None:
    # empty styled cells, a formula, rich text with empty elements: the columns read keep
    # exactly their values whichever way their neighbours are spelled
    rows = []
    for n in range(2, 40):
        rich = '<is><r><rPr><b/><sz val="9"/></rPr><t>a &lt;/c&gt; b</t></r></is>'
        srid = f'<c r="M{n}" s="1"/>' if n % 3 else text_cell(f"M{n}", f"srid{n}")
        cells = [
            f'<c r="A{n}" s="2"/>',
            text_cell(f"B{n}", f"{24567891 + n}"),
            f'<c r="C{n}"><f>SUM(1,2)</f><v>3</v></c>',
            f'<c r="D{n}" t="inlineStr">{rich}</c>',
            text_cell(f"E{n}", "Логистика" if n % 2 else "Продажа"),
            f'<c r="F{n}" s="4" />',
            f'<c r="G{n}" t="b"><v>1</v></c>',
            srid,
            f'<c r="N{n}"><v>{n}.5</v></c>',  # a column beyond the header is read as before
        ]
        rows.append(f'<row r="{n}">{"".join(cells)}</row>')
    book = write_workbook(tmp_path / "styled.xlsx", rows)
    blocks, whole = both(book)
    assert blocks.height == 38
    assert blocks.to_dicts() == whole.to_dicts()
    assert blocks.rows(named=True)[4:6] == [
        {"supply": "24567897", "operation": "Продажа", "srid": "srid6", ROW: 6},
        {"supply": "24567898", "operation": "Логистика", "srid": None, ROW: 7},
    ]
