"""jobs: ``job_log`` (every run of a background job) and, on PostgreSQL, the job engine's own
tables (procrastinate's schema, as the installed procrastinate ships it) (issue 14)

Revision ID: 0013_jobs
Revises: 0012_mail
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013_jobs"
down_revision = "0012_mail"
branch_labels = None
depends_on = None


def _driver() -> Any:
    """The psycopg connection under this migration's transaction: the engine's SQL runs as
    shipped, without SQLAlchemy's parameter parsing."""
    raw = op.get_bind().connection.driver_connection
    assert raw is not None
    return raw


def upgrade() -> None:
    op.create_table(
        "job_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("shop_id", sa.Integer, sa.ForeignKey("shops.id", ondelete="CASCADE")),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("outcome", sa.String(8), nullable=False),
        sa.Column("error_code", sa.String(64), nullable=False, server_default=""),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.Column("worker", sa.String(100), nullable=False, server_default=""),
    )
    op.create_index("ix_job_log_started", "job_log", ["started_at"])
    op.create_index("ix_job_log_kind_shop", "job_log", ["kind", "shop_id", "started_at"])
    if op.get_bind().dialect.name == "postgresql":
        from procrastinate.schema import SchemaManager

        # the SQL as procrastinate ships it, run by the driver itself (no parameter parsing),
        # in this migration's transaction
        _driver().execute(SchemaManager.get_schema())


_DROP_ENGINE = """
DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,
    procrastinate_workers CASCADE;
DO $$ DECLARE f record; BEGIN
  FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
           WHERE p.proname LIKE 'procrastinate%' AND p.pronamespace = current_schema()::regnamespace
  LOOP EXECUTE 'DROP FUNCTION ' || f.sig || ' CASCADE'; END LOOP;
END $$;
DROP TYPE IF EXISTS procrastinate_job_status, procrastinate_job_event_type,
    procrastinate_job_to_defer_v1 CASCADE;
"""


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _driver().execute(_DROP_ENGINE)
    op.drop_index("ix_job_log_kind_shop", "job_log")
    op.drop_index("ix_job_log_started", "job_log")
    op.drop_table("job_log")
