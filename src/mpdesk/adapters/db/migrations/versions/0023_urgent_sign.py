"""urgent_sign: the flag ``tickets.urgent`` (set once at creation from the category and any
amount) goes; the kind of urgent problem read from the seller's text takes its place, and
urgency is derived when shown (domain/urgency.py). Open tickets are read now with the shipped
triage lexicon; closed ones stay unread (NULL) — a closed appeal is never urgent (issue 11)

Revision ID: 0023_urgent_sign
Revises: 0022_shop_legal
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_urgent_sign"
down_revision = "0022_shop_legal"
branch_labels = None
depends_on = None

OPEN = ("draft", "ready", "submitted", "answered", "reopened")


def upgrade() -> None:
    # plain ALTER TABLE on both databases (SQLite ≥ 3.35 drops a column in place): a batch
    # copy of ``tickets`` would cascade-delete its children on SQLite
    op.execute("ALTER TABLE tickets ADD COLUMN urgent_sign VARCHAR(32)")
    op.execute("ALTER TABLE tickets DROP COLUMN urgent")
    _read_open_tickets()


def _read_open_tickets() -> None:
    from mpdesk.adapters.knowledge_files import KnowledgeFiles
    from mpdesk.adapters.triage_lexicon import TriageKit
    from mpdesk.domain.triage.engine import read_urgent_kind

    bind = op.get_bind()
    tickets = sa.table(
        "tickets",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("description", sa.Text),
        sa.column("urgent_sign", sa.String),
    )
    rows = bind.execute(
        sa.select(tickets.c.id, tickets.c.description).where(tickets.c.status.in_(OPEN))
    ).all()
    if not rows:
        return
    kit = TriageKit(KnowledgeFiles())
    lexicon, analyzer = kit.lexicon(), kit.analyzer()
    update = tickets.update().where(tickets.c.id == sa.bindparam("tid"))
    batch: list[dict[str, object]] = []
    for tid, description in rows:
        batch.append({"tid": tid, "urgent_sign": read_urgent_kind(description, lexicon, analyzer)})
        if len(batch) >= 1000:
            bind.execute(update, batch)
            batch = []
    if batch:
        bind.execute(update, batch)


def downgrade() -> None:
    op.execute("ALTER TABLE tickets ADD COLUMN urgent BOOLEAN NOT NULL DEFAULT false")
    op.execute("ALTER TABLE tickets DROP COLUMN urgent_sign")
