"""``mpdesk audit`` and ``mpdesk findings`` end to end: the contract's JSON, exit codes, the
Russian summary, and the findings lifecycle from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli import run
from tests.importers.make_fixtures import v5_rows

FIXTURES = Path(__file__).resolve().parents[1] / "importers"
WB = FIXTURES / "wb" / "fixtures"
OZON = FIXTURES / "ozon" / "fixtures"
ALL = [
    str(WB / "detail_2025.xlsx"),
    str(WB / "incomes.json"),
    str(WB / "shipment_list.xlsx"),
    str(OZON / "transactions.json"),
    str(WB / "broken" / "zip_bomb.xlsx"),
]


def test_audit_json_follows_the_contract(cli_env: Path) -> None:
    result = run("audit", *ALL, "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert set(data) == {"files", "findings", "summary"}
    files = data["files"]
    assert [f["kind"] for f in files] == [
        "wb_realization_detail",
        "wb_incomes",
        "shipment_list",
        "ozon_transactions",
        None,
    ]
    assert {"path", "kind", "format", "rows", "problem"} <= set(files[0])
    assert files[0]["format"] == "xlsx" and files[0]["rows"] == 23 and files[0]["problem"] is None
    assert "zip_bomb.xlsx" in files[4]["problem"] and "zip-бомбу" in files[4]["problem"]
    short = next(f for f in data["findings"] if f["kind"] == "acceptance_shortfall")
    assert {
        "id",
        "kind",
        "marketplace",
        "category",
        "amount",
        "keys",
        "details",
        "evidence",
        "deadline",
        "title",
    } <= set(short)
    assert short["marketplace"] == "wb" and short["category"] == "acceptance"
    assert short["keys"] == {"supply_id": "24567891", "barcode": "2039876543210"}
    assert short["amount"] == "1250.00" and short["deadline"] == "2026-11-20"
    assert {"shipped": 100, "accepted": 95, "missing": 5}.items() <= short["details"].items()
    assert {"file": "shipment_list.xlsx", "row": 3} in [
        {"file": e["file"], "row": e["row"]} for e in short["evidence"]
    ]
    assert short["title"].startswith("Поставка 24567891, баркод 2039876543210")
    assert data["summary"] == {
        "by_kind": {
            "acceptance_shortfall": {
                "count": 2,
                "amount": "2050.00",
                "by_currency": {"RUB": "2050.00"},
            },
            "acceptance_surplus": {"count": 1, "amount": "0.00", "by_currency": {"RUB": "0.00"}},
            "duplicate_logistics": {
                "count": 3,
                "amount": "285.00",
                "by_currency": {"RUB": "285.00"},
            },
            "penalty": {"count": 2, "amount": "800.00", "by_currency": {"RUB": "800.00"}},
            "ozon_writeoff": {"count": 2, "amount": "1770.50", "by_currency": {"RUB": "1770.50"}},
        },
        "total_amount": "4905.50",
        "by_currency": {"RUB": "4905.50"},
    }


def test_audit_prints_a_russian_summary_and_the_top_findings(empty_cli_env: Path) -> None:
    result = run("audit", *ALL[:4])
    assert result.code == 0
    for text in (
        "Итоги аудита",
        "Недостача при приёмке",
        "Двойная логистика",
        "Штрафы",
        "Списания Ozon на складе",
        "4\u00a0905,50\u00a0₽",
        "Крупнейшие находки",
        "--save",
    ):
        assert text in result.stdout
    assert not (empty_cli_env / "mpdesk.db").exists()  # without --save the journal is not touched


def test_no_usable_file_exits_2_with_the_reasons(cli_env: Path) -> None:
    result = run(
        "audit", str(WB / "broken" / "koi8.csv"), str(WB / "broken" / "truncated.xlsx"), "--json"
    )
    assert result.code == 2
    problems = [f["problem"] for f in result.json()["files"]]
    assert "KOI8-R" in problems[0] and "повреждён" in problems[1]
    assert "Ни один файл" in result.stderr and "Traceback" not in result.stderr


def test_save_list_draft_and_recover(cli_env: Path) -> None:
    assert run("audit", *ALL[:4], "--save").code == 0
    again = run("audit", *ALL[:4], "--save", "--json").json()
    assert again["saved"] == {"added": 0, "updated": 0, "unchanged": 10, "new_files": 0}
    listed = run("findings", "--json").json()
    assert len(listed) == 10 and {f["status"] for f in listed} == {"new"}
    fines = run("findings", "--kind", "penalty", "--json").json()
    assert [f["kind"] for f in fines] == ["penalty", "penalty"]
    drafted = run("findings", "draft", *(f["id"] for f in fines), "--json")
    assert drafted.code == 0, drafted.stderr
    (appeal,) = drafted.json()
    assert appeal["ticket"]["category"] == "finance" and appeal["deadline"] == "2026-11-15"
    assert appeal["attachment"].startswith("audit-penalty-")
    shown = run("show", str(appeal["ticket"]["id"]))
    assert "Оспаривание штрафов" in shown.stdout
    fine = fines[0]["id"]
    assert run("findings", "claim", fine).code == 0
    recovered = run("findings", "recover", fine, "--amount", "1 200,50", "--json").json()
    assert (recovered["status"], recovered["amount_recovered"]) == ("recovered", "1200.50")
    human = run("findings", "--status", "recovered")
    assert fine in human.stdout and "200,50" in human.stdout


def test_user_errors_are_russian_and_exit_2(cli_env: Path) -> None:
    run("audit", str(OZON / "transactions.json"), "--save")
    finding = run("findings", "--json").json()[0]["id"]
    bad_amount = run("findings", "recover", finding, "--amount", "много")
    assert bad_amount.code == 2 and "сумма в рублях" in bad_amount.stderr
    assert "не найдена" in run("findings", "dismiss", "ffffffffffffffff").stderr
    unknown = run("findings", "--status", "lost")
    assert unknown.code == 2 and "lost" in unknown.stderr
    assert run("findings", "dismiss", finding).code == 0
    again = run("findings", "draft", finding)
    assert again.code == 2 and "отклонена" in again.stderr and "Traceback" not in again.stderr


def test_working_day_deadlines_skip_the_new_year_holidays(
    cli_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A knowledge base that gives the weekly report 3 working days: a report of 29.12.2026 may
    be objected to until 12.01.2027 (31.12 a day off, 1–8.01 holidays, 9–10.01 a weekend), as a
    ticket deadline would count them — not until 01.01.2027 (Monday to Friday)."""
    kb = tmp_path / "kb"
    kb.mkdir()
    rule = {
        "id": "wb_weekly_report_objection",
        "kind": "objection",
        "days": 3,
        "business_days": True,
        "marketplace": "wb",
        "categories": ["finance"],
        "label_ru": "Замечания к отчёту — 3 рабочих дня",
        "source": "test",
    }
    (kb / "deadlines.yaml").write_text(json.dumps({"deadlines": [rule]}), encoding="utf-8")
    monkeypatch.setenv("MPDESK_KB_DIR", str(kb))
    rows = [{**r, "create_dt": "2026-12-29"} for r in v5_rows()]
    report = tmp_path / "detail.json"
    report.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    result = run("audit", str(report), "--json")
    assert result.code == 0, result.stderr
    findings = result.json()["findings"]
    assert [(f["kind"], f["deadline"]) for f in findings] == [
        ("duplicate_logistics", "2027-01-12"),
        ("penalty", "2027-01-12"),
    ]


