"""Connections and sync progress in the journal's database (tables of ``tables_sync.py``).

``SqlSyncUnitOfWork`` is the journal's unit of work with ``connections`` and ``sync`` on the
same connection and transaction, so a page's files and its stream's cursor commit together.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Self

from sqlalchemy import Connection, delete, func, insert, select, update

from mpdesk.adapters.db.tables_sync import shop_connections, sync_files, sync_runs, sync_streams
from mpdesk.adapters.db.uow import SqlUnitOfWork
from mpdesk.domain.connections import (
    Access,
    PulledFile,
    ShopConnection,
    StreamState,
    SyncOutcome,
    SyncRun,
)

_COUNTS = ("pages", "rows", "new_files", "findings_added", "findings_updated")


def _connection(row: Any) -> ShopConnection:
    return ShopConnection(
        shop_id=row.shop_id,
        marketplace=row.marketplace,
        fingerprint=row.fingerprint,
        connected_at=row.connected_at,
        expires_at=row.expires_at,
        category_bits=frozenset(int(b) for b in row.category_bits),
        access={str(k): Access(v) for k, v in row.access.items()},
    )


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _run(row: Any) -> SyncRun:
    counts = row.counts or {}
    return SyncRun(
        id=row.id,
        shop_id=row.shop_id,
        started_at=row.started_at,
        finished_at=row.finished_at,
        outcome=SyncOutcome(row.outcome),
        error_code=row.error_code,
        error_fields=dict(row.error_fields or {}),
        **{name: int(counts.get(name, 0)) for name in _COUNTS},
    )


class SqlConnectionRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, shop_id: int) -> ShopConnection | None:
        row = self.conn.execute(
            select(shop_connections).where(shop_connections.c.shop_id == shop_id)
        ).first()
        return _connection(row) if row else None

    def sealed(self, shop_id: int) -> bytes | None:
        value = self.conn.scalar(
            select(shop_connections.c.sealed).where(shop_connections.c.shop_id == shop_id)
        )
        return bytes(value) if value is not None else None

    def put(self, connection: ShopConnection, sealed: bytes) -> None:
        values = {
            "marketplace": connection.marketplace,
            "sealed": sealed,
            "fingerprint": connection.fingerprint,
            "connected_at": connection.connected_at,
            "expires_at": connection.expires_at,
            "category_bits": sorted(connection.category_bits),
            "access": {k: v.value for k, v in connection.access.items()},
        }
        self.remove(connection.shop_id)
        self.conn.execute(insert(shop_connections).values(shop_id=connection.shop_id, **values))

    def remove(self, shop_id: int) -> bool:
        result = self.conn.execute(
            delete(shop_connections).where(shop_connections.c.shop_id == shop_id)
        )
        return result.rowcount > 0

    def list(self) -> list[ShopConnection]:
        rows = self.conn.execute(select(shop_connections).order_by(shop_connections.c.shop_id))
        return [_connection(row) for row in rows]


class SqlSyncRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def stream(self, shop_id: int, stream: str) -> StreamState:
        state = self.conn.scalar(
            select(sync_streams.c.state).where(
                sync_streams.c.shop_id == shop_id, sync_streams.c.stream == stream
            )
        )
        if not state:
            return StreamState(shop_id, stream)
        return StreamState(
            shop_id,
            stream,
            cursor=state.get("cursor"),
            window_from=_when(state.get("from")),
            window_to=_when(state.get("to")),
            done_to=_when(state.get("done_to")),
        )

    def save_stream(self, state: StreamState, now: datetime) -> None:
        value = {
            "cursor": state.cursor,
            "from": _iso(state.window_from),
            "to": _iso(state.window_to),
            "done_to": _iso(state.done_to),
        }
        where = (sync_streams.c.shop_id == state.shop_id, sync_streams.c.stream == state.stream)
        changed = self.conn.execute(
            update(sync_streams).where(*where).values(state=value, updated_at=now)
        ).rowcount
        if not changed:
            self.conn.execute(
                insert(sync_streams).values(
                    shop_id=state.shop_id, stream=state.stream, state=value, updated_at=now
                )
            )

    def add_file(self, file: PulledFile, now: datetime) -> bool:
        known = self.conn.scalar(
            select(sync_files.c.id).where(
                sync_files.c.shop_id == file.shop_id, sync_files.c.sha256 == file.sha256
            )
        )
        if known is not None:
            return False
        self.conn.execute(
            insert(sync_files).values(
                shop_id=file.shop_id,
                stream=file.stream,
                sha256=file.sha256,
                name=file.name,
                size=file.size,
                rows=file.rows,
                pulled_at=now,
                audited_at=now if file.audited else None,
            )
        )
        return True

    def unaudited(self, shop_id: int) -> list[PulledFile]:
        rows = self.conn.execute(
            select(sync_files)
            .where(sync_files.c.shop_id == shop_id, sync_files.c.audited_at.is_(None))
            .order_by(sync_files.c.id)
        )
        return [
            PulledFile(r.shop_id, r.stream, r.sha256, r.name, r.size, r.rows, False) for r in rows
        ]

    def mark_audited(self, shop_id: int, sha256s: Sequence[str], now: datetime) -> None:
        if sha256s:
            self.conn.execute(
                update(sync_files)
                .where(sync_files.c.shop_id == shop_id, sync_files.c.sha256.in_(list(sha256s)))
                .values(audited_at=now)
            )

    def start_run(self, shop_id: int, now: datetime) -> SyncRun:
        run_id = self.conn.execute(
            insert(sync_runs)
            .values(
                shop_id=shop_id,
                started_at=now,
                outcome=SyncOutcome.RUNNING.value,
                error_code="",
                error_fields={},
                counts={},
            )
            .returning(sync_runs.c.id)
        ).scalar_one()
        return SyncRun(run_id, shop_id, now)

    def finish_run(self, run: SyncRun) -> None:
        self.conn.execute(
            update(sync_runs)
            .where(sync_runs.c.id == run.id)
            .values(
                finished_at=run.finished_at,
                outcome=run.outcome.value,
                error_code=run.error_code,
                error_fields={k: str(v) for k, v in run.error_fields.items()},
                counts={name: getattr(run, name) for name in _COUNTS},
            )
        )

    def last_runs(self, shop_ids: Sequence[int] | None = None) -> dict[int, SyncRun]:
        latest = select(func.max(sync_runs.c.id)).group_by(sync_runs.c.shop_id)
        if shop_ids is not None:
            latest = latest.where(sync_runs.c.shop_id.in_(list(shop_ids)))
        rows = self.conn.execute(select(sync_runs).where(sync_runs.c.id.in_(latest)))
        return {row.shop_id: _run(row) for row in rows}


class SqlSyncUnitOfWork(SqlUnitOfWork):
    """The journal's unit of work with ``connections`` and ``sync`` on its transaction."""

    connections: SqlConnectionRepository
    sync: SqlSyncRepository

    def __enter__(self) -> Self:
        super().__enter__()
        assert self.conn is not None
        self.connections = SqlConnectionRepository(self.conn)
        self.sync = SqlSyncRepository(self.conn)
        return self
