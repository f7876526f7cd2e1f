"""Analytics over 1,000,000 tickets on SQLite and PostgreSQL: the dashboard's numbers.

Generates a two-year journal (5 shops, both marketplaces, realistic statuses: old appeals are
closed, recent ones open), builds the analytics rollup once, then times what the web
dashboard calls (``mpdesk.services.analytics.dashboard``: all-time totals, the last 12 weeks
by week, marketplace, category and channel, percentiles, money, four SVG charts), the whole of
«Сводка» (``dashboard_page_numbers``: the tiles, the due board in short and the analytics) for
every shop and for two of five, and ``mpdesk stats`` style queries. Each timing gives the
wall-clock median and max and the CPU median; the load average is recorded before and after.
Results go to ``benchmarks/results/analytics.json``.

    .venv/bin/python benchmarks/analytics_bench.py [--tickets 1000000] [--only sqlite|postgres]

PostgreSQL: ``MPDESK_TEST_PG_URL`` or postgres@127.0.0.1:5432/test (a fresh schema, dropped).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import create_engine, text  # noqa: E402

from mpdesk.bootstrap import bootstrap  # noqa: E402
from mpdesk.config import Settings  # noqa: E402
from mpdesk.services import analytics, deadlines  # noqa: E402
from mpdesk.services.ports.analytics import StatsFilter  # noqa: E402

NOW = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
PG_URL = os.environ.get("MPDESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CATEGORIES = ["acceptance", "logistics", "listing", "inventory", "compliance", "finance", "other"]
CHANNELS = {
    "wb": ["wb_service_desk", "wb_help_form"],
    "ozon": ["ozon_seller_support", "ozon_fbs_fbo_chat"],
}
SHOPS = [("ВБ-1", "wb"), ("ВБ-2", "wb"), ("ВБ-3", "wb"), ("Озон-1", "ozon"), ("Озон-2", "ozon")]
COLUMNS = (
    "id shop_id marketplace category status subject body description channel_id external_id "
    "submitted_at reply_due_at first_answer_at closed_at urgent_sign amount_claimed "
    "amount_recovered created_at updated_at version case_id"
).split()


def _ts(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def rows(count: int, seed: int = 6):  # type: ignore[no-untyped-def]
    rnd = random.Random(seed)
    start = NOW - timedelta(days=730)
    span = 730 * 86400
    for i in range(1, count + 1):
        shop = 1 + rnd.randrange(len(SHOPS))
        mp = SHOPS[shop - 1][1]
        created = start + timedelta(seconds=rnd.randrange(span))
        age = (NOW - created).days
        sent = created + timedelta(minutes=rnd.randrange(5, 600))
        answered = sent + timedelta(minutes=int(rnd.lognormvariate(7.3, 0.9)))
        closed = answered + timedelta(minutes=int(rnd.lognormvariate(8, 1.0)))
        roll = rnd.random()
        if age > 30 or (closed < NOW and roll < 0.7):
            status = "resolved" if roll < 0.72 else ("rejected" if roll < 0.95 else "answered")
        elif answered < NOW and roll < 0.6:
            status = "answered"
        elif roll < 0.9:
            status = "submitted"
        else:
            status = "draft"
        if status == "draft":
            sent = answered = closed = None  # type: ignore[assignment]
        elif status == "submitted":
            answered = closed = None  # type: ignore[assignment]
        elif status == "answered":
            closed = None  # type: ignore[assignment]
        claimed = rnd.randrange(100, 200_000) * 100 if rnd.random() < 0.3 else None
        recovered = (
            claimed * rnd.choice((0, 50, 100)) // 100 if claimed and status == "resolved" else None
        )
        yield (
            i, shop, mp, rnd.choice(CATEGORIES), status, f"Обращение {i}", "Текст обращения " * 8,
            "Описание проблемы", rnd.choice(CHANNELS[mp]), f"SD-{i}" if sent else "",
            _ts(sent), _ts(sent + timedelta(hours=48)) if status == "submitted" and sent else None,
            _ts(answered), _ts(closed), None, claimed, recovered, _ts(created),
            _ts(closed or answered or sent or created), 1, i,
        )  # fmt: skip


def load_sqlite(path: Path, count: int) -> None:
    db = sqlite3.connect(path)
    db.executemany(
        "INSERT INTO shops (id, name, marketplace, is_default, created_at) VALUES (?,?,?,?,?)",
        [
            (i + 1, n, mp, i in (0, 3), "2024-01-01 00:00:00.000000")
            for i, (n, mp) in enumerate(SHOPS)
        ],
    )
    sql = f"INSERT INTO tickets ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    batch: list[tuple[object, ...]] = []
    for row in rows(count):
        batch.append(row)
        if len(batch) == 50_000:
            db.executemany(sql, batch)
            batch.clear()
    db.executemany(sql, batch)
    db.commit()
    # No ANALYZE: mpdesk never runs it, so the queries must find their indexes without
    # statistics, as in a real journal. One transaction of a million rows leaves a WAL of
    # about 1 GB behind, which every read then searches; a journal that grows by everyday
    # writes is checkpointed every 1000 pages (SQLite's default), so the timings start from a
    # checkpointed file, as in real use.
    busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0, "the WAL could not be checkpointed"
    db.close()


def load_postgres(url: str, count: int) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        raw = conn.connection.dbapi_connection
        with raw.cursor() as cur:  # type: ignore[union-attr]
            for i, (name, mp) in enumerate(SHOPS):
                cur.execute(
                    "INSERT INTO shops (id, name, marketplace, is_default, created_at) "
                    "VALUES (%s, %s, %s, %s, '2024-01-01')",
                    (i + 1, name, mp, i in (0, 3)),
                )
            with cur.copy(f"COPY tickets ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows(count):
                    copy.write_row(row)
            cur.execute("SELECT setval('tickets_id_seq', %s)", (count,))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE tickets"))
    engine.dispose()


def timed(fn, repeat: int = 5) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Wall-clock median and max, and the median CPU time of this process (robust to other
    processes on a busy machine)."""
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
        "cpu_median_s": round(statistics.median(cpu), 3),
    }


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def dashboard_page(ctx, shop_ids=None) -> None:  # type: ignore[no-untyped-def]
    """Every number «Сводка» shows: the tiles, the deadlines and the analytics with charts."""
    now = ctx.clock.now()
    analytics.journal_summary(ctx, shop_ids, now, now + timedelta(hours=24))
    deadlines.due_summary(ctx, shop_ids)
    analytics.dashboard(ctx, shop_ids)


