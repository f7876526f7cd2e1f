"""Tables of the web app: users, shop memberships, API tokens, sessions, one-time login links
and failed logins (created by migration ``0004_web``), and the journal's indexes on
``tickets`` (migration ``0007_web_journal``).

The full-text index of tickets (``ticket_fts`` on SQLite, ``ticket_search`` on PostgreSQL) is
dialect-specific and handled in ``adapters/db/search.py`` with plain SQL.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint

from mpdesk.adapters.db.tables import metadata, tickets
from mpdesk.adapters.db.types import UtcDateTime

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("login", String(100), nullable=False, unique=True),
    Column("name", String(200), nullable=False, default=""),
    Column("password_hash", String(255), nullable=False, default=""),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_login_at", UtcDateTime),
)

memberships = Table(
    "memberships",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("shop_id", ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(16), nullable=False),
    UniqueConstraint("user_id", "shop_id", name="uq_memberships_user_shop"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False, default=""),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime),
    Column("revoked", Boolean, nullable=False, default=False),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
)

login_links = Table(
    "login_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
)

#: one row per throttled key (login+address, or address), updated atomically per attempt
login_throttle = Table(
    "login_throttle",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("attempts", Integer, nullable=False),
    Column("last_at", UtcDateTime, nullable=False),
    Column("blocked_until", UtcDateTime, nullable=True),
)

#: the journal in id order under each filter (newest first walks the index from its start),
#: and its other orders: by reply deadline, status and event date, newest first among equals
JOURNAL_INDEXES = {
    "ix_tickets_status_id": "status",
    "ix_tickets_shop_id": "shop_id",
    "ix_tickets_mp_id": "marketplace",
    "ix_tickets_category_id": "category",
    "ix_tickets_due_id": "reply_due_at",
    "ix_tickets_event_id": "event_date",
}
journal_indexes = [
    Index(name, tickets.c[column], tickets.c.id.desc()) for name, column in JOURNAL_INDEXES.items()
]
