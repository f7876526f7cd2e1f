"""mail_folders: the IMAP folders each shop's mailbox reads, each with its own UIDVALIDITY/UID
cursor; the one folder and cursor of a mailbox move there (issue 13)

Revision ID: 0020_mail_folders
Revises: 0019_mail_sent_folder
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_mail_folders"
down_revision = "0019_mail_sent_folder"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_folders",
        sa.Column("shop_id", sa.Integer, sa.ForeignKey("shops.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("uid_validity", sa.BigInteger),
        sa.Column("last_uid", sa.BigInteger, nullable=False),
    )  # fmt: skip
    op.execute(
        "INSERT INTO mail_folders (shop_id, name, position, uid_validity, last_uid) "
        "SELECT shop_id, folder, 0, uid_validity, last_uid FROM mailboxes"
    )
    with op.batch_alter_table("mailboxes") as batch:
        batch.drop_column("folder")
        batch.drop_column("uid_validity")
        batch.drop_column("last_uid")


def downgrade() -> None:
    with op.batch_alter_table("mailboxes") as batch:
        batch.add_column(
            sa.Column("folder", sa.String(200), nullable=False, server_default="INBOX")
        )
        batch.add_column(sa.Column("uid_validity", sa.BigInteger))
        batch.add_column(sa.Column("last_uid", sa.BigInteger, nullable=False, server_default="0"))
    op.execute(
        "UPDATE mailboxes SET folder = f.name, uid_validity = f.uid_validity, "
        "last_uid = f.last_uid FROM mail_folders f "
        "WHERE f.shop_id = mailboxes.shop_id AND f.position = 0"
    )
    op.drop_table("mail_folders")
