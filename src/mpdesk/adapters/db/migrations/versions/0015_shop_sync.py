"""shop sync: encrypted marketplace API connections per shop, sync cursors per shop and
endpoint, the evidence files pulled from the APIs and one row per sync run (issue 14)

Revision ID: 0015_shop_sync
Revises: 0014_login_throttle
"""

import sqlalchemy as sa
from alembic import op

from mpdesk.adapters.db.types import UtcDateTime

revision = "0015_shop_sync"
down_revision = "0014_login_throttle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shop_connections",
        sa.Column(
            "shop_id",
            sa.Integer,
            sa.ForeignKey("shops.id", name="fk_shop_connections_shop_id_shops"),
            primary_key=True,
        ),
        sa.Column("marketplace", sa.String(32), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("connected_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime),
        sa.Column("category_bits", sa.JSON, nullable=False),
        sa.Column("access", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("shop_id", name="pk_shop_connections"),
    )
    op.create_table(
        "sync_streams",
        sa.Column(
            "shop_id",
            sa.Integer,
            sa.ForeignKey("shops.id", name="fk_sync_streams_shop_id_shops"),
            nullable=False,
        ),
        sa.Column("stream", sa.String(64), nullable=False),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("shop_id", "stream", name="pk_sync_streams"),
    )
    op.create_table(
        "sync_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "shop_id",
            sa.Integer,
            sa.ForeignKey("shops.id", name="fk_sync_files_shop_id_shops"),
            nullable=False,
        ),
        sa.Column("stream", sa.String(64), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("pulled_at", UtcDateTime, nullable=False),
        sa.Column("audited_at", UtcDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_sync_files"),
        sa.UniqueConstraint("shop_id", "sha256", name="uq_sync_files_shop_sha256"),
    )
    op.create_index("ix_sync_files_sha256", "sync_files", ["sha256"])
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "shop_id",
            sa.Integer,
            sa.ForeignKey("shops.id", name="fk_sync_runs_shop_id_shops"),
            nullable=False,
        ),
        sa.Column("started_at", UtcDateTime, nullable=False),
        sa.Column("finished_at", UtcDateTime),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("error_code", sa.String(64), nullable=False),
        sa.Column("error_fields", sa.JSON, nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sync_runs"),
    )
    op.create_index("ix_sync_runs_shop_id", "sync_runs", ["shop_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_sync_runs_shop_id", table_name="sync_runs")
    op.drop_table("sync_runs")
    op.drop_index("ix_sync_files_sha256", table_name="sync_files")
    op.drop_table("sync_files")
    op.drop_table("sync_streams")
    op.drop_table("shop_connections")
