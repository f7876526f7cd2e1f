"""api rate buckets: one row per (credential fingerprint, endpoint bucket) holding the tokens
left and the time of the last update (epoch seconds on the database clock), shared by every
worker that calls a marketplace API with the same credentials (adapters/marketplaces/ratelimit.py)

Revision ID: 0010_api_rate_buckets
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_api_rate_buckets"
down_revision = "0009_audit_shop_scope"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_rate_buckets",
        sa.Column("bucket_key", sa.String(200), primary_key=True),
        sa.Column("tokens", sa.Float(precision=53), nullable=False),
        sa.Column("updated_at", sa.Float(precision=53), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("api_rate_buckets")
