"""Web benchmark: a journal of 1,000,000 tickets on SQLite and PostgreSQL, then the journal
page and the API list under 50 concurrent clients on loopback, plus Russian full-text search.

    .venv/bin/python benchmarks/web_bench.py [--tickets N] [--duration S] [--backends LIST]

Load comes from ``wrk`` (Debian package) with 50 connections against ``mpdesk`` served by
uvicorn with 2 workers on 127.0.0.1; nothing leaves the machine and every run is bounded by
``--duration``. Results: benchmarks/results/web.json. Targets: list p99 < 150 ms, search
p99 < 300 ms.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from web_serving import FRONTS, Served

from mpdesk.adapters.db.search import document_text
from mpdesk.bootstrap import bootstrap, web_context
from mpdesk.config import Settings
from mpdesk.services import accounts
from mpdesk.services.shops import add_shop

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results" / "web.json"
PG_URL = os.environ.get("MPDESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SEARCH_TERMS = ["приёмке", "штраф", "поставки", "компенсацию", "карточка", "остатки", "маркировки",
                "габаритов", "потеряно", "возврат"]  # fmt: skip
CATEGORIES = {
    "acceptance": ["Поставка {n} принята не полностью: по акту приёмки не хватает {k} штук.",
                   "При приёмке поставки {n} товар оприходован под другим артикулом."],
    "logistics": ["Отправление {n} потеряно при доставке, статус не меняется {k} дней.",
                  "Возврат по заказу {n} не доставлен на склад продавца."],
    "listing": ["Карточка товара {n} скрыта из поиска после обновления фото.",
                "В карточке {n} неверные характеристики и габариты."],
    "inventory": ["Остатки по артикулу {n} не совпадают: в отчёте {k}, в кабинете меньше.",
                  "Товар {n} пропал из остатков склада без списания."],
    "compliance": ["Коды маркировки для поставки {n} не приняты, ошибка при проверке {k}.",
                   "Этикетки штрихкода на товаре {n} не читаются сканером."],
    "finance": ["Удержан штраф за несоответствие габаритов по товару {n} на {k} рублей.",
                "Просим компенсацию за утерянный товар {n}, сумма {k} рублей."],
    "other": ["Не приходят документы ЭДО по договору {n}.",
              "Вопрос по рекламной кампании {n}, списано {k} рублей."],
}  # fmt: skip
STATUSES = (
    ["draft"] * 2 + ["ready"] + ["submitted"] * 2 + ["answered"] + ["resolved"] * 3 + ["rejected"]
)


def ticket_rows(n: int, shop_ids: list[int], now: datetime) -> Any:
    """Rows of (ticket, identifier, search document), generated deterministically."""
    rnd = random.Random(4)
    cats = list(CATEGORIES)
    for tid in range(1, n + 1):
        cat = cats[tid % len(cats)]
        mp = "wb" if tid % 3 else "ozon"
        number = str(10_000_000 + rnd.randrange(90_000_000))
        desc = rnd.choice(CATEGORIES[cat]).format(n=number, k=rnd.randrange(2, 500))
        subject = f"Обращение по {cat} № {number}"
        status = STATUSES[tid % len(STATUSES)]
        created = now - timedelta(minutes=(n - tid) * 1.05)
        awaiting = status == "submitted"
        due = created + timedelta(hours=48) if awaiting else None
        external = f"SD-{tid}" if status not in ("draft", "ready") else ""
        ticket = {
            "id": tid, "shop_id": shop_ids[tid % len(shop_ids)], "marketplace": mp,
            "category": cat, "status": status, "subject": subject, "body": desc,
            "description": desc, "channel_id": "wb_service_desk" if mp == "wb" else
            "ozon_seller_support", "external_id": external, "submitted_at": created if external
            else None, "reply_due_at": due, "urgent_sign": "", "created_at": created,
            "updated_at": created, "version": 1,
        }  # fmt: skip
        doc = document_text(subject, desc, external, [number])
        yield ticket, (tid, "supply_id", number), doc


def fill_sqlite(db_path: Path, n: int, shop_ids: list[int]) -> None:
    import sqlite3

    now = datetime.now(UTC)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    cols = None
    batch_t, batch_i, batch_d = [], [], []

    def flush() -> None:
        assert cols is not None
        conn.executemany(
            f"INSERT INTO tickets ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            batch_t,
        )
        conn.executemany(
            "INSERT INTO ticket_identifiers (ticket_id, type, value) VALUES (?, ?, ?)", batch_i
        )
        conn.executemany("INSERT INTO ticket_fts (rowid, doc) VALUES (?, ?)", batch_d)
        conn.commit()
        batch_t.clear(), batch_i.clear(), batch_d.clear()

    def sql_value(v: Any) -> Any:
        if isinstance(v, datetime):
            return v.replace(tzinfo=None).isoformat(sep=" ")
        return v

    for ticket, ident, doc in ticket_rows(n, shop_ids, now):
        cols = cols or list(ticket)
        batch_t.append([sql_value(ticket[c]) for c in cols])
        batch_i.append(ident)
        batch_d.append((ticket["id"], doc))
        if len(batch_t) >= 50_000:
            flush()
    flush()
    conn.execute("INSERT INTO ticket_fts(ticket_fts) VALUES ('optimize')")
    conn.execute("ANALYZE")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def fill_postgres(url: str, n: int, shop_ids: list[int]) -> None:
    import psycopg

    now = datetime.now(UTC)
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("DROP INDEX IF EXISTS ix_ticket_search_tsv")
        cur.execute("CREATE TEMP TABLE docs (ticket_id int, doc text)")
        cols = None
        tickets_buf, idents_buf, docs_buf = io.StringIO(), io.StringIO(), io.StringIO()

        def esc(v: Any) -> str:
            if v is None:
                return "\\N"
            if isinstance(v, datetime):
                return v.replace(tzinfo=None).isoformat(sep=" ")
            if isinstance(v, bool):
                return "t" if v else "f"
            return str(v).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")

        def flush() -> None:
            assert cols is not None
            for table, buf, names in (
                ("tickets", tickets_buf, cols),
                ("ticket_identifiers", idents_buf, ["ticket_id", "type", "value"]),
                ("docs", docs_buf, ["ticket_id", "doc"]),
            ):
                with cur.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                    copy.write(buf.getvalue())
                buf.seek(0)
                buf.truncate()
            conn.commit()

        count = 0
        for ticket, ident, doc in ticket_rows(n, shop_ids, now):
            cols = cols or list(ticket)
            tickets_buf.write("\t".join(esc(ticket[c]) for c in cols) + "\n")
            idents_buf.write("\t".join(esc(v) for v in ident) + "\n")
            docs_buf.write(f"{ticket['id']}\t{esc(doc)}\n")
            count += 1
            if count % 100_000 == 0:
                flush()
        flush()
        cur.execute(
            "INSERT INTO ticket_search (ticket_id, tsv) "
            "SELECT ticket_id, to_tsvector('russian', doc) FROM docs"
        )
        cur.execute("CREATE INDEX ix_ticket_search_tsv ON ticket_search USING GIN (tsv)")
        cur.execute("SELECT setval('tickets_id_seq', (SELECT max(id) FROM tickets))")
        conn.commit()
        conn.autocommit = True
        cur.execute("VACUUM ANALYZE tickets")
        cur.execute("VACUUM ANALYZE ticket_search")
        cur.execute("VACUUM ANALYZE ticket_identifiers")
        cur.execute("CHECKPOINT")  # write the bulk load out now, not during the first case


def new_schema(schema: str) -> str:
    """An empty PostgreSQL schema (dropped first if it exists) and the URL that uses it."""
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


def new_journal(name: str, home: Path, url: str, n: int) -> tuple[str, str, float]:
    """A journal of ``n`` tickets at ``url`` (empty before): three shops and the administrator
    «bench» with an API token and a web session. Returns token, session, fill seconds."""
    app = bootstrap(Settings(home=home, database_url=url))
    wctx = web_context(app)
    shops = [add_shop(app.ctx, f"Магазин {i}", "wb" if i % 2 else "ozon").id for i in range(1, 4)]
    accounts.add_user(wctx, "bench", "bench-password-1", is_admin=True)
    token, _ = accounts.create_token(wctx, "bench")
    session = accounts.sign_in(wctx, "bench", "bench-password-1", "127.0.0.1").token
    assert app.engine is not None
    app.engine.dispose()
    started = time.perf_counter()
    if name == "postgres":
        fill_postgres(url, n, shops)
    else:
        fill_sqlite(Path(url.split("///", 1)[1]), n, shops)
    fill_seconds = round(time.perf_counter() - started, 1)
    print(f"  {name}: {n:,} tickets filled in {fill_seconds} s", flush=True)
    return token, session, fill_seconds


def sample_split(into: list[list[int]], served: Served) -> None:
    into.append(served.connections_per_worker())


def wrk(url: str, header: str, duration: int, script: Path | None = None) -> dict[str, Any]:
    cmd = ["wrk", "-t2", "-c50", f"-d{duration}s", "--timeout", "10s", "--latency", "-H", header]
    if script is not None:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=duration + 60).stdout

    def ms(label: str) -> float | None:
        found = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not found:
            return None
        value, unit = float(found.group(1)), found.group(2)
        return round(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 2)

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "p50_ms": ms("50%"),
        "p90_ms": ms("90%"),
        "p99_ms": ms("99%"),
        "rps": float(rps.group(1)) if rps else None,
        "requests": int(total.group(1)) if total else 0,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


class CpuShare:
    """Busy share of all CPUs, and of the serving stack's processes, from now until ``done``."""

    def __init__(self, served: Served) -> None:
        import psutil

        self.served = served
        self.start = (psutil.cpu_times(), self._server_seconds(), time.monotonic())

    def _server_seconds(self) -> float:
        total = 0.0
        for proc in self.served.all_processes():
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except Exception:  # a process gone meanwhile
                continue
        return total

    def done(self) -> dict[str, float]:
        import psutil

        cpu0, server0, t0 = self.start
        cpu1, server1, t1 = psutil.cpu_times(), self._server_seconds(), time.monotonic()
        idle = (cpu1.idle + cpu1.iowait) - (cpu0.idle + cpu0.iowait)
        total = sum(cpu1) - sum(cpu0)
        span = (t1 - t0) * (os.cpu_count() or 1)
        return {
            "machine": round(100 * (total - idle) / total, 1) if total else 0.0,
            "web_server": round(100 * (server1 - server0) / span, 1) if span else 0.0,
        }


