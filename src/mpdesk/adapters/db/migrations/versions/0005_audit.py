"""audits: findings, audit_files

Revision ID: 0005_audit
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import mpdesk.adapters.db.types

revision = "0005_audit"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "findings",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("marketplace", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("amount", mpdesk.adapters.db.types.Money(), nullable=True),
        sa.Column("amount_recovered", mpdesk.adapters.db.types.Money(), nullable=True),
        sa.Column("finding_keys", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("group_key", sa.String(length=200), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name=op.f("fk_findings_shop_id_shops")),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_findings_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    op.create_index("ix_findings_status_kind", "findings", ["status", "kind"])
    op.create_index("ix_findings_shop", "findings", ["shop_id"])
    op.create_index("ix_findings_ticket", "findings", ["ticket_id"])
    op.create_table(
        "audit_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=True),
        sa.Column("kind", sa.String(length=48), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=True),
        sa.Column("audited_at", mpdesk.adapters.db.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_audit_files_shop_id_shops")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_files")),
        sa.UniqueConstraint("sha256", name=op.f("uq_audit_files_sha256")),
    )


def downgrade() -> None:
    op.drop_table("audit_files")
    op.drop_index("ix_findings_ticket", table_name="findings")
    op.drop_index("ix_findings_shop", table_name="findings")
    op.drop_index("ix_findings_status_kind", table_name="findings")
    op.drop_table("findings")
