"""mail_sent_folder: the Sent folder searched after an interrupted send, per mailbox
("" = found by the SPECIAL-USE \\Sent flag) (issue 13)

Revision ID: 0019_mail_sent_folder
Revises: 0018_support_chats
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_mail_sent_folder"
down_revision = "0018_support_chats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mailboxes") as batch:
        column = sa.Column("sent_folder", sa.String(200), nullable=False, server_default="")
        batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("mailboxes") as batch:
        batch.drop_column("sent_folder")
