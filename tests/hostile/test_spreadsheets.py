"""Hostile spreadsheets: a sheet whose cells span far more than it holds is refused by name
before it is loaded, and a file that still needs more memory than the audit may use is
refused by the reading process without taking the caller (web worker, CLI) down."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mpdesk.adapters.importers.isolated import IsolatedReportReader
from mpdesk.adapters.importers.sheet_extent import beyond
from mpdesk.domain.audit.report import ReportKind
from tests.cli import run
from tests.hostile.workbooks import (
    detail_rows,
    far_cell_workbook,
    letters,
    text_cell,
    write_workbook,
)

GOOD_CSV = Path(__file__).resolve().parents[1] / "importers" / "wb" / "fixtures" / "detail_2023.csv"
#: well above what reading a small report takes, far below what the hostile sheets ask for
LIMIT_MB = 1024


def problems(*paths: Path) -> list[tuple[str, str | None]]:
    batch = IsolatedReportReader(LIMIT_MB).read(list(paths))
    return [(f.name, f.problem.code if f.problem else None) for f in batch.files]


@pytest.mark.parametrize(
    "ref",
    [
        "XFD1048576",  # the last cell of the sheet: 512 GiB of slots
        "CV1048576",  # column CV on the last row: 3.4 GB for 13.7 s before the fix
        "A1048576",  # 13.6 million slots (the header's 13 columns) for 14 cells
    ],
)
def test_a_cell_far_beyond_the_content_is_refused_before_loading(tmp_path: Path, ref: str) -> None:
    book = far_cell_workbook(tmp_path / "Отчёт.xlsx", ref)
    assert book.stat().st_size < 2048
    assert problems(book, GOOD_CSV) == [
        ("Отчёт.xlsx", "report_sheet_too_sparse"),
        ("detail_2023.csv", None),
    ]


def test_the_refusal_names_the_file_and_the_extent(tmp_path: Path) -> None:
    book = far_cell_workbook(tmp_path / "week.xlsx", "XFD1048576")
    (report,) = IsolatedReportReader(LIMIT_MB).read([book]).files
    assert report.problem is not None
    assert report.problem.fields == {
        "file": "week.xlsx",
        "rows": 1048576,
        "columns": 16384,
        "cells": 14,  # the header and the far cell
    }


def test_references_out_of_order_are_still_found(tmp_path: Path) -> None:
    # the far cell sits in the header's row, before the ordinary rows
    far = text_cell("ZZ900000", "x")
    book = write_workbook(tmp_path / "o.xlsx", [f'<row r="2">{far}</row>', *detail_rows(3, 3)])
    assert problems(book) == [("o.xlsx", "report_sheet_too_sparse")]


def test_cells_without_references_are_placed_like_the_loader_places_them(tmp_path: Path) -> None:
    wide = "".join(text_cell(None, "x") for _ in range(40))  # columns 1..40 of row 1000000
    book = write_workbook(tmp_path / "n.xlsx", [f'<row r="1000000">{wide}</row>'])
    assert problems(book) == [("n.xlsx", "report_sheet_too_sparse")]


def test_a_namespace_prefix_does_not_hide_the_extent(tmp_path: Path) -> None:
    cell = '<x:c r="XFD1048576" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c>'
    far = f'<x:row r="1048576">{cell}</x:row>'
    book = write_workbook(tmp_path / "p.xlsx", [far], prefix="x")
    assert problems(book) == [("p.xlsx", "report_sheet_too_sparse")]


def test_an_ordinary_detail_with_blank_rows_is_read(tmp_path: Path) -> None:
    # a gap of blank lines: 300,000 rows × 13 columns is still under the floor of slots
    rows = detail_rows(500) + detail_rows(500, start=299_500)
    book = write_workbook(tmp_path / "ok.xlsx", rows)
    batch = IsolatedReportReader(LIMIT_MB).read([book])
    (report,) = batch.files
    assert (report.kind, report.rows, report.problem) == (
        ReportKind.WB_REALIZATION_DETAIL,
        1000,
        None,
    )


@pytest.mark.slow
def test_a_file_that_exhausts_the_memory_limit_is_refused_and_the_others_read(
    tmp_path: Path,
) -> None:
    # within the extent rule and compressed less than a zip bomb, but seven cells of 64 MB
    # each: the loader keeps every string, far past the 800 MB the test allows
    block = "".join(random.Random(5).choices("абвгдежзиклмнопрстуфхцчшщэюя", k=4096))
    huge = block * (8 * 1024)
    rows = (f'<row r="{n}">{text_cell(f"{letters(14)}{n}", huge)}</row>' for n in range(2, 9))
    hog = write_workbook(tmp_path / "hog.xlsx", rows)
    batch = IsolatedReportReader(800).read([GOOD_CSV, hog])
    assert [(f.name, f.problem.code if f.problem else None) for f in batch.files] == [
        ("detail_2023.csv", None),
        ("hog.xlsx", "report_out_of_memory"),
    ]
    assert batch.files[1].sha256 and batch.files[1].size == hog.stat().st_size


def test_cli_refuses_the_file_in_russian_and_exits_2(cli_env: Path, tmp_path: Path) -> None:
    book = far_cell_workbook(tmp_path / "Отчёт.xlsx", "XFD1048576")
    result = run("audit", str(book), "--json")
    assert result.code == 2
    (file,) = result.json()["files"]
    assert file["problem"].startswith(
        "Файл Отчёт.xlsx не принят: лист размечен на 1048576 строк и 16384 столбцов, "
        "а заполнено всего 14 ячеек"
    )
    assert "Ни один файл" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert str(tmp_path) not in result.stderr + file["problem"]


@given(
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=4),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=4),
)
def test_beyond_matches_exactly_the_later_column_letters(limit: str, other: str) -> None:
    import re

    later = (len(other), other) > (len(limit), limit)
    assert bool(re.fullmatch(beyond(limit, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), other)) is later


@given(st.integers(1, 10**8), st.integers(0, 10**9))
def test_beyond_matches_exactly_the_larger_row_numbers(limit: int, other: int) -> None:
    import re

    assert bool(re.fullmatch(beyond(str(limit), "0123456789"), str(other))) is (other > limit)
