"""Tables of marketplace connections and syncs (issue 14).

- ``shop_connections``: one row per connected shop; ``sealed`` is the Fernet token of the
  credentials (never the plain secret), the rest is what may be shown.
- ``sync_streams``: where the pulling of each endpoint of each shop stands (cursor and window
  as JSON), written in the same transaction as the files of the page it moves past.
- ``sync_files``: the evidence files a sync made from answer pages (content-addressed in the
  evidence store), unique per shop, and whether the audit has read them yet.
- ``sync_runs``: one row per sync of a shop: times, outcome, error code, counts.

Every table carries ``shop_id``: deleting a shop deletes its rows (``shop_data.py``).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
)

from mpdesk.adapters.db.tables import metadata
from mpdesk.adapters.db.types import UtcDateTime

shop_connections = Table(
    "shop_connections",
    metadata,
    Column("shop_id", ForeignKey("shops.id"), primary_key=True),
    Column("marketplace", String(32), nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Column("fingerprint", String(32), nullable=False),
    Column("connected_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime),
    Column("category_bits", JSON, nullable=False),
    Column("access", JSON, nullable=False),
)

sync_streams = Table(
    "sync_streams",
    metadata,
    Column("shop_id", ForeignKey("shops.id"), primary_key=True),
    Column("stream", String(64), primary_key=True),
    Column("state", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

sync_files = Table(
    "sync_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("shop_id", ForeignKey("shops.id"), nullable=False),
    Column("stream", String(64), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("size", Integer, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("pulled_at", UtcDateTime, nullable=False),
    Column("audited_at", UtcDateTime),
    UniqueConstraint("shop_id", "sha256", name="uq_sync_files_shop_sha256"),
    Index("ix_sync_files_sha256", "sha256"),
)

sync_runs = Table(
    "sync_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("shop_id", ForeignKey("shops.id"), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Column("outcome", String(16), nullable=False),
    Column("error_code", String(64), nullable=False, default=""),
    Column("error_fields", JSON, nullable=False),
    Column("counts", JSON, nullable=False),
    Index("ix_sync_runs_shop_id", "shop_id", "id"),
)
