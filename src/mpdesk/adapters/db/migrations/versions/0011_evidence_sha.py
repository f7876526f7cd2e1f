"""evidence: index attachments by sha256, for the sweep's reference check (issue 12)

Revision ID: 0011_evidence_sha
Revises: 0001
"""

from alembic import op

revision = "0011_evidence_sha"
down_revision = "0010_api_rate_buckets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_attachments_sha256", "attachments", ["sha256"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_attachments_sha256", table_name="attachments")
