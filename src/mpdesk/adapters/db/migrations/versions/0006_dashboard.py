"""dashboard of deadlines and analytics: claimed money of open tickets in the rollup, index of
linked tickets (follow-ups and claims) for the due board

Revision ID: 0006_dashboard
Revises: 0002_reminders
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_dashboard"
down_revision = "0002_reminders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the rollup signature changed too: the next read rebuilds stats_daily with the new column
    op.add_column(
        "stats_daily",
        sa.Column("open_claimed", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.create_index("ix_tickets_parent", "tickets", ["parent_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_tickets_parent", table_name="tickets")
    op.drop_column("stats_daily", "open_claimed")
