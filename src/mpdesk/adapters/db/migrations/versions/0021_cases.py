"""cases: every ticket carries ``case_id`` (its first appeal's id); the chains of follow-ups and
claims (``parent_id``) become cases, and an earlier appeal still open in a case that a final
outcome decided is closed the way the service now closes it (issue 11)

Revision ID: 0021_cases
Revises: 0020_mail_folders
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0021_cases"
down_revision = "0020_mail_folders"
branch_labels = None
depends_on = None

_CLOSABLE = ("submitted", "answered", "reopened")
_FINAL = ("resolved", "rejected")
_UNSENT = ("draft", "ready")


def _naive(value: object) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("case_id", sa.Integer, nullable=True))
    op.create_index("ix_tickets_case", "tickets", ["case_id"])
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE tickets SET case_id = id"))
    parents: dict[int, int] = dict(
        conn.execute(sa.text("SELECT id, parent_id FROM tickets WHERE parent_id IS NOT NULL")).all()
    )
    roots: dict[int, int] = {}
    for tid in parents:
        root, seen = tid, {tid}
        while root in parents and parents[root] not in seen:
            root = parents[root]
            seen.add(root)
        roots[int(tid)] = int(root)
    if roots:
        conn.execute(
            sa.text("UPDATE tickets SET case_id = :root WHERE id = :tid"),
            [{"root": r, "tid": t} for t, r in roots.items()],
        )
    for case_id in sorted(set(roots.values())):
        _close_decided(conn, case_id)


def _close_decided(conn: sa.Connection, case_id: int) -> None:
    """The earlier appeals still open in a case whose latest final outcome came after them."""
    rows = conn.execute(
        sa.text(
            "SELECT id, status, closed_at, updated_at, version FROM tickets "
            "WHERE case_id = :c ORDER BY id"
        ),
        {"c": case_id},
    ).all()
    sent = [r for r in rows if r.status not in _UNSENT]
    if not sent or any(r.status in _CLOSABLE and r.id > _last_final_id(sent) for r in sent):
        return
    finals = [r for r in sent if r.status in _FINAL]
    if not finals:
        return
    final = max(finals, key=lambda r: (_naive(r.closed_at) or _naive(r.updated_at), r.id))
    at = final.closed_at or final.updated_at  # as stored: the dialect's own form
    for r in sent:
        if r.id >= final.id or r.status not in _CLOSABLE:
            continue
        conn.execute(
            sa.text(
                "UPDATE tickets SET status = :s, closed_at = :at, reply_due_at = NULL, "
                "version = version + 1 WHERE id = :id"
            ),
            {"s": final.status, "at": at, "id": r.id},
        )
        events = [
            {"k": "status", "f": r.status, "to": final.status, "d": ""},
            {"k": "case_closed", "f": final.status, "to": str(final.id), "d": ""},
        ]
        conn.execute(
            sa.text(
                "INSERT INTO events (ticket_id, kind, at, actor, from_value, to_value, detail) "
                "VALUES (:id, :k, :at, '', :f, :to, :d)"
            ),
            [{"id": r.id, "at": at, **e} for e in events],
        )


def _last_final_id(sent: list[sa.Row[tuple[object, ...]]]) -> int:
    return max((r.id for r in sent if r.status in _FINAL), default=0)


def downgrade() -> None:
    op.drop_index("ix_tickets_case", "tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("case_id")
