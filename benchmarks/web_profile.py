"""Per-request CPU of the four endpoints of the web benchmark, measured in-process.

    .venv/bin/python benchmarks/web_profile.py [--tickets N] [--requests N] [--backends LIST]
        [--cache DIR] [--breakdown | --profile CASE]

The journal (1,000,000 tickets by default) is filled once with ``web_bench.py``'s own code and
kept in ``--cache`` (SQLite file, PostgreSQL schema ``bench_web_profile``); later runs reuse it
and only upgrade its schema. Each case sends ``--requests`` GET requests through the ASGI app
(a minimal driver on one event loop: no sockets, no server, no job loop) after a warm-up and
reports the CPU time per request of this process (``time.process_time``: app, driver, SQLite)
and, on PostgreSQL, of the database backends serving it (``db_cpu_ms``, from the backends this
process is connected to). ``--breakdown`` runs the handlers on the loop's thread and adds the
CPU of each part (auth, query, urgency, template, JSON); ``--profile CASE`` prints the cProfile
of one case. Results (plain runs only): benchmarks/results/web_profile.json.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil
from web_bench import PG_URL, SEARCH_TERMS, new_journal, new_schema

from mpdesk.bootstrap import bootstrap
from mpdesk.config import Settings
from mpdesk.entrypoints.web.app import create_app

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results" / "web_profile.json"
SCHEMA = "bench_web_profile"
CASES = ("journal_page", "api_list", "journal_search", "api_search")


def database_url(backend: str, cache: Path) -> str:
    if backend == "postgres":
        return f"{PG_URL}?options=-csearch_path%3D{SCHEMA}"
    return f"sqlite:///{cache / 'mpdesk.db'}"


def build(backend: str, cache: Path, n: int) -> dict[str, str]:
    """The filled journal with its credentials, built once per cache directory."""
    creds_file = cache / "credentials.json"
    if creds_file.exists():
        creds: dict[str, str] = json.loads(creds_file.read_text())
        if int(creds["tickets"]) == n:
            return creds
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    url = new_schema(SCHEMA) if backend == "postgres" else database_url(backend, cache)
    token, session, _ = new_journal(backend, cache / "home", url, n)
    creds = {"tickets": str(n), "token": token, "session": session}
    creds_file.write_text(json.dumps(creds))
    return creds


def backend_seconds() -> float:
    """CPU seconds of the PostgreSQL backends this process is connected to."""
    ports = {
        c.laddr.port
        for c in psutil.Process().net_connections("tcp")
        if c.raddr and c.raddr.port == 5432 and c.status == "ESTABLISHED"
    }
    total = 0.0
    for proc in psutil.process_iter(["cmdline"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if cmd.startswith("postgres:") and any(f"({port})" in cmd for port in ports):
            try:
                times = proc.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system
    return total


Request = tuple[str, str, list[tuple[bytes, bytes]]]  # path, query string, headers


def requests_for(creds: dict[str, str]) -> dict[str, Callable[[int], Request]]:
    cookie = [(b"cookie", f"mpdesk_session={creds['session']}".encode())]
    bearer = [(b"authorization", f"Bearer {creds['token']}".encode())]

    def term(i: int) -> str:
        return quote(SEARCH_TERMS[i % len(SEARCH_TERMS)])

    return {
        "journal_page": lambda i: ("/journal", "", cookie),
        "api_list": lambda i: ("/api/v1/tickets", "limit=50", bearer),
        "journal_search": lambda i: ("/journal", f"q={term(i)}", cookie),
        "api_search": lambda i: ("/api/v1/tickets", f"limit=50&q={term(i)}", bearer),
    }


async def call(app: Any, request: Request) -> tuple[int, bytes]:
    """One GET through the ASGI app, as a server would send it (no sockets)."""
    path, query, headers = request
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": query.encode(), "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
    }  # fmt: skip
    status, body = 0, []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(body)


def inline_threadpool() -> None:
    """For cProfile only (it sees one thread): run the plain ``def`` handlers and
    dependencies on the event loop's thread instead of the threadpool."""
    import fastapi.dependencies.utils
    import fastapi.routing

    from mpdesk.entrypoints.web import body_limit

    async def run_inline(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    for module in (fastapi.routing, fastapi.dependencies.utils, body_limit):
        module.run_in_threadpool = run_inline  # type: ignore[attr-defined]


#: where a request's CPU goes (``--breakdown``): functions timed inclusive of what they call
PARTS = {
    "auth (session)": ("mpdesk.services.accounts", "session_principal"),
    "auth (token)": ("mpdesk.services.accounts", "token_principal"),
    "shops": ("mpdesk.services.access", "visible_shops"),
    "page query": ("mpdesk.adapters.db.repositories", "SqlTicketRepository.list_counted"),
    "search query": ("mpdesk.adapters.db.repositories", "SqlTicketRepository.list"),
    "capped count": ("mpdesk.adapters.db.repositories", "SqlTicketRepository.count_upto"),
    "identifiers": ("mpdesk.adapters.db.repositories", "SqlTicketRepository._load_children"),
    "urgency": ("mpdesk.services.urgency", "notes_for"),
    "template": ("mpdesk.entrypoints.web.routes.journal", "render"),
    "json": ("mpdesk.entrypoints.api.routes", "to_json"),
    "ticket_public": ("mpdesk.entrypoints.api.routes", "ticket_public"),
}
#: the parts that do not call one another (the rest of a request: framework, middleware)
TOP_PARTS = ("auth (session)", "auth (token)", "shops", "page query", "capped count", "urgency",
             "template", "json", "ticket_public")  # fmt: skip


def timed_parts() -> dict[str, float]:
    """Wrap each of ``PARTS`` to add up its CPU seconds (run with ``inline_threadpool``)."""
    import functools
    import importlib

    spent = dict.fromkeys(PARTS, 0.0)
    for label, (module_name, qualname) in PARTS.items():
        owner: Any = importlib.import_module(module_name)
        *path, name = qualname.split(".")
        for attr in path:
            owner = getattr(owner, attr)
        original = getattr(owner, name)

        def wrapper(*args: Any, _f: Any = original, _l: str = label, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return _f(*args, **kwargs)
            finally:
                spent[_l] += time.process_time() - started

        setattr(owner, name, functools.wraps(original)(wrapper))
    return spent


async def run_case(app: Any, make: Callable[[int], Request], count: int, start: int) -> None:
    for i in range(start, start + count):
        status, _ = await call(app, make(i))
        assert status == 200, status


def measure(
    backend: str, cache: Path, n: int, count: int, repeat: int, profile: str, breakdown: bool
) -> dict[str, Any]:
    creds = build(backend, cache, n)
    spent: dict[str, float] = {}
    if profile or breakdown:
        inline_threadpool()
    if breakdown:
        spent = timed_parts()
    app = bootstrap(Settings(home=cache / "home", database_url=database_url(backend, cache)))
    api = create_app(app)  # no lifespan: no job loop in this process
    results: dict[str, Any] = {}
    for case, make in requests_for(creds).items():
        if profile and case != profile:
            continue
        asyncio.run(run_case(api, make, max(10, count // 5), 0))  # warm-up
        if profile:
            prof = cProfile.Profile()
            prof.enable()
            asyncio.run(run_case(api, make, count, 0))
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(90)
            pstats.Stats(prof).sort_stats("tottime").print_stats(40)
            continue
        runs = []
        for _ in range(repeat):  # the least of several runs: the machine is shared
            spent.update(dict.fromkeys(spent, 0.0))
            db0, cpu0, wall0 = backend_seconds(), time.process_time(), time.perf_counter()
            asyncio.run(run_case(api, make, count, 0))
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
            runs.append((cpu, wall, backend_seconds() - db0, dict(spent)))
        cpu, wall, db, parts = min(runs, key=lambda run: run[0])
        row = {
            "cpu_ms": round(1000 * cpu / count, 2),
            "cpu_ms_median": round(1000 * statistics.median(r[0] for r in runs) / count, 2),
            "wall_ms": round(1000 * wall / count, 2),
        }
        if backend == "postgres":
            row["db_cpu_ms"] = round(1000 * db / count, 2)
        for label, seconds in parts.items():
            if seconds:
                row[label] = round(1000 * seconds / count, 2)
        if parts:
            top = sum(parts[label] for label in TOP_PARTS)
            row["other"] = round(1000 * (cpu - top) / count, 2)
        results[case] = row
        print(f"  {backend} {case}: {row}", flush=True)
    assert app.engine is not None
    app.engine.dispose()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per case")
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (the least counts)")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("MPDESK_BENCH_CACHE", ROOT / ".cache")),
    )
    parser.add_argument("--profile", choices=CASES, default="", help="print cProfile of a case")
    parser.add_argument(
        "--breakdown", action="store_true", help="CPU ms of each part (handlers inline)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--note", default="", help="context to keep with the results")
    args = parser.parse_args()
    report: dict[str, Any] = {
        "benchmark": "web_profile",
        "tickets": args.tickets,
        "requests_per_case": args.requests,
        "runs_per_case": args.repeat,
        "measure": "CPU ms per request in-process (least of the runs), PostgreSQL backends apart",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_avg_start": [round(x, 2) for x in os.getloadavg()],
        "backends": {},
    }
    for backend in args.backends.split(","):
        cache = args.cache / f"web-{backend}"
        report["backends"][backend] = measure(
            backend,
            cache,
            args.tickets,
            args.requests,
            args.repeat,
            args.profile,
            args.breakdown,
        )
    report["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    if args.note:
        report["note"] = args.note
    if not args.profile and not args.breakdown:
        args.output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        print(f"written {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