def lua_rotating(path_prefix: str, terms: list[str], dest: Path) -> Path:
    from urllib.parse import quote

    paths = ", ".join(f'"{path_prefix}{quote(t)}"' for t in terms)
    dest.write_text(
        f"local paths = {{{paths}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\nend\n'
    )
    return dest


def run_backend(name: str, n: int, duration: int, front: str) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix=f"mpdesk-bench-{name}-"))
    schema = "bench_web"
    if name == "postgres":
        url = new_schema(schema)
    else:
        url = f"sqlite:///{home / 'mpdesk.db'}"
    token, session, fill_seconds = new_journal(name, home, url, n)

    env = {**os.environ, "MPDESK_HOME": str(home), "MPDESK_DATABASE_URL": url}
    served = Served(front, env)
    port = served.port
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {"fill_seconds": fill_seconds}
    try:
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or served.exited():
                raise RuntimeError("server did not start")
            time.sleep(0.3)
        served.wait_settled()
        cookie = f"Cookie: mpdesk_session={session}"
        bearer = f"Authorization: Bearer {token}"
        for check_url, header in ((f"{base}/journal", cookie), (f"{base}/api/v1/tickets", bearer)):
            status = httpx.get(check_url, headers=dict([header.split(": ", 1)]), timeout=30)
            assert status.status_code == 200, (check_url, status.status_code)
        scripts = Path(tempfile.mkdtemp(prefix="mpdesk-wrk-"))
        cases = {
            "journal_page": (f"{base}/journal", cookie, None),
            "api_list": (f"{base}/api/v1/tickets?limit=50", bearer, None),
            "journal_search": (
                f"{base}/",
                cookie,
                lua_rotating("/journal?q=", SEARCH_TERMS, scripts / "p.lua"),
            ),
            "api_search": (
                f"{base}/",
                bearer,
                lua_rotating("/api/v1/tickets?limit=50&q=", SEARCH_TERMS, scripts / "a.lua"),
            ),
        }
        for case, (target, header, script) in cases.items():
            wrk(target, header, 2, script)  # warm-up
            before, cpu = os.getloadavg()[0], CpuShare(served)
            split: list[list[int]] = []
            sampler = threading.Timer(3, sample_split, args=(split, served))
            sampler.start()
            results[case] = wrk(target, header, duration, script)
            sampler.join()
            results[case]["connections_per_worker"] = split[0] if split else []
            # the 1-minute load average counts this run's server and wrk too (about 2-2.5);
            # cpu_pct: the whole machine's and the web server's share of both cores
            results[case]["load_avg_before"] = round(before, 2)
            results[case]["load_avg_after"] = round(os.getloadavg()[0], 2)
            results[case]["cpu_pct"] = cpu.done()
            print(f"  {name} {case}: {results[case]}", flush=True)
        shutil.rmtree(scripts, ignore_errors=True)
    finally:
        served.stop()
        shutil.rmtree(home, ignore_errors=True)
        if name == "postgres":
            admin = create_engine(PG_URL)
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            admin.dispose()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds per measurement")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--note", default="", help="context to keep with the results")
    parser.add_argument(
        "--front",
        choices=FRONTS,
        default="uvicorn",
        help="uvicorn: 2 workers on one socket; nginx: least_conn over 2 single-worker uvicorns",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 1
    report: dict[str, Any] = {
        "benchmark": "web",
        "tickets": args.tickets,
        "concurrency": 50,
        "duration_s": args.duration,
        "server": Served.describe(args.front),
        "load": "wrk -t2 -c50",
        "cpus": os.cpu_count(),
        "targets": {"list_p99_ms": 150, "search_p99_ms": 300},
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_avg_start": [round(x, 2) for x in os.getloadavg()],
        "backends": {},
    }
    for backend in args.backends.split(","):
        try:
            report["backends"][backend] = run_backend(
                backend, args.tickets, args.duration, args.front
            )
        except Exception as exc:  # PostgreSQL may be absent: report, do not crash the suite
            report["backends"][backend] = {"error": f"{type(exc).__name__}: {exc}"}
            print(f"  {backend}: {exc}", file=sys.stderr)
    report["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    if args.note:
        report["note"] = args.note
    results = RESULTS if args.front == "uvicorn" else RESULTS.with_name(f"web-{args.front}.json")
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(f"written {results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
