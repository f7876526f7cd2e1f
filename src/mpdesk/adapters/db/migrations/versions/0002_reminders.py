"""deadlines and reminders: sent_reminders, job_runs, stats_daily, stats_meta; two indexes
on tickets (analytics covering index, updated_at)

Revision ID: 0002_reminders
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import mpdesk.adapters.db.types

revision = "0002_reminders"
down_revision = "0001"
branch_labels = None
depends_on = None

ANALYTICS_COLUMNS = [
    "created_at",
    "marketplace",
    "category",
    "channel_id",
    "shop_id",
    "status",
    "submitted_at",
    "first_answer_at",
    "closed_at",
    "reply_due_at",
    "amount_claimed",
    "amount_recovered",
]
#: must match mpdesk.domain.stats.BUCKET_EDGES at the time of this revision (32 buckets)
BUCKETS = 32


def upgrade() -> None:
    op.create_table(
        "sent_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("claimed_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=False),
        sa.Column("sent_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_sent_reminders_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_reminders")),
        sa.UniqueConstraint("event_key", "channel", name="uq_sent_reminders_event_channel"),
    )
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("started_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=False),
        sa.Column("finished_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_runs")),
    )
    op.create_index("ix_tickets_analytics", "tickets", ANALYTICS_COLUMNS, unique=False)
    op.create_index("ix_tickets_updated_at", "tickets", ["updated_at"], unique=False)
    awaiting = ["status", "reply_due_at", "created_at", "shop_id", "marketplace", "category"]
    op.create_index("ix_tickets_awaiting", "tickets", [*awaiting, "channel_id"], unique=False)
    counts = ["total", "open", "submitted", "answered", "resolved", "rejected", "late_answers"]
    buckets = [f"{h}_{i}" for h in ("fa", "rs") for i in range(BUCKETS)]
    op.create_table(
        "stats_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("marketplace", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in counts),
        sa.Column("claimed", sa.BigInteger(), nullable=False),
        sa.Column("recovered", sa.BigInteger(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in buckets),
        sa.PrimaryKeyConstraint(
            "day", "shop_id", "marketplace", "category", "channel_id", name=op.f("pk_stats_daily")
        ),
    )
    op.create_table(
        "stats_meta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(length=500), nullable=False),
        sa.Column("watermark_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=True),
        sa.Column("watermark_id", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stats_meta")),
    )


def downgrade() -> None:
    op.drop_table("stats_meta")
    op.drop_table("stats_daily")
    op.drop_index("ix_tickets_awaiting", table_name="tickets")
    op.drop_index("ix_tickets_updated_at", table_name="tickets")
    op.drop_index("ix_tickets_analytics", table_name="tickets")
    op.drop_table("job_runs")
    op.drop_table("sent_reminders")
