"""``job_log``: every run of a background job (kind, shop, times, outcome, error code)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from mpdesk.adapters.db.tables import metadata
from mpdesk.adapters.db.types import UtcDateTime

job_log = Table(
    "job_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("shop_id", ForeignKey("shops.id", ondelete="CASCADE")),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Column("outcome", String(8), nullable=False),
    Column("error_code", String(64), nullable=False, default=""),
    Column("summary", Text, nullable=False, default=""),
    Column("worker", String(100), nullable=False, default=""),
    Index("ix_job_log_started", "started_at"),
    Index("ix_job_log_kind_shop", "kind", "shop_id", "started_at"),
)
