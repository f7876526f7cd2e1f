"""Old Excel ``.xls`` and OpenDocument ``.ods`` reports (issue 17), built by the tests from the
published column layouts with the same rows as the XLSX fixtures: the same files table and the
same findings; the format is told by content, also inside a ZIP; a broken one is named."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from odf.opendocument import OpenDocumentText
from odf.text import P
from tests.cli import run
from tests.importers.make_fixtures import WB_DETAIL_2025, WEEK_2025, numbered
from tests.importers.old_books import write_ods, write_xls
from tests.importers.ozon.test_accruals import V1, v1_rows

from mpdesk.adapters.importers.isolated import IsolatedReportReader
from mpdesk.adapters.importers.reader import FileReportReader
from mpdesk.adapters.importers.workbook import ODS_MIMETYPE
from mpdesk.domain.audit.findings import Finding, FindingKind
from mpdesk.domain.audit.report import ReportBatch
from mpdesk.domain.audit.run import run_audit, summarize

WB = Path(__file__).resolve().parent / "wb" / "fixtures"
WRITERS: dict[str, Callable[..., int]] = {"xls": write_xls, "ods": write_ods}
FORMATS = pytest.mark.parametrize("fmt", ["xls", "ods"])


def table(batch: ReportBatch) -> list[tuple[str, str | None, str | None, int, str | None]]:
    return [
        (f.name, f.format, f.kind.value if f.kind else None, f.rows,
         f.problem.code if f.problem else None)
        for f in batch.files
    ]  # fmt: skip


def described(findings: list[Finding]) -> list[tuple[Any, ...]]:
    """What a finding says, without the file it came from."""
    return sorted(
        (f.kind.value, sorted(f.keys.items()), f.amount, f.currency,
         [e.ref.row for e in f.evidence], str(f.event_date))
        for f in findings
    )  # fmt: skip


def detail(path: Path, fmt: str, title: str | None = None) -> Path:
    WRITERS[fmt](path, WB_DETAIL_2025, numbered(WB_DETAIL_2025, WEEK_2025), title=title)
    return path


@FORMATS
def test_the_weekly_detail_gives_the_files_table_and_findings_of_the_xlsx(
    tmp_path: Path, fmt: str
) -> None:
    book = detail(tmp_path / f"detail.{fmt}", fmt)
    batch = FileReportReader().read([book])
    assert table(batch) == [(f"detail.{fmt}", fmt, "wb_realization_detail", 23, None)]
    findings = run_audit(batch.data)
    by_kind = {k.value: (t.count, str(t.amount)) for k, t in summarize(findings)[0].items()}
    assert by_kind == {"duplicate_logistics": (3, "285.00"), "penalty": (2, "800.00")}
    dups = {f.keys["srid"][:2]: f for f in findings if f.kind is FindingKind.DUPLICATE_LOGISTICS}
    assert [e.ref.row for e in dups["b2"].evidence] == [4, 5]
    assert (dups["c3"].details["charges"], dups["c3"].amount) == (3, Decimal("145.00"))
    xlsx = run_audit(FileReportReader().read([WB / "detail_2025.xlsx"]).data)
    assert described(findings) == described(xlsx)


@FORMATS
def test_a_title_row_above_the_header_keeps_the_sheet_row_numbers(tmp_path: Path, fmt: str) -> None:
    book = detail(tmp_path / f"titled.{fmt}", fmt, title="Детализация № 412345678")
    findings = run_audit(FileReportReader().read([book]).data)
    rows = {f.keys["srid"][:2]: [e.ref.row for e in f.evidence] for f in findings if f.keys["srid"]}
    assert rows["b2"] == [5, 6] and rows["g7"] == [21]


@FORMATS
def test_the_ozon_accruals_report(tmp_path: Path, fmt: str) -> None:
    book = tmp_path / f"Начисления.{fmt}"
    WRITERS[fmt](book, V1, v1_rows())
    batch = FileReportReader().read([book])
    assert table(batch) == [(f"Начисления.{fmt}", fmt, "ozon_transactions", 4, None)]
    found = sorted((f.details["operation_type"], f.amount) for f in run_audit(batch.data))
    assert found == [
        ("OperationDefectiveWriteOff", Decimal("320.50")),
        ("OperationLackWriteOff", Decimal("1450.00")),
    ]


def test_the_format_comes_from_the_content_not_the_name(tmp_path: Path) -> None:
    xls = detail(tmp_path / "report.xlsx", "xls")
    ods = tmp_path / "accruals.csv"
    write_ods(ods, V1, v1_rows())
    text = OpenDocumentText()
    text.text.addElement(P(text="Детализация № 412345678"))
    text.save(str(tmp_path / "letter.ods"))
    batch = FileReportReader().read([xls, ods, tmp_path / "letter.ods"])
    assert table(batch) == [
        ("report.xlsx", "xls", "wb_realization_detail", 23, None),
        ("accruals.csv", "ods", "ozon_transactions", 4, None),
        ("letter.ods", None, None, 0, "report_not_table"),
    ]
    problem = batch.files[2].problem
    assert problem is not None
    assert problem.fields["media_type"] == "application/vnd.oasis.opendocument.text"


def test_xls_and_ods_inside_a_zip(tmp_path: Path) -> None:
    xls = detail(tmp_path / "d.xls", "xls")
    ods = tmp_path / "o.ods"
    write_ods(ods, V1, v1_rows())
    bundle = tmp_path / "отчёты.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(xls, "wb/Детализация.xls")
        zf.write(ods, "ozon/Начисления.ods")
    batch = FileReportReader().read([bundle])
    assert table(batch) == [
        ("отчёты.zip → wb/Детализация.xls", "xls", "wb_realization_detail", 23, None),
        ("отчёты.zip → ozon/Начисления.ods", "ods", "ozon_transactions", 4, None),
    ]
    assert len(run_audit(batch.data)) == 5 + 2


def broken_books(folder: Path) -> dict[str, Path]:
    """An .xls cut in half, an OLE2 file with nothing inside, an .ods whose sheet XML is cut."""
    good_xls = detail(folder / "good.xls", "xls").read_bytes()
    cut = folder / "cut.xls"
    cut.write_bytes(good_xls[: len(good_xls) // 2])
    empty = folder / "empty.xls"
    empty.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1016))
    good_ods = detail(folder / "good.ods", "ods")
    broken = folder / "broken.ods"
    with zipfile.ZipFile(good_ods) as src, zipfile.ZipFile(broken, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            out.writestr(info, data[: len(data) // 2] if info.filename == "content.xml" else data)
    return {"cut.xls": cut, "empty.xls": empty, "broken.ods": broken}


def test_a_broken_xls_or_ods_is_named_and_the_others_audited(tmp_path: Path) -> None:
    books = broken_books(tmp_path)
    ods = tmp_path / "o.ods"
    write_ods(ods, V1, v1_rows())
    batch = FileReportReader().read([*books.values(), ods])
    assert table(batch) == [
        ("cut.xls", "xls", None, 0, "report_broken_xls"),
        ("empty.xls", "xls", None, 0, "report_broken_xls"),
        ("broken.ods", "ods", None, 0, "report_broken_ods"),
        ("o.ods", "ods", "ozon_transactions", 4, None),
    ]
    assert [f.problem.fields for f in batch.files[:3] if f.problem] == [
        {"file": "cut.xls"}, {"file": "empty.xls"}, {"file": "broken.ods"}]  # fmt: skip
    assert len(run_audit(batch.data)) == 2


def test_cli_a_broken_xls_alone_exits_2_in_russian_and_saves_nothing(
    cli_env: Path, tmp_path: Path
) -> None:
    books = broken_books(tmp_path)
    result = run("audit", str(books["cut.xls"]), str(books["broken.ods"]), "--save", "--json")
    assert result.code == 2 and "Traceback" not in result.stderr
    assert "Ни один файл" in result.stderr
    problems = [f["problem"] for f in result.json()["files"]]
    assert "cut.xls" in problems[0] and "Excel 97–2003" in problems[0]
    assert "broken.ods" in problems[1] and "OpenDocument" in problems[1]
    human = run("audit", str(books["empty.xls"]))
    assert human.code == 2 and "empty.xls" in human.stdout + human.stderr
    assert run("findings", "--json").json() == []


def test_an_ods_repeating_one_cell_over_the_whole_sheet_is_refused(tmp_path: Path) -> None:
    """1,048,576 rows × 16,384 columns of one repeated cell in 700 bytes: refused by name in a
    reader process limited to 1 GB, and the other file is still audited."""
    table_xml = (
        '<table:table table:name="S"><table:table-row table:number-rows-repeated="1048576">'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row></table:table>"
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:'
        'names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:'
        'xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        f'office:version="1.2"><office:body><office:spreadsheet>{table_xml}</office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    bomb = tmp_path / "bomb.ods"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content)
    ods = tmp_path / "o.ods"
    write_ods(ods, V1, v1_rows())
    batch = IsolatedReportReader(1024).read([bomb, ods])
    named = [
        (f.name, f.usable, f.problem.fields["file"] if f.problem else None) for f in batch.files
    ]
    assert named == [("bomb.ods", False, "bomb.ods"), ("o.ods", True, None)]
    assert len(run_audit(batch.data)) == 2
