"""mail: each shop's mailbox (servers, password reference, IMAP cursor) and the mail ledger of
sent and received e-mail, unique per (shop, Message-ID) (issue 13)

Revision ID: 0012_mail
Revises: 0011_evidence_sha
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_mail"
down_revision = "0011_evidence_sha"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mailboxes",
        sa.Column("shop_id", sa.Integer, sa.ForeignKey("shops.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("login", sa.String(320), nullable=False),
        sa.Column("smtp_host", sa.String(255), nullable=False),
        sa.Column("smtp_port", sa.Integer, nullable=False),
        sa.Column("smtp_security", sa.String(16), nullable=False),
        sa.Column("imap_host", sa.String(255), nullable=False),
        sa.Column("imap_port", sa.Integer, nullable=False),
        sa.Column("imap_tls", sa.Boolean, nullable=False),
        sa.Column("folder", sa.String(200), nullable=False),
        sa.Column("password_env", sa.String(100), nullable=False),
        sa.Column("password_token", sa.LargeBinary),
        sa.Column("forwarders", sa.Text, nullable=False),
        sa.Column("uid_validity", sa.BigInteger),
        sa.Column("last_uid", sa.BigInteger, nullable=False),
    )  # fmt: skip
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("shop_id", sa.Integer, sa.ForeignKey("shops.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id", ondelete="SET NULL")),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("mail_key", sa.String(500), nullable=False),
        sa.Column("message_id", sa.String(500), nullable=False),
        sa.Column("in_reply_to", sa.String(500), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("sender", sa.String(320), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("raw_sha256", sa.String(64), nullable=False),
        sa.Column("answer_class", sa.String(32), nullable=False),
        sa.Column("appeal_number", sa.String(64), nullable=False),
        sa.Column("auto_reply", sa.Boolean, nullable=False),
        sa.Column("problems", sa.Text, nullable=False),
        sa.UniqueConstraint("shop_id", "mail_key", name="uq_mail_messages_shop_key"),
    )  # fmt: skip
    op.create_index("ix_mail_messages_message_id", "mail_messages", ["shop_id", "message_id"])
    op.create_index("ix_mail_messages_ticket", "mail_messages", ["ticket_id"])
    op.create_index("ix_mail_messages_raw_sha256", "mail_messages", ["raw_sha256"])


def downgrade() -> None:
    op.drop_table("mail_messages")
    op.drop_table("mailboxes")
