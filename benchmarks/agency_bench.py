"""A simulated agency: 300 shops (half WB, half Ozon) synced by 2 ``mpdesk worker`` processes on
PostgreSQL against a fake marketplace on loopback that enforces the documented rate limits
(issue 14).

Run: ``.venv/bin/python benchmarks/agency_bench.py [--shops 300] [--workers 2] [--concurrency 32]``
→ ``benchmarks/results/agency.json``: wall time from the first deferred job to the last finished
one, requests and requests per second the fake server answered, and the 429s it had to send.

The fake server is a threaded HTTP server in this process. It answers every endpoint a sync
calls with small bodies built from the pinned specs' examples (WB realization rows and the
closing 204, incomes, two supplies with their goods; Ozon transactions, supply orders, FBO/FBS
postings) and keeps, per account (the WB token or the Ozon Client-Id) and endpoint, a token
bucket with the limits of ``adapters/marketplaces/endpoints.py`` — the documented WB ones and
mpdesk's 5 / s for Ozon (under Ozon's documented 50 / s per Client-Id). A request that finds its
bucket empty is refused with 429 and ``X-Ratelimit-Retry``/``Retry-After`` and counted; it is
measured at arrival, without grace, so even a millisecond of jitter between the client's shared
buckets (in PostgreSQL) and the server's clock would show up.

Setup (not timed): a fresh PostgreSQL schema, migrations, the shops connected through
``connect_shop`` (the check calls go to the fake server; the counters are reset after).
Timed: 300 ``sync`` jobs deferred through ``bootstrap.job_engine`` (as ``mpdesk jobs run sync
--shop N --queue`` does) and run by the workers until the job log holds 300 finished runs.
WB allows 1 request a minute on realization and incomes, so a WB shop's sync takes at least two
minutes (two pages each); the wall time is bounded by that and by how many jobs run at once.

Needs PostgreSQL at 127.0.0.1:5432 (``MPDESK_TEST_PG_URL``).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.connectors.spec_server import example_for, load_spec, resolve  # noqa: E402

from mpdesk.adapters.marketplaces.endpoints import ALL_ENDPOINTS, Endpoint  # noqa: E402
from mpdesk.bootstrap import bootstrap  # noqa: E402
from mpdesk.bootstrap.operations import job_engine  # noqa: E402
from mpdesk.config import Settings  # noqa: E402
from mpdesk.domain.accounts import LOCAL_OWNER  # noqa: E402
from mpdesk.domain.credentials import OzonCredentials, WbCredentials  # noqa: E402
from mpdesk.services.connections import connect_shop  # noqa: E402

PG = os.environ.get("MPDESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
OUT = ROOT / "benchmarks" / "results" / "agency.json"


# --- answers built from the pinned specs' examples ------------------------------------------


def _example(spec: str, path: str, method: str) -> Any:
    doc = load_spec(spec)
    op = doc["paths"][path][method]
    response = resolve(doc, op["responses"]["200"])
    return example_for(doc, next(iter(response["content"].values()))["schema"])


@dataclass(frozen=True)
class Bodies:
    realization: dict[str, Any]
    income: dict[str, Any]
    supply: dict[str, Any]
    good: dict[str, Any]
    transactions: dict[str, Any]
    supply_orders: Any
    fbo: dict[str, Any]
    fbs: dict[str, Any]

    @classmethod
    def load(cls) -> Bodies:
        transactions = _example("ozon-2025-08_swagger.json", "/v3/finance/transaction/list", "post")
        transactions["result"]["page_count"] = 1
        fbs = _example("ozon-2025-08_swagger.json", "/v3/posting/fbs/list", "post")
        return cls(
            realization=_example(
                "wb-2026-08_13-finances.json", "/api/finance/v1/sales-reports/detailed", "post"
            )[0],
            income=_example("wb-2025-12_12-reports.json", "/api/v1/supplier/incomes", "get")[0],
            supply=_example("wb-2026-08_07-orders-fbw.json", "/api/v1/supplies", "post")[0],
            good=_example("wb-2026-08_07-orders-fbw.json", "/api/v1/supplies/{ID}/goods", "get")[0],
            transactions=transactions,
            supply_orders=_example("ozon-2025-08_swagger.json", "/v2/supply-order/get", "post"),
            fbo=_example("ozon-2025-08_swagger.json", "/v2/posting/fbo/list", "post"),
            fbs={"result": {"has_next": False, "postings": fbs["result"]["postings"]}},
        )


# --- the fake marketplace ---------------------------------------------------------------------


class Bucket:
    """The server's own count: ``burst`` at once, refilled at the documented rate."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.limit = endpoint.limit
        self.tokens = float(endpoint.limit.burst)
        self.at = time.monotonic()

    def take(self) -> float:
        """0 when the request is within the limit, else the seconds until it would be."""
        now = time.monotonic()
        self.tokens = min(float(self.limit.burst), self.tokens + (now - self.at) * self.limit.rate)
        self.at = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.limit.rate


