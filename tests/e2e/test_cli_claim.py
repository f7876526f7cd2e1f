"""The pre-trial claim from the CLI: the seller's legal details of a shop (``mpdesk shop
legal``), the claim with both parties, its PDF, and the monthly report as PDF."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tests.cli import run
from tests.pdf_support import pdf_text, require_pdf


def case_with_answer(shop: str) -> int:
    created = run(
        "new", "-m", "wb", "-c", "finance", "--shop", shop, "--amount", "235",
        "--text", "Удержали штраф 235 рублей за поставку 24567891, хотя поставка принята вовремя",
        "--date", "2026-11-19", "--supply", "24567891", "--no-interactive", "--json",
    )  # fmt: skip
    assert created.code == 0, created.stderr
    ticket_id = created.json()["ticket"]["id"]
    assert run("submit", str(ticket_id), "--external-id", "SD-777").code == 0
    assert run("reply", str(ticket_id), "--text", "Штраф начислен верно.").code == 0
    return int(ticket_id)


def test_legal_details_are_entered_once_per_shop_with_checks(cli_env: Path) -> None:
    assert run("shop", "add", "Ромашка", "-m", "wb").code == 0
    bad = run("shop", "legal", "Ромашка", "--inn", "7712000004")
    assert bad.code == 2
    assert "ИНН" in bad.stderr and "контрольная цифра" in bad.stderr
    assert "Traceback" not in bad.stderr
    stored = run(
        "shop", "legal", "Ромашка", "--name", "ООО «Ромашка»", "--inn", "7712 000 003",
        "--ogrn", "1027700000008", "--contract-date", "01.03.2024", "--json",
    )  # fmt: skip
    assert stored.code == 0, stored.stderr
    data = stored.json()
    assert data["inn"] == "7712000003" and data["contract_date"] == "2024-03-01"
    assert data["missing"] == ["address", "contract_number"]
    shown = run("shop", "legal", "Ромашка")
    assert "Юридический адрес: не указано" in shown.stdout
    assert "не хватает реквизитов продавца" in shown.stdout


def test_claim_carries_both_parties_and_its_pdf(cli_env: Path, tmp_path: Path) -> None:
    require_pdf()
    run("shop", "add", "Ромашка", "-m", "wb")
    run(
        "shop", "legal", "Ромашка", "--name", "ООО «Ромашка»", "--inn", "7712000003",
        "--ogrn", "1027700000008", "--address", "Москва, Тверская, 1", "--contract", "ОФ-17",
        "--contract-date", "01.03.2024",
    )  # fmt: skip
    root = case_with_answer("Ромашка")
    out = tmp_path / "claim.pdf"
    drafted = run("claim", str(root), "--pdf", str(out), "--json")
    assert drafted.code == 0, drafted.stderr
    claim_id = drafted.json()["ticket"]["id"]
    assert "ООО «РВБ»" in drafted.json()["appeal"]["body"]
    text = pdf_text(out.read_bytes())
    assert "ООО «РВБ»" in text and "9714053621" in text
    assert "ООО «Ромашка»" in text and "7712000003" in text and "ОФ-17" in text
    assert "235,00 ₽" in text and "Штраф начислен верно." in text
    # the claim exists: --pdf writes it again, no second draft
    again = run("claim", str(claim_id), "--pdf", str(out))
    assert again.code == 0 and f"Претензия №{claim_id} в PDF" in again.stdout
    assert run("claim", str(root)).code == 2  # a second claim is refused


def test_monthly_report_as_pdf(cli_env: Path, tmp_path: Path) -> None:
    require_pdf()
    assert run("shop", "add", "Ромашка", "-m", "wb").code == 0
    case_with_answer("Ромашка")
    out = tmp_path / "report.pdf"
    result = run("report", "monthly", "--month", "2026-11", "-o", str(out), "--json")
    assert result.code == 0, result.stderr
    assert result.json()["format"] == "pdf"
    text = pdf_text(out.read_bytes())
    assert "Обращения в поддержку маркетплейсов: 2026-11" in text and "Финансы" in text


def test_without_the_system_libraries_pdf_says_so_in_russian(
    cli_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it cannot be loaded
    run("shop", "add", "Ромашка", "-m", "wb")
    root = case_with_answer("Ромашка")
    out = tmp_path / "claim.pdf"
    result = run("claim", str(root), "--pdf", str(out))
    assert result.code == 2
    assert "PDF не сформирован" in result.stderr and "Pango" in result.stderr
    assert not out.exists()
    assert run("claim", str(root), "--json").code == 0  # no claim was drafted before
    report = run("report", "monthly", "--month", "2026-11", "-o", str(tmp_path / "r.pdf"))
    assert report.code == 2 and "PDF не сформирован" in report.stderr
