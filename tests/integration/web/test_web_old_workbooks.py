"""An .xls and an .ods sent to the audit API (SQLite and PostgreSQL): the files table names
their formats, the findings and money are those of the same rows in XLSX (issue 17)."""

from __future__ import annotations

from pathlib import Path

from tests.importers.make_fixtures import WB_DETAIL_2025, WEEK_2025, numbered
from tests.importers.old_books import write_ods, write_xls
from tests.integration.web.test_web_audit import audit
from tests.web_support import World


def test_api_audits_xls_and_ods(world: World, tmp_path: Path) -> None:
    rows = numbered(WB_DETAIL_2025, WEEK_2025)
    xls, ods = tmp_path / "week.xls", tmp_path / "week.ods"
    write_xls(xls, WB_DETAIL_2025, rows)
    write_ods(ods, WB_DETAIL_2025, rows, title="Детализация № 412345678")
    answer = audit(world, world.admin_token, [xls, ods], world.shop_a)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [(f["path"], f["kind"], f["format"], f["rows"]) for f in body["files"]] == [
        ("week.xls", "wb_realization_detail", "xls", 23),
        ("week.ods", "wb_realization_detail", "ods", 23),
    ]
    assert body["files"][1]["copy_of"] == "week.xls"  # the same week twice counts once
    assert body["summary"]["by_kind"]["duplicate_logistics"]["amount"] == "285.00"
    assert body["summary"]["total_amount"] == "1085.00"
