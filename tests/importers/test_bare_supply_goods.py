"""The bare goods answer of the WB supplies API (``GET /api/v1/supplies/{ID}/goods`` returns a
list of ``models.GoodInSupply`` without the supply number, WB API 2026-08): recognised, and
audited under the supply number the person gives (``--supply``, a field on the web, a form
field of the API)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import run
from tests.web_support import build_world

from mpdesk.adapters.importers.reader import FileReportReader
from mpdesk.bootstrap import App
from mpdesk.domain.audit.findings import FindingKind
from mpdesk.domain.audit.run import run_audit

WB = Path(__file__).resolve().parent / "wb" / "fixtures"


def bare_goods(tmp_path: Path) -> Path:
    """The goods of supply 24567894 of ``supply_goods.json``, as the API answers them."""
    wrapped = json.loads((WB / "supply_goods.json").read_text(encoding="utf-8"))
    path = tmp_path / "goods_24567894.json"
    path.write_text(json.dumps(wrapped[0]["goods"], ensure_ascii=False), encoding="utf-8")
    return path


def test_without_the_supply_number_the_file_asks_for_it(tmp_path: Path) -> None:
    (report,) = FileReportReader().read([bare_goods(tmp_path)]).files
    assert report.kind is not None and report.kind.value == "wb_supply_goods"
    assert report.problem is not None and not report.usable
    assert (report.problem.code, report.problem.fields) == (
        "report_goods_need_supply",
        {"file": "goods_24567894.json"},
    )


def test_with_the_supply_number_the_goods_are_audited(tmp_path: Path) -> None:
    batch = FileReportReader().read([bare_goods(tmp_path)], supply_id="24567894")
    (finding,) = run_audit(batch.data)
    assert finding.kind is FindingKind.ACCEPTANCE_SHORTFALL
    assert finding.keys == {"supply_id": "24567894", "barcode": "2039876543272"}
    assert finding.details["missing"] == 2


def test_cli_supply_option(cli_env: Path, tmp_path: Path) -> None:
    goods = bare_goods(tmp_path)
    missing = run("audit", str(goods), "--json")
    assert missing.code == 2
    (file,) = missing.json()["files"]
    expected = "Файл goods_24567894.json: это товары поставки — укажите номер поставки."
    assert file["problem"] == expected
    given = run("audit", str(goods), "--supply", "№ 24567894", "--json")
    assert given.code == 0
    (finding,) = given.json()["findings"]
    assert finding["keys"]["supply_id"] == "24567894"
    wrong = run("audit", str(goods), "--supply", "поставка", "--json")
    assert wrong.code == 2 and "supply" in wrong.stderr and "Traceback" not in wrong.stderr


def test_api_takes_the_supply_number_as_a_form_field(app: App, tmp_path: Path) -> None:
    world = build_world(app)
    api = world.api_client(world.admin_token)
    files = [("files", ("goods.json", bare_goods(tmp_path).read_bytes(), "application/json"))]
    data = {"shop_id": str(world.shop_a), "supply_id": "24567894"}
    answer = api.post("/api/v1/audits", files=files, data=data)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["summary"]["by_kind"] == {
        "acceptance_shortfall": {"count": 1, "amount": "0.00", "by_currency": {"RUB": "0.00"}}
    }
    (finding,) = body["findings"]
    assert finding["keys"] == {"supply_id": "24567894", "barcode": "2039876543272"}