class FakeMarket:
    def __init__(self, bodies: Bodies) -> None:
        self.bodies = bodies
        self.lock = threading.Lock()
        self.buckets: dict[tuple[str, str], Bucket] = {}
        self.requests: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self.routes = [
            (e.method, re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", e.path) + "$"), e)
            for e in ALL_ENDPOINTS
        ]

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.refused.clear()

    def endpoint(self, method: str, path: str) -> Endpoint | None:
        for verb, pattern, endpoint in self.routes:
            if verb == method and pattern.match(path):
                return endpoint
        return None

    def admit(self, account: str, endpoint: Endpoint) -> float:
        with self.lock:
            self.requests[endpoint.id] += 1
            bucket = self.buckets.setdefault((account, endpoint.path), Bucket(endpoint))
            wait = bucket.take()
            if wait:
                self.refused[endpoint.id] += 1
            return wait

    def answer(self, endpoint: Endpoint, query: dict[str, str], body: Any, shop: int) -> Any:
        b = self.bodies
        match endpoint.id:
            case "wb.ping_statistics" | "wb.ping_finance" | "wb.ping_supplies":
                return {"TS": datetime.now(UTC).isoformat(), "Status": "OK"}
            case "wb.realization_finance":
                if body.get("rrdId"):
                    return None  # 204: the end
                return [{**b.realization, "rrdId": shop * 10 + i} for i in (1, 2)]
            case "wb.incomes":
                if "T" in query.get("dateFrom", ""):
                    return []
                return [{**b.income, "incomeId": shop, "lastChangeDate": "2026-11-04T09:30:00"}]
            case "wb.supplies":
                fact = {"statusID": 5, "factDate": "2026-11-10T10:00:00+03:00"}
                return [{**b.supply, **fact, "supplyID": shop * 10 + i} for i in (1, 2)]
            case "wb.supply_goods":
                return [{**b.good, "quantity": 10, "acceptedQuantity": 8}]
            case "ozon.transactions":
                return b.transactions
            case "ozon.supply_order_list":
                if body["paging"].get("from_supply_order_id"):
                    return {"supply_order_id": [], "last_supply_order_id": 0}
                return {"supply_order_id": [str(shop * 10 + 1)], "last_supply_order_id": shop}
            case "ozon.supply_order_get":
                return b.supply_orders
            case "ozon.fbo_postings":
                return b.fbo
            case "ozon.fbs_postings":
                return b.fbs
            case "ozon.compensation" | "ozon.decompensation":
                return {"result": {"code": f"REPORT_{endpoint.id}_{shop}_{body['date']}"}}
            case "ozon.report_info":  # made, but empty: no file to download
                return {"result": {"code": body["code"], "status": "success", "file": ""}}
        raise KeyError(endpoint.id)


def handler_for(market: FakeMarket) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _reply(
            self, status: int, data: Any = None, headers: dict[str, str] | None = None
        ) -> None:
            raw = b"" if data is None else json.dumps(data).encode()
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if raw:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else {}
            url = urlsplit(self.path)
            endpoint = market.endpoint(self.command, url.path)
            if endpoint is None:
                self._reply(404, {"message": "no such method"})
                return
            account = self.headers.get("Authorization") or self.headers.get("Client-Id") or ""
            wait = market.admit(account, endpoint)
            if wait:
                seconds = str(max(1, round(wait + 0.5)))
                header = "X-Ratelimit-Retry" if endpoint.marketplace == "wb" else "Retry-After"
                self._reply(429, {"message": "You have reached request rate limit"},
                            {header: seconds})  # fmt: skip
                return
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            data = market.answer(endpoint, query, body, shop_number(account))
            self._reply(204 if data is None else 200, data)

        do_GET = do_POST = _handle

    return Handler


def shop_number(account: str) -> int:
    """The shop's number as its credentials carry it (a claim of the WB token, the Client-Id)."""
    if account.startswith("eyJ"):
        claims = account.split(".")[1]
        return int(json.loads(base64.urlsafe_b64decode(claims + "=="))["sid"])
    return int(account or 0)


def wb_token(shop: int, expires: datetime) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    claims = {"exp": int(expires.timestamp()), "s": 1024 + 8 + 16, "sid": shop}
    return f"{part({'alg': 'ES256'})}.{part(claims)}.c2lnbmF0dXJl"


# --- the run ------------------------------------------------------------------------------------


def finished_syncs(engine: Any) -> tuple[int, int]:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT count(*) FILTER (WHERE outcome = 'ok'), count(*) FILTER (WHERE outcome "
                "= 'failed') FROM job_log WHERE kind = 'sync' AND finished_at IS NOT NULL"
            )
        ).one()
    return int(row[0]), int(row[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shops", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()

    market = FakeMarket(Bodies.load())
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(market))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    market_url = f"http://127.0.0.1:{server.server_address[1]}"

    schema = f"bench_sync_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG else "?"
    url = f"{PG}{sep}options=-csearch_path%3D{schema}"
    home = Path(tempfile.mkdtemp(prefix="mpdesk-sync-bench-"))
    env = {
        "MPDESK_HOME": str(home),
        "MPDESK_DATABASE_URL": url,
        "MPDESK_SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "MPDESK_MARKETPLACE_API_URL": market_url,
        "MPDESK_SYNC_FIRST_DAYS": "7",
        "MPDESK_SYNC_MINUTES": "0",  # only the jobs deferred here run
        "MPDESK_CHATS_MINUTES": "0",
        "MPDESK_MAIL_FETCH_MINUTES": "0",
        "MPDESK_KB_DIR": "",
    }
    os.environ.update(env)
    workers: list[subprocess.Popen[bytes]] = []
    try:
        app = bootstrap(Settings())
        assert app.engine is not None
        expires = datetime.now(UTC) + timedelta(days=180)
        shop_ids = []
        for n in range(1, args.shops + 1):
            if n % 2:
                creds: Any = WbCredentials(wb_token(n, expires))
                status = connect_shop(app.ctx, LOCAL_OWNER, f"WB {n:03d}", creds)
            else:
                status = connect_shop(
                    app.ctx,
                    LOCAL_OWNER,
                    f"Ozon {n:03d}",
                    OzonCredentials(str(n), str(uuid.UUID(int=n))),
                )
            shop_ids.append(status.shop.id)
        setup_requests = sum(market.requests.values())
        market.reset()

        logs = home / "logs"
        logs.mkdir()
        for i in range(args.workers):
            workers.append(
                subprocess.Popen(
                    [
                        str(ROOT / ".venv" / "bin" / "mpdesk"),
                        "worker",
                        "--concurrency",
                        str(args.concurrency),
                    ],
                    env={**os.environ, **env},
                    stdout=(logs / f"worker{i}.out").open("wb"),
                    stderr=(logs / f"worker{i}.err").open("wb"),
                )
            )
        time.sleep(3)  # the workers connect and listen
        jobs = job_engine(app)

        async def defer_all() -> None:
            async with jobs.app.open_async():  # one connection for all the jobs
                for shop_id in shop_ids:
                    await jobs.defer_async("sync", shop_id)

        started = time.monotonic()
        asyncio.run(defer_all())
        deferred_s = time.monotonic() - started
        ok = failed = 0
        while time.monotonic() - started < args.timeout:
            ok, failed = finished_syncs(app.engine)
            if ok + failed >= len(shop_ids):
                break
            time.sleep(1)
        wall = time.monotonic() - started
        requests = sum(market.requests.values())
        refused = sum(market.refused.values())
        result = {
            "shops": len(shop_ids),
            "wb_shops": (len(shop_ids) + 1) // 2,
            "ozon_shops": len(shop_ids) // 2,
            "workers": args.workers,
            "concurrency_per_worker": args.concurrency,
            "wall_s": round(wall, 1),
            "defer_s": round(deferred_s, 2),
            "syncs_ok": ok,
            "syncs_failed": failed,
            "requests": requests,
            "requests_per_s": round(requests / wall, 2),
            "requests_by_endpoint": dict(sorted(market.requests.items())),
            "refused_429": refused,
            "refused_by_endpoint": dict(sorted(market.refused.items())),
            "limit_exceeded": refused > 0,
            "setup_requests_not_counted": setup_requests,
            "api_rate_headroom": app.settings.api_rate_headroom,
            "note": "a WB shop needs >= 2 periods of 1 min (two pages each of realization and "
            "incomes at 1 / min)",
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "command": "benchmarks/agency_bench.py " + " ".join(sys.argv[1:]),
        }
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(result, ensure_ascii=False, indent=2))
    finally:
        for process in workers:
            process.terminate()
        for process in workers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        server.shutdown()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
