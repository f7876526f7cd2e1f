"""A ticket created while a 300k-row audit runs (issue 12): an agency's audit must not stall
the other requests of the server.

    .venv/bin/python benchmarks/contention_bench.py [--rows 300000] [--backend sqlite|postgres]

Starts ``mpdesk serve`` (stock uvicorn, one process, as a single seller runs it), then:
1. creates 20 tickets through the API one after another (the baseline);
2. uploads the WB detail XLSX of ``--rows`` rows to ``POST /api/v1/audits`` (saved into a shop)
   and, while that request runs, creates a ticket every 0.25 s, timing each.
Results: benchmarks/results/contention.json — baseline and during-audit latencies (p50, p95,
max), the audit's own time, and the 1-minute load average (the machine is shared). Target:
every ticket created during the audit answers in under 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from audit_bench import cached  # noqa: E402
from tests.servers import mpdesk_serve  # noqa: E402

PG = os.environ.get("MPDESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TICKET = {
    "marketplace": "wb",
    "category": "acceptance",
    "description": "Поставка принята не полностью: по акту приёмки не хватает 12 штук.",
}


def mpdesk(env: dict[str, str], *args: str, stdin: str = "") -> str:
    return subprocess.run(
        [sys.executable, "-m", "mpdesk", *args],
        env={**os.environ, **env},
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def summary(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {
        "count": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def run(rows: int, db_url: str, home: Path) -> dict[str, Any]:
    report, _ = cached(rows, "xlsx")
    env = {
        "MPDESK_HOME": str(home),
        "MPDESK_DATABASE_URL": db_url,
        "MPDESK_JOBS_ENGINE": "worker",  # no background jobs in the measured server
    }
    mpdesk(env, "user", "add", "bench", "--admin", "--password-stdin", stdin="bench-pass-42\n")
    token = json.loads(mpdesk(env, "token", "create", "-u", "bench", "--json"))["token"]
    shop_id = json.loads(mpdesk(env, "shop", "add", "Аудит", "-m", "wb", "--json"))["id"]
    auth = {"Authorization": f"Bearer {token}"}
    with mpdesk_serve(env, home / "logs") as served, httpx.Client(headers=auth, timeout=600) as c:

        def create() -> float:
            started = time.perf_counter()
            c.post(f"{served.url}/api/v1/tickets", json=TICKET).raise_for_status()
            return (time.perf_counter() - started) * 1000

        for _ in range(3):
            create()  # warm-up
        baseline = [create() for _ in range(20)]
        audit: dict[str, Any] = {}

        def upload() -> None:
            started = time.perf_counter()
            with report.open("rb") as fh:
                answer = httpx.post(
                    f"{served.url}/api/v1/audits",
                    headers=auth,
                    files={"files": (report.name, fh, "application/octet-stream")},
                    data={"shop_id": str(shop_id)},
                    timeout=900,
                )
            audit["status"] = answer.status_code
            audit["seconds"] = round(time.perf_counter() - started, 1)
            if answer.status_code == 200:
                body = answer.json()
                audit["findings"] = len(body.get("findings", []))

        worker = threading.Thread(target=upload)
        load_before = os.getloadavg()[0]
        worker.start()
        during: list[float] = []
        while worker.is_alive():
            during.append(create())
            time.sleep(0.25)
        worker.join()
    target_ms = 500
    return {
        "benchmark": "contention",
        "command": f"python benchmarks/contention_bench.py --rows {rows}",
        "rows": rows,
        "file_mb": round(report.stat().st_size / 1024 / 1024, 1),
        "baseline": summary(baseline),
        "during_audit": summary(during) if during else {},
        "audit": audit,
        "target_ms": target_ms,
        "within_target": bool(during) and max(during) < target_ms,
        "load_avg_1min_before": round(load_before, 2),
        "load_avg_1min_after": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="mpdesk-contention-") as tmp:
        home = Path(tmp) / "home"
        if args.backend == "postgres":
            from sqlalchemy import create_engine, text

            schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(PG)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                results = run(args.rows, f"{PG}?options=-csearch_path%3D{schema}", home)
            finally:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
        else:
            results = run(args.rows, f"sqlite:///{home / 'mpdesk.db'}", home)
    results["backend"] = args.backend
    out = ROOT / "benchmarks" / "results" / f"contention-{args.backend}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
