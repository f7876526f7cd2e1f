"""``mpdesk sync`` killed with SIGKILL at several points resumes without losing or duplicating
anything: the stored files, their rows, the streams' cursors, the findings and the evidence
blobs end up exactly as after a run that was never interrupted (SQLite and PostgreSQL).

The sync runs as a real process against a loopback Ozon server that answers from the request
alone (so a repeated request gets the same bytes) and checks every request against the pinned
spec. The kill points, one after another in the same journal:

1. a request in flight: the server holds its answer while the process is killed;
2. a page written to the evidence store but not committed: the test holds the database's write
   lock when the server answers, waits for the page's blob, then kills;
3. a blob half written: a 24 MB page is caught while its temporary file exists (on a machine
   too fast for that, the process is killed at the next point instead);
4. during the audit: when the sync's temporary folder of files to audit appears;
5. (PostgreSQL) after the findings are saved, before the files are marked audited: the test
   locks the unaudited rows of ``sync_files`` and kills the process once it waits on them.

Then ``mpdesk sync`` runs to the end and the state is compared with an uninterrupted run; the
killed runs' temporary copies of the reports are gone too.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine
from werkzeug import Request, Response

from mpdesk.adapters.db.tables_audit import findings
from mpdesk.adapters.db.tables_sync import sync_files, sync_streams
from mpdesk.bootstrap import bootstrap
from mpdesk.config import Settings
from tests.cli import run
from tests.connectors.conftest import OZON_KEY, OZON_SPECS
from tests.connectors.spec_server import SpecServer
from tests.importers.ozon.compensation_files import compensation_bytes, decompensation_bytes

#: how long the test waits for something the process must do (never reached when it works)
PATIENCE_S = 60.0
FIRST_WINDOW = "2026-10-20T21:00:00Z"  # 30 days back from the frozen clock's Moscow midnight
#: the second window's transactions page is padded with spaces (valid JSON, stored as sent),
#: so writing its blob takes long enough to be caught half-way
PADDING = 24 * 1024 * 1024


class OzonMarket(SpecServer):
    """The Ozon spec server answering from each request alone, with a hook per request."""

    def __init__(self, httpserver: HTTPServer, reports: dict[str, bytes]) -> None:
        super().__init__(httpserver, OZON_SPECS)
        self.files = {f"/files/{code}.xlsx": body for code, body in reports.items()}
        self.served = 0
        self.hook: Callable[[int], None] | None = None
        self.bodies: list[bytes] = []  # what was answered, in order

    def _handle(self, request: Request) -> Response:
        if request.method == "GET" and request.path in self.files:
            body, content_type = self.files[request.path], "application/octet-stream"
        else:
            operation = next(
                (o for o in self._operations
                 if o.method == request.method and o.pattern.match(request.path)),
                None,
            )  # fmt: skip
            if operation is None:
                self.violations.append(f"{request.method} {request.path}: no such operation")
                return Response(b"", status=404)
            asked = self._check(operation, request)
            self.seen.append((request.method, operation.template, dict(request.args), asked))
            body = json.dumps(self.answer_for(operation.template, asked)).encode()
            content_type = "application/json"
            if operation.template == "/v3/finance/transaction/list" and self.padded(asked):
                body += b" " * PADDING
        self.served += 1
        self.bodies.append(body)
        if self.hook is not None:
            self.hook(self.served)
        return Response(body, status=200, content_type=content_type)

    @staticmethod
    def padded(asked: dict[str, Any]) -> bool:
        return bool(asked["filter"]["date"]["from"] != FIRST_WINDOW and asked.get("page") == 1)

    def answer_for(self, path: str, asked: dict[str, Any]) -> Any:
        if path == "/v3/finance/transaction/list":
            start = asked["filter"]["date"]["from"]
            pages = 3 if start == FIRST_WINDOW else 1
            answer = self.response_example("POST", path)
            template = answer["result"]["operations"][0]
            ops = []
            for i in range(2):  # two operations a page, one a loss at the warehouse
                number = int(hashlib.sha256(f"{start}|{asked['page']}|{i}".encode())
                             .hexdigest()[:10], 16)  # fmt: skip
                lost = {"operation_type": "OperationLackWriteOff", "amount": 100.0 + i} if i else {}
                ops.append({**template, "operation_id": number, **lost})
            answer["result"].update({"operations": ops, "page_count": pages, "row_count": 2})
            return answer
        if path == "/v2/supply-order/list":
            first = not asked["paging"].get("from_supply_order_id")
            return {"supply_order_id": ["7"] if first else [], "last_supply_order_id": 7}
        if path == "/v2/supply-order/get":
            return self.response_example("POST", path)
        if path == "/v2/posting/fbo/list":
            return {"result": []}
        if path == "/v3/posting/fbs/list":
            return {"result": {"has_next": False, "postings": []}}
        if path in ("/v1/finance/compensation", "/v1/finance/decompensation"):
            return {"result": {"code": f"{path.rsplit('/', 1)[-1]}-{asked['date']}"}}
        if path == "/v1/report/info":
            info = self.response_example("POST", path)["result"]
            code = asked["code"]
            link = f"{self.url}/files/{code}.xlsx"
            return {"result": {**info, "code": code, "status": "success", "file": link}}
        raise AssertionError(f"no answer for {path}")


class Pause:
    """Holds the server's answer to one request until the test says go."""

    def __init__(self, market: OzonMarket, at: int) -> None:
        self.at = at
        self.reached = threading.Event()
        self.go = threading.Event()
        market.served, market.hook = 0, self

    def __call__(self, served: int) -> None:
        if served == self.at:
            self.reached.set()
            self.go.wait(PATIENCE_S)


