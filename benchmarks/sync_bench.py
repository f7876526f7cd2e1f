"""One WB shop synced through ``sync_shop`` from a loopback fake of the realization API: pages
of rows until 204, stored as evidence files (a transaction a page), then audited; and a second
sync of the same window, which must add nothing.

Run: ``.venv/bin/python benchmarks/sync_bench.py [--pages N] [--rows R] [--db URL]`` →
``benchmarks/results/sync.json``. The documented WB limit (1 request a minute for the
realization report) is *not* waited for here — the sleep is a no-op — so the numbers are
mpdesk's own cost per page (HTTP on loopback, hashing, storing, the transaction, the audit),
not a real sync's wall time, which the marketplace's limit dominates (N pages ≈ N minutes).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.connectors.conftest import wb_token  # noqa: E402
from tests.connectors.spec_server import example_for, load_spec, resolve  # noqa: E402

from mpdesk.adapters.marketplaces.apis import HttpMarketplaceApis  # noqa: E402
from mpdesk.adapters.marketplaces.ratelimit import InProcessTokenBucket  # noqa: E402
from mpdesk.bootstrap import bootstrap  # noqa: E402
from mpdesk.config import Settings  # noqa: E402
from mpdesk.domain.accounts import LOCAL_OWNER  # noqa: E402
from mpdesk.domain.credentials import WbCredentials  # noqa: E402
from mpdesk.services.connections import connect_shop  # noqa: E402
from mpdesk.services.ports.marketplaces import MarketplacePorts  # noqa: E402
from mpdesk.services.sync import sync_shop  # noqa: E402

FINANCE = "/api/finance/v1/sales-reports/detailed"


def template_row() -> dict[str, Any]:
    doc = load_spec("wb-2026-08_13-finances.json")
    response = resolve(doc, doc["paths"][FINANCE]["post"]["responses"]["200"])
    return dict(example_for(doc, response["content"]["application/json"]["schema"])[0])


def serve(server: HTTPServer, pages: int, rows: int) -> None:
    row = template_row()

    def realization(request: Request) -> Response:
        start = int(json.loads(request.get_data())["rrdId"])
        if start >= pages * rows:
            return Response(b"", status=204)
        body = [  # a sale a row; one penalty in a thousand rows
            {**row, "rrdId": i, "srid": f"s{i}", "penalty": "231.35" if i % 1000 == 0 else "0"}
            for i in range(start + 1, start + rows + 1)
        ]
        return Response(json.dumps(body), content_type="application/json")

    ok = json.dumps({"TS": "x", "Status": "OK"})
    server.expect_request("/ping").respond_with_data(ok, content_type="application/json")
    server.expect_request(FINANCE).respond_with_handler(realization)
    empty = "[]"
    server.expect_request("/api/v1/supplier/incomes").respond_with_data(empty)
    server.expect_request("/api/v1/supplies").respond_with_data(empty)


def run_server(pages: int, rows: int, ports: Any) -> None:
    """The fake marketplace in its own process (its request log keeps every answer: it must
    not count in mpdesk's memory)."""
    server = HTTPServer()
    server.start()
    serve(server, pages, rows)
    ports.put(server.port)
    while True:
        time.sleep(1)
        server.clear_log()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--db", default="", help="database URL (default: SQLite in a temp dir)")
    args = parser.parse_args()
    ports: Any = multiprocessing.Queue()
    server = multiprocessing.Process(
        target=run_server, args=(args.pages, args.rows, ports), daemon=True
    )
    server.start()
    url = f"http://localhost:{ports.get(timeout=30)}"
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            home=Path(tmp),
            database_url=args.db or f"sqlite:///{tmp}/journal.db",
            now="2026-11-20T10:00:00+03:00",
        )
        app = bootstrap(settings)
        ports = app.ctx.marketplaces
        assert ports is not None
        apis = HttpMarketplaceApis(InProcessTokenBucket(), base_url=url, sleep=lambda s: None)
        app.ctx.marketplaces = MarketplacePorts(apis, ports.sealer, ports.uow)
        shop = connect_shop(
            app.ctx, LOCAL_OWNER, "Бенчмарк", WbCredentials(wb_token(1_799_999_999))
        )
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        first = sync_shop(app.ctx, shop.shop.id)
        first_s = time.perf_counter() - started
        since = datetime.fromisoformat("2026-10-21T00:00:00+03:00")
        started = time.perf_counter()
        again = sync_shop(app.ctx, shop.shop.id, since=since)
        again_s = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        assert app.engine is not None
        backend = app.engine.dialect.name
        app.engine.dispose()
    server.terminate()
    result = {
        "database": backend,
        "pages": first.run.pages,
        "rows": first.run.rows,
        "new_files": first.run.new_files,
        "findings_added": first.run.findings_added,
        "first_sync_s": round(first_s, 2),
        "rows_per_s": round(first.run.rows / first_s),
        "second_sync_s": round(again_s, 2),
        "second_sync_new_files": again.run.new_files,
        "second_sync_findings_added": again.run.findings_added,
        "peak_rss_growth_mb": round((rss_after - rss_before) / 1024, 1),
        "python": platform.python_version(),
    }
    out = ROOT / "benchmarks" / "results" / "sync.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
