"""shop_legal: the seller's legal details of each shop (name, ИНН, ОГРН/ОГРНИП, address, contract
or offer number and date) for the parties of a pre-trial claim (issue 11)

Revision ID: 0022_shop_legal
Revises: 0021_cases
"""

import sqlalchemy as sa
from alembic import op

from mpdesk.adapters.db.types import UtcDateTime

revision = "0022_shop_legal"
down_revision = "0021_cases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shop_legal",
        sa.Column("shop_id", sa.Integer, sa.ForeignKey("shops.id", ondelete="CASCADE",
                  name="fk_shop_legal_shop_id_shops"), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("inn", sa.String(12), nullable=False),
        sa.Column("ogrn", sa.String(15), nullable=False),
        sa.Column("address", sa.String(500), nullable=False),
        sa.Column("contract_number", sa.String(100), nullable=False),
        sa.Column("contract_date", sa.Date),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("shop_id", name="pk_shop_legal"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("shop_legal")