#: what each started sync wrote on stderr (``--debug``: the traceback of an unexpected error)
STDERR: dict[int, Path] = {}


def wait_until(what: str, check: Callable[[], bool], proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not check():
        if proc.poll() is not None:
            said = STDERR[proc.pid].read_text(errors="replace")[-3000:]
            raise AssertionError(f"the sync ended (exit {proc.returncode}) before {what}: {said}")
        if time.monotonic() > deadline:
            raise AssertionError(f"the sync never reached {what}")
        time.sleep(0.01)


def start_sync(tmp: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TMPDIR": str(tmp)}
    log = tmp / f"sync-{len(STDERR)}.stderr"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mpdesk", "--debug", "sync", "--json"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,  # its own group: the audit's helpers are found and waited for
        )
    STDERR[proc.pid] = log
    return proc


def kill(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the sync process alone (as ``kill -9 PID``), then wait until the helpers it
    started (the audit's fork server and children) have noticed and gone."""
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(PATIENCE_S) == -signal.SIGKILL
    deadline = time.monotonic() + PATIENCE_S
    while True:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError("a process of the killed sync is still running")
        time.sleep(0.02)


def audit_folders(tmp: Path) -> set[str]:
    return {p.name for p in tmp.iterdir() if p.name.startswith("mpdesk-sync-")}


def half_written(home: Path) -> bool:
    return any((home / "files").rglob(".tmp-*"))


def blob(home: Path, body: bytes) -> Path:
    sha = hashlib.sha256(body).hexdigest()
    return home / "files" / sha[:2] / sha[2:4] / sha


@contextmanager
def write_lock(url: str, engine: Engine, statement: str) -> Iterator[int]:
    """Hold a lock: SQLite's write lock on the whole file, or on PostgreSQL what
    ``statement`` takes; yields the PostgreSQL session's process id (0 on SQLite)."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield 0
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    with engine.connect() as pg:
        pg.execute(text(statement))
        try:
            yield int(pg.execute(text("SELECT pg_backend_pid()")).scalar_one())
        finally:
            pg.rollback()


def blocked_by(engine: Engine, holder: int) -> bool:
    """Some session waits for a lock the session ``holder`` holds."""
    query = text("SELECT count(*) FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid))")
    with engine.connect() as conn:
        return bool(conn.execute(query, {"holder": holder}).scalar())


def snapshot(home: Path) -> dict[str, Any]:
    """What a sync leaves behind, independent of the database and of ids given by it."""
    app = bootstrap(Settings())
    assert app.engine is not None
    try:
        with app.engine.connect() as conn:
            files = sorted(
                (r.stream, r.sha256, r.name, r.size, r.rows, r.audited_at is not None)
                for r in conn.execute(select(sync_files))
            )
            streams = {r.stream: r.state for r in conn.execute(select(sync_streams))}
            found = sorted(
                (r.id, r.kind, str(r.amount), r.status, json.dumps(r.evidence, sort_keys=True))
                for r in conn.execute(select(findings))
            )
    finally:
        app.engine.dispose()
    store = home / "files"
    blobs = sorted(p.name for p in store.rglob("*") if p.is_file() and not p.name.startswith("."))
    leftovers = sorted(p.name for p in store.rglob(".tmp-*"))
    return {"files": files, "streams": streams, "findings": found, "blobs": blobs,
            "leftovers": leftovers}  # fmt: skip


def connect(market: OzonMarket) -> None:
    done = run("shop", "connect", "Озон", "-m", "ozon", stdin=f"123456\n{OZON_KEY}\n")
    assert done.code == 0, done.stderr


def reference(market: OzonMarket, home: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The state after one sync never interrupted, in a journal of its own (SQLite)."""
    monkeypatch.setenv("MPDESK_HOME", str(home))
    monkeypatch.delenv("MPDESK_DATABASE_URL", raising=False)
    from mpdesk.entrypoints.cli import state

    state.reset()
    connect(market)
    market.hook = None
    done = run("sync", "--json")
    assert done.code == 0, done.stderr
    state.reset()
    return snapshot(home)


@pytest.fixture
def market(httpserver: HTTPServer, tmp_path: Path) -> Iterator[OzonMarket]:
    reports = {
        "compensation-2026-10": compensation_bytes(tmp_path),
        "decompensation-2026-10": decompensation_bytes(tmp_path),
    }
    server = OzonMarket(httpserver, reports)
    yield server
    httpserver.clear()


@pytest.mark.slow
@pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_sync_killed_anywhere_resumes_to_the_same_state(
    database: str,
    cli_env: Path,
    market: OzonMarket,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    monkeypatch.setenv("MPDESK_MARKETPLACE_API_URL", market.url)
    expected = reference(market, tmp_path / "reference", monkeypatch)
    assert expected["leftovers"] == [] and len(expected["findings"]) >= 5
    kinds = {f[1] for f in expected["findings"]}
    assert {"ozon_writeoff", "ozon_compensation_reduced", "ozon_decompensation"} <= kinds

    home = tmp_path / "killed"
    monkeypatch.setenv("MPDESK_HOME", str(home))
    url = f"sqlite:///{home / 'killed.db'}"
    if database == "postgres":
        url = str(request.getfixturevalue("pg_url"))
    monkeypatch.setenv("MPDESK_DATABASE_URL", url)
    from mpdesk.entrypoints.cli import state

    state.reset()
    connect(market)
    engine = create_engine(url)
    # the syncs' TMPDIR, short: the audit's fork server binds a Unix socket under it (at most
    # 107 bytes), which pytest's own folders under xdist would exceed
    scratch = Path(tempfile.mkdtemp(prefix="mpdesk-kill-", dir="/tmp"))
    request.addfinalizer(lambda: shutil.rmtree(scratch, ignore_errors=True))
    try:
        # 1. the second transactions page in flight
        pause = Pause(market, 2)
        proc = start_sync(scratch)
        assert pause.reached.wait(PATIENCE_S), "the sync never asked for the second page"
        kill(proc)
        pause.go.set()

        # 2. the next page stored as a blob, its transaction waiting for the write lock
        pause = Pause(market, 2)
        proc = start_sync(scratch)
        assert pause.reached.wait(PATIENCE_S)
        page = market.bodies[-1]
        with write_lock(url, engine, "LOCK TABLE sync_files IN EXCLUSIVE MODE") as holder:
            pause.go.set()
            wait_until("the page's blob", lambda: blob(home, page).exists(), proc)
            if holder:
                wait_until("the page's commit", lambda: blocked_by(engine, holder), proc)
            kill(proc)
        with engine.connect() as conn:  # the killed page was not recorded
            stored = {r.sha256 for r in conn.execute(select(sync_files))}
        assert hashlib.sha256(page).hexdigest() not in stored

        # 3. a blob half written (the padded page), if the write is caught under way
        market.hook = None
        proc = start_sync(scratch)
        wait_until("a blob write", lambda: half_written(home) or bool(audit_folders(scratch)),
                   proc)  # fmt: skip
        audited = bool(audit_folders(scratch))
        kill(proc)
        if not audited:  # 4. the audit under way
            proc = start_sync(scratch)
            wait_until("the audit", lambda: bool(audit_folders(scratch)), proc)
            kill(proc)
        assert audit_folders(scratch)  # the killed audit's copies of the reports are left

        # 5. findings saved, the files not yet marked audited: their rows locked beforehand
        if database == "postgres":
            lock = "SELECT id FROM sync_files WHERE audited_at IS NULL FOR UPDATE"
            with write_lock(url, engine, lock) as holder:
                proc = start_sync(scratch)
                wait_until("marking the files audited", lambda: blocked_by(engine, holder), proc)
                kill(proc)
            with engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM findings")).scalar()
    finally:
        engine.dispose()

    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    done = run("sync", "--json")
    assert done.code == 0, done.stderr
    (summary,) = done.json()
    assert summary["outcome"] == "ok"
    state.reset()
    assert market.violations == []
    assert snapshot(home) == expected
    assert audit_folders(scratch) == set()  # removed by the next sync
