"""SQLAlchemy Core tables of the journal (the schema Alembic migrations create)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from mpdesk.adapters.db.types import Money, UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

shops = Table(
    "shops",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("marketplace", String(32), nullable=False),
    Column("is_default", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
)

#: the seller's legal details of a shop, for the parties of a pre-trial claim (one row a shop)
shop_legal = Table(
    "shop_legal",
    metadata,
    Column("shop_id", ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(300), nullable=False, default=""),
    Column("inn", String(12), nullable=False, default=""),
    Column("ogrn", String(15), nullable=False, default=""),
    Column("address", String(500), nullable=False, default=""),
    Column("contract_number", String(100), nullable=False, default=""),
    Column("contract_date", Date),
    Column("updated_at", UtcDateTime, nullable=False),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("shop_id", ForeignKey("shops.id"), nullable=False),
    Column("marketplace", String(32), nullable=False),
    Column("category", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("subject", String(500), nullable=False),
    Column("body", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("event_date", Date),
    Column("channel_id", String(64), nullable=False, default=""),
    Column("external_id", String(64), nullable=False, default=""),
    Column("submitted_at", UtcDateTime),
    Column("reply_due_at", UtcDateTime),
    Column("first_answer_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    Column("urgent_sign", String(32)),  # the problem's urgent kind read from the text
    Column("parent_id", ForeignKey("tickets.id")),
    Column("case_id", Integer),  # the case: its first appeal's id (``domain/cases.py``)
    Column("amount_claimed", Money),
    Column("amount_recovered", Money),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Index("ix_tickets_shop_status", "shop_id", "status"),
    Index("ix_tickets_status_due", "status", "reply_due_at"),
    Index("ix_tickets_mp_category", "marketplace", "category"),
    Index("ix_tickets_external_id", "external_id"),
    Index("ix_tickets_created_at", "created_at"),
    Index("ix_tickets_case", "case_id"),
)

ticket_identifiers = Table(
    "ticket_identifiers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(16), nullable=False),
    Column("value", String(100), nullable=False),
    Index("ix_ticket_identifiers_ticket", "ticket_id"),
    Index("ix_ticket_identifiers_value", "type", "value"),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("size", Integer, nullable=False),
    Column("media_type", String(120), nullable=False),
    Column("added_at", UtcDateTime, nullable=False),
    Column("width", Integer, nullable=True),  # pixels an image declares (previews, issue 12)
    Column("height", Integer, nullable=True),
    Index("ix_attachments_ticket", "ticket_id"),
    Index("ix_attachments_sha256", "sha256"),  # the sweep asks which blobs rows reference
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("direction", String(8), nullable=False),
    Column("channel", String(64), nullable=False, default=""),
    Column("author", String(100), nullable=False, default=""),
    Column("body", Text, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_messages_ticket", "ticket_id"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(100), nullable=False, default=""),
    Column("from_value", String(200), nullable=False, default=""),
    Column("to_value", String(200), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_events_ticket", "ticket_id"),
)
