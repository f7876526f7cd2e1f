"""support chats: Ozon's Seller_Support chats per shop with their link to a ticket, the chat
message ledger (one row per shop and message id) and when each shop's chat history was refused
(issue 14)

Revision ID: 0018_support_chats
Revises: 0017_attachment_pixels
"""

import sqlalchemy as sa
from alembic import op

from mpdesk.adapters.db.types import UtcDateTime

revision = "0018_support_chats"
down_revision = "0017_attachment_pixels"
branch_labels = None
depends_on = None


def _shop(table: str) -> sa.ForeignKey:
    return sa.ForeignKey("shops.id", name=f"fk_{table}_shop_id_shops")


def _ticket(table: str) -> sa.ForeignKey:
    return sa.ForeignKey("tickets.id", name=f"fk_{table}_ticket_id_tickets")


def upgrade() -> None:
    op.create_table(
        "support_chats",
        sa.Column("shop_id", sa.Integer, _shop("support_chats"), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("created_at", UtcDateTime),
        sa.Column("unread_count", sa.Integer, nullable=False),
        sa.Column("last_message_id", sa.String(20)),
        sa.Column("read_to", sa.String(20)),
        sa.Column("ticket_id", sa.Integer, _ticket("support_chats")),
        sa.Column("linked_by", sa.String(16), nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("shop_id", "chat_id", name="pk_support_chats"),
    )
    op.create_index("ix_support_chats_chat_id", "support_chats", ["chat_id"])
    op.create_index("ix_support_chats_ticket_id", "support_chats", ["ticket_id"])
    op.create_table(
        "support_chat_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("shop_id", sa.Integer, _shop("support_chat_messages"), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("message_id", sa.String(20), nullable=False),
        sa.Column("ticket_id", sa.Integer, _ticket("support_chat_messages")),
        sa.Column("author_type", sa.String(32), nullable=False),
        sa.Column("author_id", sa.String(64), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("is_image", sa.Boolean, nullable=False),
        sa.Column("answer_class", sa.String(32), nullable=False),
        sa.Column("appeal_number", sa.String(64), nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_support_chat_messages"),
        sa.UniqueConstraint("shop_id", "message_id", name="uq_support_chat_messages_shop_message"),
    )
    op.create_index(
        "ix_support_chat_messages_chat", "support_chat_messages", ["shop_id", "chat_id"]
    )
    op.create_table(
        "support_chat_shops",
        sa.Column("shop_id", sa.Integer, _shop("support_chat_shops"), nullable=False),
        sa.Column("history_refused_at", UtcDateTime),
        sa.PrimaryKeyConstraint("shop_id", name="pk_support_chat_shops"),
    )


def downgrade() -> None:
    op.drop_table("support_chat_shops")
    op.drop_index("ix_support_chat_messages_chat", table_name="support_chat_messages")
    op.drop_table("support_chat_messages")
    op.drop_index("ix_support_chats_ticket_id", table_name="support_chats")
    op.drop_index("ix_support_chats_chat_id", table_name="support_chats")
    op.drop_table("support_chats")
