"""csrf hashed: sessions keep the SHA-256 of their CSRF token; the token itself is derived
from the session cookie (services/accounts.py ``csrf_for``), so a stolen database forges no
form (issue 12). Existing plain tokens are replaced by their hash.

Revision ID: 0016_csrf_hashed
Revises: 0015_shop_sync
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0016_csrf_hashed"
down_revision = "0015_shop_sync"
branch_labels = None
depends_on = None

_sessions = sa.table("web_sessions", sa.column("id", sa.Integer), sa.column("csrf", sa.String))


def upgrade() -> None:
    conn = op.get_bind()
    for row in conn.execute(sa.select(_sessions.c.id, _sessions.c.csrf)).all():
        digest = hashlib.sha256(row.csrf.encode("utf-8")).hexdigest()
        conn.execute(sa.update(_sessions).where(_sessions.c.id == row.id).values(csrf=digest))


def downgrade() -> None:
    """The plain tokens cannot come back: sessions started before the upgrade sign in anew."""
    op.execute(sa.delete(_sessions))
