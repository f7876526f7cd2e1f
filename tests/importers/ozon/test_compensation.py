"""Ozon compensation and decompensation reports: recognised by content, read, audited without
counting the money the finance transactions already carry."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from tests.importers.ozon.compensation_files import (
    COMPENSATIONS,
    HEADER,
    compensation_bytes,
    decompensation_bytes,
    rows,
)

from mpdesk.adapters.importers.reader import FileReportReader
from mpdesk.domain.audit.findings import FindingKind
from mpdesk.domain.audit.report import ReportKind
from mpdesk.domain.audit.run import run_audit

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from gen_reports import write_csv, write_xlsx


def test_a_compensation_report_gives_the_reductions_only(tmp_path: Path) -> None:
    report = tmp_path / "whatever.bin"
    report.write_bytes(compensation_bytes(tmp_path))
    batch = FileReportReader().read([report])
    (file,) = batch.files
    assert (file.kind, file.format, file.rows, file.problem) == (
        ReportKind.OZON_COMPENSATION, "xlsx", 3, None)  # fmt: skip
    found = run_audit(batch.data)
    assert [(f.kind, f.keys["sku"], f.amount) for f in found] == [
        (FindingKind.OZON_COMPENSATION_REDUCED, "6605735423", Decimal("640.00")),
        (FindingKind.OZON_COMPENSATION_REDUCED, "1100526203", Decimal("315.50")),
    ]
    lamp = found[0]
    assert lamp.keys == {"report": "77", "sku": "6605735423", "row_id": "4"}
    assert (lamp.details["paid"], lamp.details["value_total"]) == ("640.00", "1280.00")
    assert lamp.event_date == date(2026, 11, 5) and lamp.group == "77"
    assert [(e.ref.file, e.ref.row, e.role) for e in lamp.evidence] == [
        ("whatever.bin", 4, "compensation")]  # fmt: skip
    assert lamp.evidence[0].ref.sha256 == file.sha256


def test_a_decompensation_report_is_told_apart_by_its_title(tmp_path: Path) -> None:
    report = tmp_path / "report.xlsx"
    report.write_bytes(decompensation_bytes(tmp_path))
    batch = FileReportReader().read([report])
    assert batch.files[0].kind is ReportKind.OZON_DECOMPENSATION
    (taken,) = run_audit(batch.data)
    assert (taken.kind, taken.amount, taken.keys["sku"]) == (
        FindingKind.OZON_DECOMPENSATION, Decimal("1450.00"), "1100526204")  # fmt: skip
    assert taken.details["compensation_type"] == "Товар найден на складе"
    assert [(e.ref.row, e.role) for e in taken.evidence] == [(3, "decompensation")]


def test_without_a_title_the_header_and_file_stand_for_the_report(tmp_path: Path) -> None:
    """No title row: a compensation report, keyed by the file; a CSV reads the same."""
    table = tmp_path / "comp.csv"
    write_csv(table, HEADER, rows(COMPENSATIONS), encoding="cp1251")
    batch = FileReportReader().read([table])
    assert (batch.files[0].kind, batch.files[0].format) == (ReportKind.OZON_COMPENSATION, "csv")
    found = run_audit(batch.data)
    assert {f.keys["report"] for f in found} == {f"file:{batch.files[0].sha256[:12]}"}
    assert [f.evidence[0].ref.row for f in found] == [3, 4]  # header on line 1


def test_a_header_saying_withheld_makes_a_decompensation(tmp_path: Path) -> None:
    header = [*HEADER[:-1], "Итого к удержанию, RUB"]
    book = tmp_path / "d.xlsx"
    write_xlsx(book, header, rows(COMPENSATIONS[:1]))
    batch = FileReportReader().read([book])
    assert batch.files[0].kind is ReportKind.OZON_DECOMPENSATION
    assert [f.kind for f in run_audit(batch.data)] == [FindingKind.OZON_DECOMPENSATION]


def test_a_bad_amount_names_its_line_and_column(tmp_path: Path) -> None:
    broken = [list(r) for r in rows(COMPENSATIONS)]
    broken[1][-1] = "шестьсот"
    book = tmp_path / "b.xlsx"
    write_xlsx(book, HEADER, broken, title="Отчет о компенсациях № 9 от 05.12.2026")
    (file,) = FileReportReader().read([book]).files
    assert file.problem is not None and file.problem.code == "report_bad_value"
    assert (file.problem.fields["row"], file.problem.fields["column"]) == (4, "Итого к начислению")


def test_missing_amount_column_is_named(tmp_path: Path) -> None:
    header = HEADER[:-1]
    book = tmp_path / "m.xlsx"
    write_xlsx(book, header, [r[:-1] for r in rows(COMPENSATIONS)])
    (file,) = FileReportReader().read([book]).files
    assert file.usable is False and file.problem is not None
    assert file.problem.code == "report_missing_columns"
    assert file.problem.fields["columns"] == "«Итого к начислению»"