def test_findings_workflow_after_the_appeal_was_sent(cli_env: Path) -> None:
    """Money comes back after the drafted appeal was sent (recover from «обращение создано»);
    several findings are claimed at once; a closed objection window is warned about."""
    assert run("audit", *ALL[:4], "--save").code == 0
    fines = run("findings", "--kind", "penalty", "--json").json()
    drafted = run("findings", "draft", *(f["id"] for f in fines))
    assert drafted.code == 0
    assert "срок для возражения истёк 15.11.2026" in drafted.stdout  # the clock is at 20.11
    (appeal,) = run("findings", "--kind", "penalty", "--json").json()[:1]
    ticket_id = str(appeal["ticket_id"])
    assert run("submit", ticket_id, "--external-id", "SD-4411").code == 0
    back = run("findings", "recover", fines[0]["id"], "--amount", "700", "--json")
    assert back.code == 0, back.stderr
    assert back.json()["status"] == "recovered"
    others = [f["id"] for f in run("findings", "--status", "new", "--json").json()][:3]
    claimed = run("findings", "claim", *others, "--json")
    assert claimed.code == 0, claimed.stderr
    assert [f["status"] for f in claimed.json()] == ["claimed"] * 3
    refused = run("findings", "claim", fines[0]["id"], others[0])  # one is final: none changes
    assert refused.code == 2
    assert "«деньги возвращены»" in refused.stderr and "recovered" not in refused.stderr
    statuses = {f["id"]: f["status"] for f in run("findings", "--json").json()}
    assert statuses[others[0]] == "claimed" and statuses[fines[0]["id"]] == "recovered"
