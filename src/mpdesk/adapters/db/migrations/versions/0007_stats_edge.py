"""analytics rollup: the versions of the tickets saved at the watermark (``stats_meta.edge``),
so that a change stamped no later than the watermark is still picked up

Revision ID: 0007_stats_edge
Revises: 0006_dashboard
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_stats_edge"
down_revision = "0006_dashboard"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("stats_meta", sa.Column("edge", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("stats_meta", "edge")
