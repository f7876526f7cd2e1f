"""Two exports of one week given together (issue 17): the rows are counted once, and the files
table says which file's rows were already in which other file — never silently."""

from __future__ import annotations

from pathlib import Path

from tests.cli import run

WB = Path(__file__).resolve().parent / "wb" / "fixtures"


def test_the_copy_is_named_with_the_file_it_copies(cli_env: Path) -> None:
    data = run("audit", str(WB / "detail_2025.xlsx"), str(WB / "detail_2025_copy.csv"),
               str(WB / "detail_week2.csv"), "--json").json()  # fmt: skip
    first, copy, week2 = data["files"]
    assert (first["copy_of"], first["problem"]) == (None, None)
    assert copy["copy_of"] == "detail_2025.xlsx" and copy["problem_code"] == "report_copy_of"
    assert copy["problem"] == (
        "Строки файла detail_2025_copy.csv уже есть в файле detail_2025.xlsx: они учтены один раз."
    )
    assert week2["copy_of"] is None  # another week: its own rows
    by_kind = data["summary"]["by_kind"]
    assert (by_kind["duplicate_logistics"]["count"], by_kind["penalty"]["count"]) == (4, 2)
    human = run("audit", str(WB / "detail_2025.xlsx"), str(WB / "detail_2025_copy.csv"))
    assert "учтены" in human.stdout  # the problem column (wrapped by the table, never cut)
