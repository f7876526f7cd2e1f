"""Use case: the numbers of the «Сводка» page for one person (scoped to their shops)."""

from __future__ import annotations

from datetime import timedelta

from mpdesk.domain.accounts import Principal
from mpdesk.services.accounts import WebContext
from mpdesk.services.ports import JournalSummary

SOON = timedelta(hours=24)


def journal_summary(wctx: WebContext, principal: Principal) -> JournalSummary:
    now = wctx.ctx.clock.now()
    return wctx.stats.summary(principal.shop_ids, now, now + SOON)
