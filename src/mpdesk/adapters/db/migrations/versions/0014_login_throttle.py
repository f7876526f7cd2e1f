"""login throttle: one row per key (login+address, or address) counted by an atomic upsert,
with the time until which the key waits (issue 12); replaces the per-failure rows

Revision ID: 0014_login_throttle
Revises: 0013_jobs
"""

import sqlalchemy as sa
from alembic import op

from mpdesk.adapters.db.types import UtcDateTime

revision = "0014_login_throttle"
down_revision = "0013_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_at", UtcDateTime(), nullable=False),
        sa.Column("blocked_until", UtcDateTime(), nullable=True),
    )
    op.drop_index("ix_login_failures_key_at", table_name="login_failures")
    op.drop_table("login_failures")


def downgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key", "at"])
    op.drop_table("login_throttle")
