"""``ReminderLog`` in SQL: the sent-reminders ledger and periodic-job bookkeeping.

``claim`` inserts ``(event_key, channel)`` rows with ``ON CONFLICT DO NOTHING ... RETURNING``
(SQLite ≥ 3.35 and PostgreSQL), so of several processes racing for the same event exactly one
gets it, and a reminder is never sent twice. ``exclusive`` holds a PostgreSQL session-level
advisory lock on a dedicated connection; on SQLite a file lock next to the journal plays that
part (the ledger alone would already keep every reminder single).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, and_, delete, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from mpdesk.adapters.db import tables_deadlines as td

_LOCK_BASE = 0x6D70_0000


def lock_key(job: str) -> int:
    return _LOCK_BASE + zlib.crc32(job.encode("utf-8")) % 0xFFFF


class SqlReminderLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    def _insert(self) -> postgresql.Insert | sqlite.Insert:
        if self.dialect == "postgresql":
            return postgresql.insert(td.sent_reminders)
        return sqlite.insert(td.sent_reminders)

    def claim(
        self, events: Sequence[tuple[str, int | None]], channel: str, now: datetime
    ) -> list[str]:
        if not events:
            return []
        rows = [
            {"event_key": key, "channel": channel, "ticket_id": tid, "status": "pending",
             "claimed_at": now}
            for key, tid in dict(events).items()
        ]  # fmt: skip
        statement = (
            self._insert()
            .on_conflict_do_nothing(index_elements=["event_key", "channel"])
            .returning(td.sent_reminders.c.event_key)
        )
        claimed: list[str] = []
        with self.engine.begin() as conn:
            for row in rows:
                claimed.extend(conn.execute(statement, row).scalars())
        return claimed

    def mark_sent(self, keys: Sequence[str], channel: str, now: datetime) -> None:
        c = td.sent_reminders.c
        with self.engine.begin() as conn:
            for start in range(0, len(keys), 500):
                conn.execute(
                    update(td.sent_reminders)
                    .where(c.channel == channel, c.event_key.in_(keys[start : start + 500]))
                    .values(status="sent", sent_at=now)
                )

    def release(self, keys: Sequence[str], channel: str) -> None:
        c = td.sent_reminders.c
        with self.engine.begin() as conn:
            for start in range(0, len(keys), 500):
                conn.execute(
                    delete(td.sent_reminders).where(
                        and_(c.channel == channel, c.status == "pending"),
                        c.event_key.in_(keys[start : start + 500]),
                    )
                )

    def sent_count(self, channel: str | None = None) -> int:
        c = td.sent_reminders.c
        query = select(func.count()).where(c.status == "sent")
        if channel:
            query = query.where(c.channel == channel)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    @contextmanager
    def exclusive(self, job: str) -> Iterator[bool]:
        if self.dialect != "postgresql":
            with _file_lock(self.engine, job) as got:
                yield got
            return
        key = lock_key(job)
        with self.engine.connect() as conn:
            # per schema: journals of one database in other schemas hold their own locks
            try_lock = (
                "SELECT pg_try_advisory_lock(CAST(:k AS bigint) + hashtext(current_schema()))"
            )
            got = bool(conn.execute(text(try_lock), {"k": key}).scalar())
            conn.commit()
            try:
                yield got
            finally:
                if got:
                    unlock = (
                        "SELECT pg_advisory_unlock(CAST(:k AS bigint) + hashtext(current_schema()))"
                    )
                    conn.execute(text(unlock), {"k": key})
                    conn.commit()

    def record_run(self, job: str, started: datetime, finished: datetime, result: str) -> None:
        c = td.job_runs.c
        values = {"started_at": started, "finished_at": finished, "result": result}
        with self.engine.begin() as conn:
            done = conn.execute(update(td.job_runs).where(c.name == job).values(**values))
            if done.rowcount == 0:
                conn.execute(td.job_runs.insert().values(name=job, **values))


@contextmanager
def _file_lock(engine: Engine, job: str) -> Iterator[bool]:
    """Non-blocking ``flock`` on ``<journal>.<job>.lock`` next to a SQLite journal, so that the
    processes of ``mpdesk serve --workers N`` run a job one at a time; ``True`` without a file
    (in-memory journal) or without ``fcntl`` (the ledger still keeps reminders single)."""
    database = engine.url.database or ""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield True
        return
    if not database or database == ":memory:":
        yield True
        return
    with Path(f"{database}.{job}.lock").open("a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
