"""An Ozon sync pulls the monthly compensation and decompensation reports and the audit reads
them: the findings cite the pulled file and the row of the report (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER
from mpdesk.domain.credentials import OzonCredentials
from mpdesk.services.connections import connect_shop
from mpdesk.services.sync import sync_shop
from tests.connectors.conftest import OZON_KEY
from tests.connectors.spec_server import SpecServer
from tests.connectors.test_ozon_reports import queue_report
from tests.connectors.test_sync import files_of, findings_of, queue_ozon_lists, transactions
from tests.importers.ozon.compensation_files import compensation_bytes, decompensation_bytes


def test_the_pulled_reports_are_audited_and_cited_by_file_and_row(
    market_app: App, market: SpecServer, tmp_path: Path
) -> None:
    market.answer("POST", "/v3/finance/transaction/list", 200, transactions(market))
    shop_id = connect_shop(
        market_app.ctx, LOCAL_OWNER, "Озон", OzonCredentials("123456", OZON_KEY)
    ).shop.id
    queue_ozon_lists(market)
    comp = compensation_bytes(tmp_path, day="05.11.2026")
    decomp = decompensation_bytes(tmp_path, day="05.11.2026")
    queue_report(market, "/v1/finance/compensation", "2026-10", ["success"], body=comp)
    queue_report(market, "/v1/finance/decompensation", "2026-10", ["success"], body=decomp)

    result = sync_shop(market_app.ctx, shop_id)

    assert result.ok and market.violations == []
    pulled = {f.stream: f for f in files_of(market_app, shop_id) if "compensation" in f.stream}
    assert {s: market_app.ctx.files.open(f.sha256).read() for s, f in pulled.items()} == {
        "ozon.compensation": comp, "ozon.decompensation": decomp}  # fmt: skip
    assert all(f.audited_at is not None for f in pulled.values())
    saved = {s.finding.kind.value: [] for s in findings_of(market_app, shop_id)}
    for s in findings_of(market_app, shop_id):
        saved[s.finding.kind.value].append(s.finding)
    cited = {
        kind: sorted((e.ref.file, e.ref.sha256, e.ref.row) for f in found for e in f.evidence)
        for kind, found in saved.items()
        if kind in ("ozon_compensation_reduced", "ozon_decompensation")
    }
    comp_file, decomp_file = pulled["ozon.compensation"], pulled["ozon.decompensation"]
    assert cited == {
        "ozon_compensation_reduced": [(comp_file.name, comp_file.sha256, 4),
                                      (comp_file.name, comp_file.sha256, 5)],
        "ozon_decompensation": [(decomp_file.name, decomp_file.sha256, 3)],
    }  # fmt: skip
    assert result.run.findings_added == sum(len(v) for v in saved.values())
