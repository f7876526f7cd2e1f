"""Use case: the numbers of the «Сводка» page for one person (scoped to their shops).

The tiles come from the analytics rollup (open counts, money) and the reply clocks of the
awaiting tickets (live), so the page stays fast on a journal of a million tickets
(``benchmarks/analytics_bench.py``: ``journal_summary``)."""

from __future__ import annotations

from mpdesk.domain.accounts import Principal
from mpdesk.domain.stats import JournalSummary
from mpdesk.services import deadline_views
from mpdesk.services.accounts import WebContext


def journal_summary(wctx: WebContext, principal: Principal) -> JournalSummary:
    return deadline_views.summary(wctx.ctx, principal.shop_ids)
