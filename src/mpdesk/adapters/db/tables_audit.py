"""Tables of audits (issue 5): ``findings`` and ``audit_files``.

A finding's primary key is its stable id (a hash of the shop, the kind and the keys), so saving
the same files again adds nothing and another shop's audit never meets the row. Keys, details
and evidence are JSON; money is integer kopecks (``Money``). ``audit_files`` keeps, per shop,
the sha256 fingerprint of every file an audit saved findings from.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from mpdesk.adapters.db.tables import metadata
from mpdesk.adapters.db.types import Money, UtcDateTime

findings = Table(
    "findings",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(48), nullable=False),
    Column("marketplace", String(32), nullable=False),
    Column("category", String(32), nullable=False),
    Column("shop_id", ForeignKey("shops.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("amount", Money),
    Column("amount_recovered", Money),
    Column("currency", String(3), nullable=False, default="RUB", server_default="RUB"),
    Column("finding_keys", JSON, nullable=False),
    Column("details", JSON, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("group_key", String(200), nullable=False, default=""),
    Column("event_date", Date),
    Column("deadline", Date),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="SET NULL")),
    Column("comment", Text, nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_findings_status_kind", "status", "kind"),
    Index("ix_findings_shop", "shop_id"),
    Index("ix_findings_ticket", "ticket_id"),
)

audit_files = Table(
    "audit_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("name", String(255), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("format", String(16)),
    Column("kind", String(48)),
    Column("rows", Integer, nullable=False, default=0),
    Column("shop_id", ForeignKey("shops.id")),
    Column("audited_at", UtcDateTime, nullable=False),
    UniqueConstraint("shop_id", "sha256", name="uq_audit_files_shop_sha256"),
)
