"""audits scoped by shop: every finding's id becomes its shop's own (a hash of the shop's name
and the old id), the notes that list finding ids follow, and file fingerprints are unique per
shop instead of across the journal; findings carry their report's currency (``RUB`` for those
saved before)

Revision ID: 0009_audit_shop_scope
Revises: 0005_audit
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0009_audit_shop_scope"
down_revision = "0008_one_history"
branch_labels = None
depends_on = None

findings = sa.table(
    "findings", sa.column("id", sa.String), sa.column("shop_id", sa.Integer),
    sa.column("ticket_id", sa.Integer),
)  # fmt: skip
shops = sa.table("shops", sa.column("id", sa.Integer), sa.column("name", sa.String))
messages = sa.table(
    "messages", sa.column("ticket_id", sa.Integer), sa.column("body", sa.Text),
    sa.column("direction", sa.String),
)  # fmt: skip


def _scoped(base_id: str, shop: str) -> str:
    """``domain.audit.findings.shop_finding_id`` as of this revision (migrations stay fixed)."""
    return hashlib.sha256(f"{shop}|{base_id}".encode()).hexdigest()[:16]


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(findings.c.id, findings.c.ticket_id, shops.c.name).join(
            shops, shops.c.id == findings.c.shop_id
        )
    ).all()
    for old, ticket_id, shop in rows:
        new = _scoped(old, shop)
        conn.execute(sa.update(findings).where(findings.c.id == old).values(id=new))
        if ticket_id is not None:
            conn.execute(
                sa.update(messages)
                .where(messages.c.ticket_id == ticket_id, messages.c.direction == "note")
                .values(body=sa.func.replace(messages.c.body, old, new))
            )
    with op.batch_alter_table("audit_files") as batch:
        batch.drop_constraint("uq_audit_files_sha256", type_="unique")
        batch.create_unique_constraint("uq_audit_files_shop_sha256", ["shop_id", "sha256"])
    op.add_column(
        "findings", sa.Column("currency", sa.String(3), nullable=False, server_default="RUB")
    )


def downgrade() -> None:
    """Fingerprints unique across the journal again (fails if two shops share a file); the
    scoped ids stay (they cannot be turned back, and the old code takes any id)."""
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("currency")
    with op.batch_alter_table("audit_files") as batch:
        batch.drop_constraint("uq_audit_files_shop_sha256", type_="unique")
        batch.create_unique_constraint("uq_audit_files_sha256", ["sha256"])
