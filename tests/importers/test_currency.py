"""Reports in other currencies (issue 17): WB issues separate weekly reports in KGS, KZT, BYN,
AMD… (v5 ``currency_name``, 2026 ``currency``, a «Валюта» column). The currency goes from the
row to the finding, its title, the appeal and the totals, and different currencies are never
added. Fixtures are made by the tests from the v5 rows and the 2025 workbook."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import run

from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER
from mpdesk.services.audit import audit_reports
from mpdesk.services.findings import draft_appeals

WB = Path(__file__).resolve().parent / "wb" / "fixtures"


def kgs_report(tmp_path: Path, name: str = "Отчёт KGS.json") -> Path:
    """The v5 rows as the report of sales in Kyrgyzstan: other rows, other orders, in сом."""
    rows = json.loads((WB / "detail_v5.json").read_text(encoding="utf-8"))
    for row in rows:
        row.update(currency_name="сом", rrd_id=row["rrd_id"] + 50_000, srid=f"kg-{row['srid']}")
        row["realizationreport_id"] = 412345679
    path = tmp_path / name
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return path


def kzt_table(tmp_path: Path) -> Path:
    """The 2025 week's CSV copy with a «Валюта» column saying KZT."""
    lines = (WB / "detail_2025_copy.csv").read_text(encoding="utf-8-sig").splitlines()
    table = [lines[0] + ";Валюта", *(line + ";KZT" for line in lines[1:] if line)]
    path = tmp_path / "kz.csv"
    path.write_text("\n".join(table) + "\n", encoding="utf-8")
    return path


def test_findings_carry_the_reports_currency_and_totals_never_mix(
    cli_env: Path, tmp_path: Path
) -> None:
    data = run("audit", str(WB / "detail_v5.json"), str(kgs_report(tmp_path)), "--json").json()
    fines = {f["keys"]["srid"]: f for f in data["findings"] if f["kind"] == "penalty"}
    assert (fines["v5c"]["currency"], fines["v5c"]["amount"]) == ("RUB", "250.00")
    assert (fines["kg-v5c"]["currency"], fines["kg-v5c"]["amount"]) == ("KGS", "250.00")
    assert "250,00\u00a0KGS" in fines["kg-v5c"]["title"]
    assert fines["v5c"]["id"] != fines["kg-v5c"]["id"]
    summary = data["summary"]
    assert summary["total_amount"] == "360.00"  # roubles only: 110 + 250
    assert summary["by_currency"] == {"RUB": "360.00", "KGS": "360.00"}
    assert summary["by_kind"]["penalty"] == {
        "count": 2,
        "amount": "250.00",
        "by_currency": {"RUB": "250.00", "KGS": "250.00"},
    }
    human = run("audit", str(WB / "detail_v5.json"), str(kgs_report(tmp_path)))
    assert "360,00\u00a0₽; 360,00\u00a0KGS" in human.stdout


def test_a_currency_column_of_a_table(tmp_path: Path, cli_env: Path) -> None:
    data = run("audit", str(kzt_table(tmp_path)), "--json").json()
    assert {f["currency"] for f in data["findings"]} == {"KZT"}
    assert data["summary"]["total_amount"] == "0.00"
    assert data["summary"]["by_currency"] == {"KZT": "1085.00"}


def test_an_appeal_in_another_currency_claims_no_roubles(app: App, tmp_path: Path) -> None:
    result = audit_reports(app.ctx, [kgs_report(tmp_path)], save=True)
    fine = next(f for f in result.findings if f.kind.value == "penalty")
    (appeal,) = draft_appeals(app.ctx, LOCAL_OWNER, [fine.id])
    assert appeal.ticket.amount_claimed is None
    assert "250,00\u00a0KGS" in appeal.ticket.body
    saved = audit_reports(app.ctx, [kgs_report(tmp_path)], save=True)
    assert saved.saved is not None and saved.saved.added == 0
