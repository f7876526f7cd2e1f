"""Golden report files → exact findings. Every format, both WB report versions, the traps,
and the files that cannot be used (each with its reason)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from mpdesk.adapters.importers.reader import FileReportReader
from mpdesk.domain.audit.findings import Finding, FindingKind
from mpdesk.domain.audit.report import ReportBatch, ReportKind
from mpdesk.domain.audit.run import run_audit, summarize

HERE = Path(__file__).resolve().parent
WB = HERE / "wb" / "fixtures"
OZON = HERE / "ozon" / "fixtures"
BROKEN = WB / "broken"

DUP, FINE = FindingKind.DUPLICATE_LOGISTICS, FindingKind.PENALTY
SHORT, EXTRA = FindingKind.ACCEPTANCE_SHORTFALL, FindingKind.ACCEPTANCE_SURPLUS


def read(*paths: Path) -> tuple[ReportBatch, list[Finding]]:
    batch = FileReportReader().read(list(paths))
    return batch, run_audit(batch.data)


def totals(findings: list[Finding]) -> dict[FindingKind, tuple[int, str]]:
    by_kind, _ = summarize(findings)
    return {k: (t.count, str(t.amount)) for k, t in by_kind.items()}


@pytest.mark.parametrize(
    ("name", "fmt", "rows", "expected"),
    [
        ("detail_2025.xlsx", "xlsx", 23, {DUP: (3, "285.00"), FINE: (2, "800.00")}),
        ("detail_2025_copy.csv", "csv", 23, {DUP: (3, "285.00"), FINE: (2, "800.00")}),
        ("detail_2023.csv", "csv", 3, {DUP: (1, "120.50"), FINE: (1, "1500.00")}),
        ("detail_v5.json", "json", 7, {DUP: (1, "110.00"), FINE: (1, "250.00")}),
        ("detail_finance_2026.json", "json", 5, {DUP: (1, "64.50"), FINE: (1, "1000.00")}),
    ],
)
def test_realization_detail_in_every_format(
    name: str, fmt: str, rows: int, expected: dict[FindingKind, tuple[int, str]]
) -> None:
    batch, findings = read(WB / name)
    (file,) = batch.files
    assert (file.kind, file.format, file.rows, file.problem) == (
        ReportKind.WB_REALIZATION_DETAIL,
        fmt,
        rows,
        None,
    )
    assert totals(findings) == expected


def test_the_2025_week_finds_the_planted_orders_with_their_rows() -> None:
    _, findings = read(WB / "detail_2025.xlsx")
    dups = {f.keys["srid"][:2]: f for f in findings if f.kind is DUP}
    assert sorted(dups) == ["b2", "c3", "f6"]  # D (storno) and E (return) are not findings
    assert [e.ref.row for e in dups["b2"].evidence] == [4, 5]
    assert (dups["c3"].details["charges"], dups["c3"].amount) == (3, Decimal("145.00"))
    fines = sorted((f.keys["srid"][:2], f.amount) for f in findings if f.kind is FINE)
    assert fines == [("", Decimal("500.00")), ("g7", Decimal("300.00"))]  # h8 was reversed
    sha = dups["b2"].evidence[0].ref.sha256
    assert {f.group for f in findings} == {f"file:{sha[:12]}"}  # no report number in the file


def test_an_api_report_has_its_number_date_and_row_ids() -> None:
    _, findings = read(WB / "detail_v5.json")
    fine = next(f for f in findings if f.kind is FINE)
    assert fine.keys == {"srid": "v5c", "row_id": "1006"}
    assert fine.group == "412345678"
    assert str(fine.event_date) == "2026-11-16"  # create_dt


def test_two_exports_of_one_week_count_once() -> None:
    _, findings = read(WB / "detail_2025.xlsx", WB / "detail_2025_copy.csv")
    assert totals(findings) == {DUP: (3, "285.00"), FINE: (2, "800.00")}


def test_an_order_charged_again_next_week_is_a_duplicate() -> None:
    _, findings = read(WB / "detail_2025.xlsx", WB / "detail_week2.csv")
    assert totals(findings)[DUP] == (4, "370.00")


def test_acceptance_from_incomes_and_the_shipment_list() -> None:
    batch, findings = read(WB / "incomes.json", WB / "shipment_list.xlsx")
    assert [f.kind for f in batch.files] == [ReportKind.WB_INCOMES, ReportKind.SHIPMENT_LIST]
    assert totals(findings) == {SHORT: (2, "2050.00"), EXTRA: (1, "0.00")}
    short = {f.keys["barcode"]: f.details for f in findings if f.kind is SHORT}
    assert short["2039876543210"]["accepted"] == 95  # 60 + 35, split over two rows
    assert short["2039876543234"]["accepted"] == 0
    assert {f.keys["supply_id"] for f in findings} == {"24567891"}  # 24567999 not accepted yet


def test_an_incomes_export_and_an_english_shipment_list() -> None:
    batch, findings = read(WB / "incomes_export.tsv.txt", WB / "shipment_list_en.csv")
    assert [f.kind for f in batch.files] == [ReportKind.WB_INCOMES, ReportKind.SHIPMENT_LIST]
    (f,) = findings
    assert f.details["missing"] == 3 and f.amount == Decimal("3600.00")
    assert str(f.event_date) == "2026-11-14"


def test_supply_goods_json() -> None:
    batch, findings = read(WB / "supply_goods.json")
    assert batch.files[0].kind is ReportKind.WB_SUPPLY_GOODS
    (f,) = findings  # 24567895 is still being accepted
    assert f.keys == {"supply_id": "24567894", "barcode": "2039876543272"}
    assert f.details["missing"] == 2 and f.amount is None


def test_ozon_transactions() -> None:
    batch, findings = read(OZON / "transactions.json")
    assert batch.files[0].kind is ReportKind.OZON_TRANSACTIONS and batch.files[0].rows == 5
    assert totals(findings) == {FindingKind.OZON_WRITEOFF: (2, "1770.50")}


def test_the_kind_comes_from_the_content_not_the_name(tmp_path: Path) -> None:
    renamed = tmp_path / "report.csv"
    shutil.copy(OZON / "transactions.json", renamed)
    xlsx_as_bin = tmp_path / "export.bin"
    shutil.copy(WB / "detail_2025.xlsx", xlsx_as_bin)
    batch, findings = read(renamed, xlsx_as_bin)
    assert [(f.kind, f.format) for f in batch.files] == [
        (ReportKind.OZON_TRANSACTIONS, "json"),
        (ReportKind.WB_REALIZATION_DETAIL, "xlsx"),
    ]
    assert len(findings) == 2 + 5


@pytest.mark.parametrize(
    ("name", "code", "fields"),
    [
        ("truncated.xlsx", "attachment_broken_zip", {}),
        ("zip_bomb.xlsx", "attachment_zip_bomb", {}),
        ("photo.xlsx", "report_not_table", {"media_type": "image/jpeg"}),
        ("koi8.csv", "report_bad_encoding", {"encoding": "KOI8-R"}),
        ("not_a_report.csv", "report_unknown_kind", {}),
        (
            "no_srid.csv",
            "report_missing_columns",
            {"kind": "wb_realization_detail", "columns": "«Общая сумма штрафов», «Srid»"},
        ),
        (
            "bad_value.csv",
            "report_bad_value",
            {"row": 4, "column": "Услуги по доставке товара покупателю", "value": "девяносто"},
        ),
        ("ragged.csv", "report_broken_line", {"row": 4}),
        ("cut_last_line.csv", "report_broken_line", {"row": 7}),
        ("bad.json", "report_bad_json", {"row": 2, "column": 25}),
        ("empty.json", "report_empty", {}),
    ],
)
def test_a_broken_file_is_reported_and_the_others_still_audited(
    name: str, code: str, fields: dict[str, object]
) -> None:
    batch, findings = read(BROKEN / name, OZON / "transactions.json")
    broken, good = batch.files
    assert not broken.usable and broken.problem is not None
    assert broken.problem.code == code
    assert broken.problem.fields == {"file": name, **fields}
    assert good.usable and len(findings) == 2
    assert batch.usable


def test_a_missing_column_of_one_rule_leaves_the_other_rule_working() -> None:
    batch, findings = read(BROKEN / "no_srid_penalties_ok.xlsx")
    (file,) = batch.files
    assert file.usable and file.problem is not None
    assert (file.problem.code, file.problem.fields["columns"]) == ("report_rule_skipped", "«Srid»")
    assert totals(findings) == {FINE: (2, "800.00")}


def test_the_same_file_twice_is_read_once(tmp_path: Path) -> None:
    batch, findings = read(OZON / "transactions.json", OZON / "transactions.json")
    assert batch.files[1].problem is not None
    assert batch.files[1].problem.code == "report_duplicate_file"
    assert len(findings) == 2


def test_no_usable_file_and_a_missing_path(tmp_path: Path) -> None:
    batch, findings = read(tmp_path / "nowhere.xlsx", BROKEN / "empty.json")
    assert not batch.usable and findings == []
    assert batch.files[0].problem is not None
    assert batch.files[0].problem.code == "report_file_missing"


def test_a_utf8_head_cut_inside_a_character_is_still_text() -> None:
    from mpdesk.domain.filetypes import sniff

    data = ("x" + "И" * 5000).encode("utf-8")  # «И» is D0 98: not Windows-1251 either
    assert sniff(data[:8192]).family == "text"
