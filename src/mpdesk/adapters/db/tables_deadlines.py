"""Tables of deadlines, reminders and analytics (issue 6), and indexes on ``tickets``.

``sent_reminders`` is the ledger that makes ``mpdesk remind`` idempotent: one row per
(event key, channel), unique, inserted *before* a digest is sent. ``job_runs`` records the last
run of periodic jobs so several app processes do not repeat a job within its interval.

``stats_daily`` is the analytics rollup: one row per local day × shop × marketplace × category ×
channel with counts, money (claimed, recovered, claimed in tickets open now) and duration
histograms (``fa_<i>`` time to first answer, ``rs_<i>`` time to resolution, buckets of
``mpdesk.domain.stats.BUCKET_EDGES``). It is refreshed incrementally from tickets changed since
the watermark in ``stats_meta``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from mpdesk.adapters.db.tables import metadata, tickets
from mpdesk.adapters.db.types import UtcDateTime
from mpdesk.domain.stats import BUCKET_EDGES

sent_reminders = Table(
    "sent_reminders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_key", String(200), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE")),
    Column("status", String(8), nullable=False),  # pending | sent
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    UniqueConstraint("event_key", "channel", name="uq_sent_reminders_event_channel"),
)

job_runs = Table(
    "job_runs",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=False),
    Column("result", Text, nullable=False, default=""),
)

#: covering index: the dashboard's aggregates read only the index, never the wide rows
ANALYTICS_COLUMNS = (
    "created_at",
    "marketplace",
    "category",
    "channel_id",
    "shop_id",
    "status",
    "submitted_at",
    "first_answer_at",
    "closed_at",
    "reply_due_at",
    "amount_claimed",
    "amount_recovered",
)
ix_tickets_analytics = Index(
    "ix_tickets_analytics", *(tickets.c[name] for name in ANALYTICS_COLUMNS)
)

ix_tickets_updated_at = Index("ix_tickets_updated_at", tickets.c.updated_at)
#: covering index for the live "overdue now" counts
AWAITING_COLUMNS = (
    "status",
    "reply_due_at",
    "created_at",
    "shop_id",
    "marketplace",
    "category",
    "channel_id",
)
ix_tickets_awaiting = Index("ix_tickets_awaiting", *(tickets.c[n] for n in AWAITING_COLUMNS))
#: follow-ups and pre-trial claims of a case (the due board reads open linked tickets)
ix_tickets_parent = Index("ix_tickets_parent", tickets.c.parent_id)

HISTOGRAMS = ("fa", "rs")
COUNT_COLUMNS = ("total", "open", "submitted", "answered", "resolved", "rejected", "late_answers")
#: kopecks claimed (all tickets), recovered, and claimed in tickets open now (migration 0006)
MONEY_COLUMNS = ("claimed", "recovered", "open_claimed")
BUCKET_COLUMNS = tuple(f"{h}_{i}" for h in HISTOGRAMS for i in range(len(BUCKET_EDGES)))

stats_daily = Table(
    "stats_daily",
    metadata,
    Column("day", Date, primary_key=True),
    Column("shop_id", Integer, primary_key=True),
    Column("marketplace", String(32), primary_key=True),
    Column("category", String(32), primary_key=True),
    Column("channel_id", String(64), primary_key=True),
    *(Column(name, Integer, nullable=False, default=0) for name in COUNT_COLUMNS),
    *(Column(name, BigInteger, nullable=False, default=0) for name in MONEY_COLUMNS),
    *(Column(name, Integer, nullable=False, default=0) for name in BUCKET_COLUMNS),
)

stats_meta = Table(
    "stats_meta",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("signature", String(500), nullable=False, default=""),
    Column("watermark_at", UtcDateTime),
    Column("watermark_id", Integer, nullable=False, default=0),
    Column("refreshed_at", UtcDateTime),
    #: JSON ``{ticket id: version}`` of the tickets saved within a minute of the watermark
    Column("edge", Text),
)
