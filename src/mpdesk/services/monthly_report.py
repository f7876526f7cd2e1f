"""Use case: the monthly report of the journal, a self-contained HTML page with its charts
(``mpdesk report monthly``, the «Аналитика» page)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from mpdesk.domain.errors import UserInputError
from mpdesk.services import charts, formatting
from mpdesk.services.analytics import compute_stats, stats_scope
from mpdesk.services.context import ServiceContext
from mpdesk.services.deadlines import deadline_ports
from mpdesk.services.ports.analytics import StatsFilter

GROUPS = ("marketplace", "category", "channel", "shop", "week", "month")
ID_TYPES = ("sku", "supply_id", "barcode", "vendor_code", "order_id")
DEFAULT_REPLY_HOURS = 48


#: months a report can cover (past them, weeks and the next month leave the calendar)
YEARS = range(2000, 2101)


def month_bounds(month: str) -> tuple[date, date]:
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError as exc:
        raise UserInputError("invalid_month", value=month[:20]) from exc
    if first.year not in YEARS:  # the calendar and the weeks reach no further
        raise UserInputError("invalid_month", value=month[:20])
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, nxt


def monthly_report(
    ctx: ServiceContext,
    month: str,
    shop_id: int | None = None,
    shop_ids: Sequence[int] | None = None,
) -> str:
    """A self-contained HTML report of one month (inline SVG charts, no external resources);
    ``shop_ids`` limits it to a person's shops."""
    first, nxt = month_bounds(month)
    flt = StatsFilter(day_from=first, day_to=nxt, shop_id=shop_id, shop_ids=stats_scope(shop_ids))
    by_mp = compute_stats(ctx, flt, ["marketplace"], recurring=True)
    by_cat = compute_stats(ctx, flt, ["category"])
    by_channel = compute_stats(ctx, flt, ["channel"])
    weekly = compute_stats(ctx, flt, ["week"])
    labels = {c.id: c.label_ru for c in ctx.kb.categories.values()}
    mps = {m.id: m.name_ru for m in ctx.kb.marketplaces.values()}
    channels = {c.id: c.name_ru for c in ctx.kb.channels.values()}
    drawn = {
        "weekly": charts.bar_chart(
            [(r.keys["week"][8:10] + "." + r.keys["week"][5:7], r.total) for r in weekly.rows],
            ctx.message("stats_chart_weekly"),
        ),
        "categories": charts.horizontal_bars(
            [(labels.get(r.keys["category"], "?"), r.total) for r in by_cat.rows],
            ctx.message("stats_chart_categories"),
        ),
        "money": charts.horizontal_bars(
            [
                (ctx.message("stats_col_claimed"), float(by_mp.total.claimed)),
                (ctx.message("stats_col_recovered"), float(by_mp.total.recovered)),
            ],
            ctx.message("stats_chart_money"),
        ),
    }
    reports = deadline_ports(ctx).reports
    context = {
        "month": month,
        "generated": formatting.moment(ctx.clock.local(ctx.clock.now())),
        "total": by_mp.total,
        "by_marketplace": by_mp.rows,
        "by_category": by_cat.rows,
        "by_channel": by_channel.rows,
        "findings": by_mp.findings,
        "repeated": by_mp.repeated_identifiers,
        "similar": by_mp.similar_texts,
        "labels": {"category": labels, "marketplace": mps, "channel": channels},
        "charts": {name: reports.render_chart(c) for name, c in drawn.items()},
    }
    return reports.render_html("monthly", "ru", context)
