"""attachment pixels: the width and height an image declares, so that an image past the
decompression-bomb limit stays a plain attachment without a preview (issue 12)

Revision ID: 0017_attachment_pixels
Revises: 0016_csrf_hashed
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_attachment_pixels"
down_revision = "0016_csrf_hashed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("attachments", sa.Column("width", sa.Integer(), nullable=True))
    op.add_column("attachments", sa.Column("height", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.drop_column("height")
        batch.drop_column("width")
