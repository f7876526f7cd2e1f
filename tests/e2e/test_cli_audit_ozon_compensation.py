"""``mpdesk audit`` with Ozon's compensation and decompensation reports next to the finance
transactions: each report recognised by content, findings citing file and row, the money the
transactions carry not counted again, and appeals drafted from the findings."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.cli import run
from tests.importers.ozon.compensation_files import compensation_bytes, decompensation_bytes

TRANSACTIONS = Path(__file__).resolve().parents[1] / "importers" / "ozon" / "fixtures"


def reports(tmp_path: Path) -> list[str]:
    comp, decomp = tmp_path / "ноябрь.xlsx", tmp_path / "export (1).xlsx"
    comp.write_bytes(compensation_bytes(tmp_path))
    decomp.write_bytes(decompensation_bytes(tmp_path))
    return [str(TRANSACTIONS / "transactions.json"), str(comp), str(decomp)]


def test_the_reports_are_audited_beside_the_transactions(cli_env: Path, tmp_path: Path) -> None:
    files = reports(tmp_path)
    alone = run("audit", files[0], "--json").json()

    result = run("audit", *files, "--json")

    assert result.code == 0, result.stderr
    data = result.json()
    assert [(f["kind"], f["rows"], f["problem"]) for f in data["files"]] == [
        ("ozon_transactions", alone["files"][0]["rows"], None),
        ("ozon_compensation", 3, None),
        ("ozon_decompensation", 1, None),
    ]
    by_kind = data["summary"]["by_kind"]
    # the transactions' own findings are the same with or without the reports
    assert by_kind["ozon_writeoff"] == alone["summary"]["by_kind"]["ozon_writeoff"]
    reduced_total = by_kind["ozon_compensation_reduced"]
    assert (reduced_total["count"], reduced_total["amount"]) == (2, "955.50")
    taken_total = by_kind["ozon_decompensation"]
    assert (taken_total["count"], taken_total["amount"]) == (1, "1450.00")
    total = Decimal(alone["summary"]["total_amount"]) + Decimal("955.50") + Decimal("1450.00")
    assert Decimal(data["summary"]["total_amount"]) == total
    reduced = [f for f in data["findings"] if f["kind"] == "ozon_compensation_reduced"]
    assert [(e["file"], e["row"]) for f in reduced for e in f["evidence"]] == [
        ("ноябрь.xlsx", 4), ("ноябрь.xlsx", 5)]  # fmt: skip
    assert reduced[0]["keys"] == {"report": "77", "sku": "6605735423", "row_id": "4"}
    assert reduced[0]["category"] == "finance" and reduced[0]["marketplace"] == "ozon"
    assert "уменьшена на 640,00\xa0₽" in reduced[0]["title"]
    (taken,) = [f for f in data["findings"] if f["kind"] == "ozon_decompensation"]
    assert [(e["file"], e["row"], e["role"]) for e in taken["evidence"]] == [
        ("export (1).xlsx", 3, "decompensation")]  # fmt: skip
    human = run("audit", *files)
    assert "отчёт Ozon о компенсациях" in human.stdout  # the files table
    assert "отчёт Ozon о декомпенсациях" in human.stdout
    assert "Декомпенсации Ozon" in human.stdout and "1\xa0450,00" in human.stdout


def test_findings_of_both_reports_become_appeals(cli_env: Path, tmp_path: Path) -> None:
    assert run("audit", *reports(tmp_path), "--save").code == 0
    for kind, subject in (
        ("ozon_compensation_reduced", "Компенсация Ozon ниже стоимости товара"),
        ("ozon_decompensation", "Несогласие с декомпенсацией Ozon"),
    ):
        found = run("findings", "--kind", kind, "--json").json()
        drafted = run("findings", "draft", *(f["id"] for f in found), "--json")
        assert drafted.code == 0, drafted.stderr
        (appeal,) = drafted.json()
        assert appeal["ticket"]["category"] == "finance"
        shown = run("show", str(appeal["ticket"]["id"])).stdout
        assert subject in shown and "№ 7" in shown
