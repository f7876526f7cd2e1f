"""``JobLog`` on the journal's database (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select, type_coerce, update

from mpdesk.adapters.db.tables_jobs import job_log
from mpdesk.adapters.db.types import UtcDateTime
from mpdesk.domain.jobs import JobRun, Outcome

c = job_log.c


def _run(row: Any) -> JobRun:
    return JobRun(
        id=row.id,
        kind=row.kind,
        shop_id=row.shop_id,
        started_at=row.started_at,
        finished_at=row.finished_at,
        outcome=Outcome(row.outcome),
        error_code=row.error_code,
        summary=row.summary,
        worker=row.worker,
    )


class SqlJobLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def start(self, kind: str, shop_id: int | None, at: datetime, worker: str) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(job_log)
                .values(
                    kind=kind,
                    shop_id=shop_id,
                    started_at=at,
                    outcome=Outcome.RUNNING.value,
                    error_code="",
                    summary="",
                    worker=worker[:100],
                )
                .returning(c.id)
            )
            return int(result.scalar_one())

    def finish(
        self, run_id: int, at: datetime, outcome: Outcome, error_code: str, summary: str
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(job_log)
                .where(c.id == run_id)
                .values(
                    finished_at=at,
                    outcome=outcome.value,
                    error_code=error_code[:64],
                    summary=summary,
                )
            )

    def recent(
        self,
        *,
        kinds: Sequence[str] = (),
        shop_ids: Sequence[int] | None = None,
        failed_only: bool = False,
        limit: int = 100,
    ) -> list[JobRun]:
        query = select(job_log).order_by(c.started_at.desc(), c.id.desc()).limit(limit)
        if kinds:
            query = query.where(c.kind.in_(list(kinds)))
        if shop_ids is not None:
            query = query.where(c.shop_id.in_(list(shop_ids)))
        if failed_only:
            query = query.where(c.outcome == Outcome.FAILED.value)
        with self.engine.connect() as conn:
            return [_run(row) for row in conn.execute(query).all()]

    def _latest(self, kind: str, column: Any, only_ok: bool) -> dict[int | None, datetime]:
        latest = type_coerce(func.max(column), UtcDateTime)
        query = select(c.shop_id, latest).where(c.kind == kind).group_by(c.shop_id)
        if only_ok:
            query = query.where(c.outcome == Outcome.OK.value)
        with self.engine.connect() as conn:
            return {row[0]: row[1] for row in conn.execute(query).all() if row[1] is not None}

    def last_started(self, kind: str) -> dict[int | None, datetime]:
        return self._latest(kind, c.started_at, only_ok=False)

    def last_ok(self, kind: str) -> dict[int | None, datetime]:
        return self._latest(kind, c.finished_at, only_ok=True)
