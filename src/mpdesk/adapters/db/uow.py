"""Unit of work over one SQLAlchemy connection and transaction; engine creation."""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Connection, Engine, create_engine, event, exc

from mpdesk.adapters.db.repositories import SqlTicketRepository
from mpdesk.adapters.db.shops import SqlShopRepository


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


#: a pooled PostgreSQL connection idle longer than this is pinged before it is handed out
PING_AFTER_IDLE_SECONDS = 5.0


def _stamp_checkin(_dbapi_conn: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_when_idle(engine: Engine) -> None:
    """Pessimistic disconnect handling for connections that sat idle in the pool: a restarted
    server or a dropped connection is noticed before use (the pool discards it and takes
    another), while a busy pool, one checkout per request, skips the round trip that
    ``pool_pre_ping`` made on every checkout."""

    def ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except Exception as error:
            raise exc.DisconnectionError() from error
        if not alive:
            raise exc.DisconnectionError()

    event.listen(engine, "checkin", _stamp_checkin)
    event.listen(engine, "checkout", ping_if_idle)


def _private_file(path: Path) -> None:
    """The journal is readable by its owner only, like the secret key and the stored files:
    created 0600 (SQLite gives its -wal and -shm files the same mode), and an older file of
    ours that others could read is closed to them."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        info = path.stat()
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            os.chmod(path, 0o600)
    except OSError:
        return  # a read-only location: SQLite reports it in its own words


#: connections a process keeps (``MPDESK_DB_POOL_SIZE``): SQLAlchemy's own default allows 15
#: at once, but keeps only 5 and opens and closes the others around every use under load
DEFAULT_POOL_SIZE = 15


def make_engine(url: str, pool_size: int = DEFAULT_POOL_SIZE) -> Engine:
    """An engine whose pool keeps ``pool_size`` connections and opens no more: under load a
    use waits for a free connection (up to 30 s) rather than connecting anew, which costs a
    server process on PostgreSQL and a cold page cache on SQLite."""
    pool = {"pool_size": pool_size, "max_overflow": 0}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1].split("?", 1)[0] if "///" in url else ""
        if not path or path == ":memory:" or path.startswith("file:"):
            pool = {}  # an in-memory database lives in one connection: SQLAlchemy's own pool
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            _private_file(Path(path))
        engine = create_engine(url, connect_args={"timeout": 10}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, **pool)
    _ping_when_idle(engine)
    return engine


class SqlUnitOfWork:
    tickets: SqlTicketRepository
    shops: SqlShopRepository

    def __init__(self, engine: Engine, read_only: bool = False) -> None:
        self.engine = engine
        self.read_only = read_only
        self.conn: Connection | None = None

    def __enter__(self) -> Self:
        self.conn = self.engine.connect()
        if self.read_only and self.conn.dialect.name == "postgresql":
            # reads of one page need no transaction: no BEGIN and no ROLLBACK round trips
            self.conn.execution_options(isolation_level="AUTOCOMMIT")
        self.conn.begin()
        self.tickets = SqlTicketRepository(self.conn)
        self.shops = SqlShopRepository(self.conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.conn is not None
        try:
            self.rollback()
        finally:
            self.conn.close()
            self.conn = None

    def commit(self) -> None:
        assert self.conn is not None
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        self.conn.commit()

    def rollback(self) -> None:
        if self.conn is not None and self.conn.in_transaction():
            self.conn.rollback()
