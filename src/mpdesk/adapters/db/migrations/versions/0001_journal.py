"""journal: shops, tickets, identifiers, attachments, messages, events

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

import mpdesk.adapters.db.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("marketplace", sa.String(length=32), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shops")),
        sa.UniqueConstraint("name", name=op.f("uq_shops_name")),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("marketplace", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=True),
        sa.Column("reply_due_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=True),
        sa.Column("first_answer_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=True),
        sa.Column("closed_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("amount_claimed", mpdesk.adapters.db.types.Money(), nullable=True),
        sa.Column("amount_recovered", mpdesk.adapters.db.types.Money(), nullable=True),
        sa.Column("created_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["tickets.id"], name=op.f("fk_tickets_parent_id_tickets")
        ),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name=op.f("fk_tickets_shop_id_shops")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_tickets_external_id", ["external_id"], unique=False)
        batch_op.create_index("ix_tickets_mp_category", ["marketplace", "category"], unique=False)
        batch_op.create_index("ix_tickets_shop_status", ["shop_id", "status"], unique=False)
        batch_op.create_index("ix_tickets_status_due", ["status", "reply_due_at"], unique=False)

    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=120), nullable=False),
        sa.Column("added_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_attachments_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index("ix_attachments_ticket", ["ticket_id"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at", mpdesk.adapters.db.types.UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("from_value", sa.String(length=200), nullable=False),
        sa.Column("to_value", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_events_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_ticket", ["ticket_id"], unique=False)

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", mpdesk.adapters.db.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_messages_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_ticket", ["ticket_id"], unique=False)

    op.create_table(
        "ticket_identifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_identifiers_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_identifiers")),
    )
    with op.batch_alter_table("ticket_identifiers", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_identifiers_ticket", ["ticket_id"], unique=False)
        batch_op.create_index("ix_ticket_identifiers_value", ["type", "value"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket_identifiers", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_identifiers_value")
        batch_op.drop_index("ix_ticket_identifiers_ticket")

    op.drop_table("ticket_identifiers")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_ticket")

    op.drop_table("messages")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_ticket")

    op.drop_table("events")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_attachments_ticket")

    op.drop_table("attachments")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_status_due")
        batch_op.drop_index("ix_tickets_shop_status")
        batch_op.drop_index("ix_tickets_mp_category")
        batch_op.drop_index("ix_tickets_external_id")
        batch_op.drop_index("ix_tickets_created_at")

    op.drop_table("tickets")
    op.drop_table("shops")