def run(kind: str, url: str, home: Path, count: int) -> dict[str, object]:
    settings = Settings(home=home, database_url=url, now=NOW, kb_dir=home / "none")
    app = bootstrap(settings)  # creates the schema (migrations)
    t0 = time.perf_counter()
    if kind == "sqlite":
        load_sqlite(Path(url.removeprefix("sqlite:///")), count)
    else:
        load_postgres(url, count)
    loaded = time.perf_counter() - t0
    ctx = app.ctx
    t0 = time.perf_counter()
    days = analytics.refresh(ctx, full=True)
    build = time.perf_counter() - t0
    month = StatsFilter(day_from=datetime(2026, 10, 1).date(), day_to=datetime(2026, 11, 1).date())
    board = deadlines.due_summary(ctx)
    result: dict[str, object] = {
        "tickets": count,
        "load_average_before": load_average(),
        "load_s": round(loaded, 1),
        "rollup_full_build_s": round(build, 2),
        "rollup_days": days,
        "clock_tickets": sum(
            len(b) for b in deadlines.deadline_ports(ctx).analytics.iter_clock_tickets(None)
        ),
        "clocks_overdue_today_week": [s.clocks for s in board.sections],
        "refresh_noop": timed(lambda: analytics.refresh(ctx)),
        "dashboard": timed(lambda: analytics.dashboard(ctx)),
        "dashboard_two_shops": timed(lambda: analytics.dashboard(ctx, [1, 4])),
        "journal_summary": timed(
            lambda: analytics.journal_summary(ctx, None, NOW, NOW + timedelta(hours=24))
        ),
        "due_summary": timed(lambda: deadlines.due_summary(ctx)),
        "dashboard_page_numbers": timed(lambda: dashboard_page(ctx)),
        "dashboard_page_numbers_two_shops": timed(lambda: dashboard_page(ctx, [1, 4])),
        "stats_all_time_by_marketplace_category_channel": timed(
            lambda: analytics.compute_stats(
                ctx, StatsFilter(), ["marketplace", "category", "channel"]
            )
        ),
        "stats_one_month_by_week": timed(lambda: analytics.compute_stats(ctx, month, ["week"])),
        "stats_one_month_recurring": timed(
            lambda: analytics.compute_stats(ctx, month, [], recurring=True), repeat=2
        ),
    }
    result["check_total"] = analytics.dashboard(ctx).total.total
    result["load_average_after"] = load_average()
    if app.engine is not None:
        app.engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    results: dict[str, object] = {
        "tickets": args.tickets,
        "machine": f"{os.cpu_count()} cores",
        "command": "python benchmarks/analytics_bench.py"
        + (f" --only {args.only}" if args.only else ""),
        "load_average_at_start": load_average(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        if args.only in (None, "sqlite"):
            results["sqlite"] = run("sqlite", f"sqlite:///{home / 'bench.db'}", home, args.tickets)
            print("sqlite", json.dumps(results["sqlite"], ensure_ascii=False), flush=True)
        if args.only in (None, "postgres"):
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(PG_URL)
            try:
                with admin.begin() as conn:
                    conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            except Exception as exc:  # no server: report and go on
                results["postgres"] = {"skipped": f"{type(exc).__name__}"}
            else:
                sep = "&" if "?" in PG_URL else "?"
                url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
                try:
                    results["postgres"] = run("postgres", url, home / "pg", args.tickets)
                finally:
                    with admin.begin() as conn:
                        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
            print("postgres", json.dumps(results["postgres"], ensure_ascii=False), flush=True)
    out = ROOT / "benchmarks" / "results" / "analytics.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"→ {out}")


if __name__ == "__main__":
    main()
