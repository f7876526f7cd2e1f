"""one history: the journal, reminders and analytics, web accounts, audits and journal indexes
were added side by side on top of 0001; from here on every migration follows this one

Revision ID: 0008_one_history
Revises: 0004_web, 0005_audit, 0007_stats_edge, 0007_web_journal
"""

revision = "0008_one_history"
down_revision = ("0004_web", "0005_audit", "0007_stats_edge", "0007_web_journal")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
