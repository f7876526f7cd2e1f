"""``AnalyticsRepository`` in SQL (SQLite and PostgreSQL): a daily rollup of the journal
(``stats_daily``) refreshed incrementally, grouped counts and duration histograms read from it,
live overdue counts, repeated identifiers, texts for similarity, findings money, escalation
links.

The rollup keeps the dashboard under a second on 1,000,000 tickets: reads sum a few thousand
rollup rows instead of scanning tickets. A refresh recomputes only the local days whose tickets
changed (``updated_at`` or ``id`` above the watermark), under a PostgreSQL transaction-level
advisory lock (SQLite serialises writers itself). Percentiles are read by the service from the
histograms, because SQLite has no percentile function.
"""

from __future__ import annotations

from mpdesk.adapters.db.analytics.base import DIMENSIONS
from mpdesk.adapters.db.analytics.clocks import ClockQueries
from mpdesk.adapters.db.analytics.counts import CountQueries
from mpdesk.adapters.db.analytics.rollup import RollupQueries
from mpdesk.adapters.db.analytics.texts import TextQueries


class SqlAnalyticsRepository(RollupQueries, CountQueries, ClockQueries, TextQueries):
    """``AnalyticsRepository`` in SQL: one class per concern, sharing the engine and the
    expressions of ``AnalyticsBase``."""


__all__ = ["DIMENSIONS", "SqlAnalyticsRepository"]
