"""Money once per case, on a generated journal (SQLite and PostgreSQL): statistics, the
dashboard, the «Сводка» tiles and the monthly report all agree with a hand count made here from
what the generator did — a case's amount once (its follow-ups and claim repeat it), drafts
never."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from decimal import Decimal

from mpdesk.bootstrap import App
from mpdesk.domain.accounts import LOCAL_OWNER as OWNER
from mpdesk.domain.appeal import AppealDraft
from mpdesk.domain.identifiers import Identifier, IdType
from mpdesk.domain.tickets import Status
from mpdesk.services import analytics, deadline_views, deadlines, journal, ticket_actions
from mpdesk.services.monthly_report import monthly_report
from mpdesk.services.ports.analytics import StatsFilter
from mpdesk.services.shops import add_shop


@dataclass
class HandCount:
    claimed: Decimal = Decimal(0)  # every case with a sent appeal, once
    open_claimed: Decimal = Decimal(0)  # of those, the cases not decided
    recovered: Decimal = Decimal(0)
    per_ticket: Decimal = Decimal(0)  # the old way: every ticket's amount, drafts too


def generate(app: App, seed: int, cases: int = 14) -> HandCount:
    ctx = app.ctx
    rng = random.Random(seed)
    shop = add_shop(ctx, "Магазин", "wb")
    hand = HandCount()
    for k in range(cases):
        amount = Decimal(rng.randrange(10_000, 900_000)) / 100
        draft = AppealDraft(
            "wb", "acceptance", f"Недостача по поставке {k}: не хватает товара по акту.",
            [Identifier(IdType.SUPPLY_ID, str(30_000_000 + k))],
        )  # fmt: skip
        first = journal.open_ticket(ctx, OWNER, draft, shop_id=shop.id,
                                    amount_claimed=str(amount)).ticket.id  # fmt: skip
        assert first is not None
        depth = rng.choice(["draft", "sent", "resolved", "follow_up", "draft_follow_up", "claim"])
        tickets = 1
        decided = False
        if depth != "draft":
            ticket_actions.submit_ticket(ctx, OWNER, first, f"SD-{k}", "wb_service_desk")
        if depth == "resolved":
            back = (amount / 2).quantize(Decimal("0.01"))
            ticket_actions.change_status(ctx, OWNER, first, Status.RESOLVED,
                                         amount_recovered=str(back))  # fmt: skip
            hand.recovered += back
            decided = True
        if depth in ("follow_up", "draft_follow_up", "claim"):
            follow = ticket_actions.follow_up(ctx, OWNER, first).ticket.id
            assert follow is not None
            tickets += 1
            if depth != "draft_follow_up":
                ticket_actions.submit_ticket(ctx, OWNER, follow, f"SD-{k}-2")
        if depth == "claim":
            claim = deadlines.draft_claim(ctx, OWNER, first).ticket.id
            assert claim is not None
            tickets += 1
            ticket_actions.submit_ticket(ctx, OWNER, claim, f"SD-{k}-3")
            if rng.random() < 0.6:
                ticket_actions.change_status(ctx, OWNER, claim, Status.RESOLVED,
                                             amount_recovered=str(amount))  # fmt: skip
                hand.recovered += amount
                decided = True
        hand.per_ticket += amount * tickets
        if depth != "draft":
            hand.claimed += amount
            if not decided:
                hand.open_claimed += amount
    return hand


def _kpi(html: str) -> Decimal:
    found = re.search(r'<div class="kpi"><b>([^<]*?)\s*₽</b>под претензиями', html)
    assert found, "no money line in the monthly report"
    return Decimal(re.sub(r"[\s\u00a0\u202f]", "", found.group(1)).replace(",", "."))


def test_every_surface_counts_a_case_once_like_the_hand_count(app: App) -> None:
    hand = generate(app, seed=11)
    assert hand.per_ticket > hand.claimed  # the journal has cases the old sum counted twice
    ctx = app.ctx
    stats = analytics.compute_stats(ctx, StatsFilter())
    assert Decimal(stats.total.claimed) == hand.claimed
    assert Decimal(stats.total.recovered) == hand.recovered
    by_category = analytics.compute_stats(ctx, StatsFilter(), ["category"])
    assert sum(Decimal(r.claimed) for r in by_category.rows) == hand.claimed
    board = analytics.dashboard(ctx)
    assert Decimal(board.total.claimed) == hand.claimed
    assert Decimal(board.total.recovered) == hand.recovered
    tiles = deadline_views.summary(ctx, None)
    assert Decimal(tiles.claimed_open) == hand.open_claimed
    assert Decimal(tiles.recovered) == hand.recovered
    month = ctx.clock.today().strftime("%Y-%m")
    assert _kpi(monthly_report(ctx, month)) == hand.claimed
