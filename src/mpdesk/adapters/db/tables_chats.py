"""Tables of Ozon support chats (issue 14).

- ``support_chats``: one row per shop and support chat: the list's facts (status, unread count,
  last message id), how far its history was read, the ticket it is linked to and how.
- ``support_chat_messages``: the chat ledger, one row per shop and message id (recorded once),
  with the ticket it was filed under and what the answer reader found in it.
- ``support_chat_shops``: per shop, when Ozon last refused the chat history (subscription).

Message ids are uint64 in the API: kept as decimal text. Every table carries ``shop_id``:
deleting a shop deletes its rows (``shop_data.py``).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from mpdesk.adapters.db.tables import metadata
from mpdesk.adapters.db.types import UtcDateTime

support_chats = Table(
    "support_chats",
    metadata,
    Column("shop_id", ForeignKey("shops.id"), primary_key=True),
    Column("chat_id", String(64), primary_key=True),
    Column("status", String(32), nullable=False),
    Column("created_at", UtcDateTime),
    Column("unread_count", Integer, nullable=False),
    Column("last_message_id", String(20)),
    Column("read_to", String(20)),
    Column("ticket_id", ForeignKey("tickets.id")),
    Column("linked_by", String(16), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_support_chats_chat_id", "chat_id"),
    Index("ix_support_chats_ticket_id", "ticket_id"),
)

support_chat_messages = Table(
    "support_chat_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("shop_id", ForeignKey("shops.id"), nullable=False),
    Column("chat_id", String(64), nullable=False),
    Column("message_id", String(20), nullable=False),
    Column("ticket_id", ForeignKey("tickets.id")),
    Column("author_type", String(32), nullable=False),
    Column("author_id", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("text", Text, nullable=False),
    Column("is_image", Boolean, nullable=False),
    Column("answer_class", String(32), nullable=False),
    Column("appeal_number", String(64), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    UniqueConstraint("shop_id", "message_id", name="uq_support_chat_messages_shop_message"),
    Index("ix_support_chat_messages_chat", "shop_id", "chat_id"),
)

support_chat_shops = Table(
    "support_chat_shops",
    metadata,
    Column("shop_id", ForeignKey("shops.id"), primary_key=True),
    Column("history_refused_at", UtcDateTime),
)
