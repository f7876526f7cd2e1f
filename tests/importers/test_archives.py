"""ZIP archives of reports (issue 17): the WB weekly detail as the cabinet delivers it, a ZIP of
several reports in folders, and archives that break a limit. Archives are built by the tests
from the report fixtures; each member is audited as its own file."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.cli import run

from mpdesk.adapters.importers.archive import MAX_MEMBERS
from mpdesk.adapters.importers.reader import FileReportReader
from mpdesk.domain.audit.report import ReportBatch, ReportKind
from mpdesk.domain.audit.run import run_audit, summarize

HERE = Path(__file__).resolve().parent
WB = HERE / "wb" / "fixtures"
OZON = HERE / "ozon" / "fixtures" / "transactions.json"
WEEKLY = "Еженедельный детализированный отчет №412345678.zip"


def pack(path: Path, members: dict[str, bytes | Path]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content.read_bytes() if isinstance(content, Path) else content)
    return path


def table(batch: ReportBatch) -> list[tuple[str, str | None, int, str | None]]:
    return [
        (f.name, f.kind.value if f.kind else None, f.rows, f.problem.code if f.problem else None)
        for f in batch.files
    ]


def test_the_weekly_detail_zip_is_audited_like_the_workbook(tmp_path: Path) -> None:
    weekly = pack(tmp_path / WEEKLY, {"Детализация №412345678.xlsx": WB / "detail_2025.xlsx"})
    batch = FileReportReader().read([weekly])
    assert table(batch) == [
        (f"{WEEKLY} → Детализация №412345678.xlsx", "wb_realization_detail", 23, None)
    ]
    (member,) = batch.files
    assert (member.archive, member.member) == (WEEKLY, "Детализация №412345678.xlsx")
    assert member.path == f"{weekly}/Детализация №412345678.xlsx"
    plain = FileReportReader().read([WB / "detail_2025.xlsx"])
    by_kind = summarize(run_audit(batch.data))[0]
    assert by_kind == summarize(run_audit(plain.data))[0] and len(by_kind) == 2
    evidence = {e.ref.file for f in run_audit(batch.data) for e in f.evidence}
    assert evidence == {f"{WEEKLY} → Детализация №412345678.xlsx"}


def test_a_zip_of_several_reports_in_folders(tmp_path: Path) -> None:
    bundle = pack(
        tmp_path / "reports.zip",
        {
            "wb/week/detail.csv": WB / "detail_2025_copy.csv",
            "wb/incomes.json": WB / "incomes.json",
            "wb/shipment_list.xlsx": WB / "shipment_list.xlsx",
            "ozon/ops.json": OZON,
            "readme.pdf": b"%PDF-1.4 not a report",
            "__MACOSX/wb/._detail.csv": b"\x00\x05\x16\x07",
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
        },
    )
    batch = FileReportReader().read([bundle, WB / "detail_week2.csv"])
    assert table(batch) == [
        ("reports.zip → wb/week/detail.csv", "wb_realization_detail", 23, None),
        ("reports.zip → wb/incomes.json", "wb_incomes", 4, None),
        ("reports.zip → wb/shipment_list.xlsx", "shipment_list", 4, None),
        ("reports.zip → ozon/ops.json", "ozon_transactions", 5, None),
        ("reports.zip → readme.pdf", None, 0, "report_not_table"),
        ("detail_week2.csv", "wb_realization_detail", 2, None),
    ]
    totals = {
        k.value: (t.count, str(t.amount)) for k, t in summarize(run_audit(batch.data))[0].items()
    }
    assert totals == {
        "acceptance_shortfall": (2, "2050.00"),
        "acceptance_surplus": (1, "0.00"),
        "duplicate_logistics": (4, "370.00"),  # an order charged again in the next week
        "penalty": (2, "800.00"),
        "ozon_writeoff": (2, "1770.50"),
    }
    assert [f.source for f in batch.files] == [0, 0, 0, 0, 0, 1]


def test_an_archive_breaking_a_limit_is_refused_and_the_others_audited(tmp_path: Path) -> None:
    escaping = pack(tmp_path / "escape.zip", {"../../etc/cron.d/x.csv": WB / "detail_2023.csv"})
    many = pack(tmp_path / "many.zip", {f"r{n}.csv": b"a;b\n" for n in range(MAX_MEMBERS + 1)})
    nested = pack(tmp_path / "nested.zip", {"inner.zip": escaping})
    empty = pack(tmp_path / "empty.zip", {"folder/": b"", "__MACOSX/x": b"x"})
    batch = FileReportReader().read([escaping, many, nested, empty, OZON])
    assert table(batch) == [
        ("escape.zip", None, 0, "report_archive_unsafe_path"),
        ("many.zip", None, 0, "report_archive_too_many"),
        ("nested.zip → inner.zip", None, 0, "report_archive_nested"),
        ("empty.zip", None, 0, "report_archive_empty"),
        ("transactions.json", "ozon_transactions", 5, None),
    ]
    assert batch.files[0].problem is not None
    assert batch.files[0].problem.fields == {
        "file": "escape.zip",
        "member": "../../etc/cron.d/x.csv",
    }
    assert not (tmp_path.parent / "etc").exists()
    assert len(run_audit(batch.data)) == 2


def test_cli_names_archive_members(cli_env: Path, tmp_path: Path) -> None:
    weekly = pack(tmp_path / WEEKLY, {"report.xlsx": WB / "detail_2025.xlsx"})
    data = run("audit", str(weekly), "--json").json()
    (file,) = data["files"]
    assert (file["path"], file["archive"], file["kind"]) == (
        f"{weekly}/report.xlsx",
        WEEKLY,
        "wb_realization_detail",
    )
    human = run("audit", str(weekly))
    assert human.code == 0 and "report.xlsx" in human.stdout and "→" in human.stdout
    assert ReportKind.WB_REALIZATION_DETAIL.value == file["kind"]
