"""web journal: an index per filter and per sort order of the journal, each ending in id
(newest first), so a page of a million tickets reads about one page of index entries

Revision ID: 0007_web_journal
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_web_journal"
down_revision = "0001"
branch_labels = None
depends_on = None

#: copied from tables_web.JOURNAL_INDEXES at the time of writing (migrations stay fixed)
INDEXES = {
    "ix_tickets_status_id": "status",
    "ix_tickets_shop_id": "shop_id",
    "ix_tickets_mp_id": "marketplace",
    "ix_tickets_category_id": "category",
    "ix_tickets_due_id": "reply_due_at",
    "ix_tickets_event_id": "event_date",
}


def upgrade() -> None:
    for name, column in INDEXES.items():
        op.create_index(name, "tickets", [sa.column(column), sa.text("id DESC")], unique=False)
    op.execute("ANALYZE tickets")  # the planners weigh the new indexes with real counts


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="tickets")
