"""Tables of the e-mail channel (issue 13): each shop's mailbox and the mail ledger.

``mailboxes`` holds one row per shop: servers, login, the password's environment variable or
its Fernet token (never the password); ``mail_folders`` the IMAP folders it reads, each with
its cursor (UIDVALIDITY, last UID read).
``mail_messages`` is the ledger of sent and received e-mail, unique per (shop, key) where the
key is the Message-ID (or ``sha256:`` of the raw message); ``ticket_id`` NULL on an incoming
row means it waits in the unmatched inbox.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from mpdesk.adapters.db.tables import metadata
from mpdesk.adapters.db.types import UtcDateTime

mailboxes = Table(
    "mailboxes",
    metadata,
    Column("shop_id", ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    Column("address", String(320), nullable=False),
    Column("login", String(320), nullable=False),
    Column("smtp_host", String(255), nullable=False),
    Column("smtp_port", Integer, nullable=False),
    Column("smtp_security", String(16), nullable=False),
    Column("imap_host", String(255), nullable=False, default=""),
    Column("imap_port", Integer, nullable=False),
    Column("imap_tls", Boolean, nullable=False),
    Column("sent_folder", String(200), nullable=False, default="", server_default=""),
    Column("password_env", String(100), nullable=False, default=""),
    Column("password_token", LargeBinary),
    Column("forwarders", Text, nullable=False, default=""),
)

mail_folders = Table(
    "mail_folders",
    metadata,
    Column("shop_id", ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(200), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("uid_validity", BigInteger),
    Column("last_uid", BigInteger, nullable=False, default=0),
)

mail_messages = Table(
    "mail_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("shop_id", ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="SET NULL")),
    Column("direction", String(8), nullable=False),
    Column("mail_key", String(500), nullable=False),
    Column("message_id", String(500), nullable=False, default=""),
    Column("in_reply_to", String(500), nullable=False, default=""),
    Column("subject", Text, nullable=False),
    Column("sender", String(320), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("body", Text, nullable=False),
    Column("raw_sha256", String(64), nullable=False, default=""),
    Column("answer_class", String(32), nullable=False, default=""),
    Column("appeal_number", String(64), nullable=False, default=""),
    Column("auto_reply", Boolean, nullable=False, default=False),
    Column("problems", Text, nullable=False, default=""),
    UniqueConstraint("shop_id", "mail_key", name="uq_mail_messages_shop_key"),
    Index("ix_mail_messages_message_id", "shop_id", "message_id"),
    Index("ix_mail_messages_ticket", "ticket_id"),
    Index("ix_mail_messages_raw_sha256", "raw_sha256"),
)
