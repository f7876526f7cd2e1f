"""Use cases of analytics: journal statistics, recurring problems, the dashboard numbers and the
monthly report. Aggregation happens in SQL (``AnalyticsRepository``, a daily rollup refreshed
from changed tickets); this module turns histograms into medians and p90, adds rates and money.

For the web app (issue 4): ``dashboard(ctx, shop_id)`` returns every number of the dashboard
and its charts as inline SVG strings (``mpdesk.services.charts``); see docs/analytics.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from mpdesk.domain.charts import Chart
from mpdesk.domain.errors import UnknownValueError
from mpdesk.domain.stats import (
    GroupCounts,
    JournalSummary,
    TextCluster,
    merge_histograms,
    percentile,
    rate,
    similar_text_clusters,
)
from mpdesk.services import charts
from mpdesk.services.context import ServiceContext
from mpdesk.services.deadlines import deadline_ports
from mpdesk.services.ports.analytics import StatsCell, StatsFilter

GROUPS = ("marketplace", "category", "channel", "shop", "week", "month")
ID_TYPES = ("sku", "supply_id", "barcode", "vendor_code", "order_id")
DEFAULT_REPLY_HOURS = 48


def _money(kopecks: int) -> str:
    return str((Decimal(kopecks) / 100).quantize(Decimal("0.01")))


def _hours(minutes: float | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 2)


def tz_offset_minutes(ctx: ServiceContext) -> int:
    offset = ctx.clock.local(ctx.clock.now()).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def refresh(ctx: ServiceContext, full: bool = False) -> int:
    """Bring the analytics rollup up to date; returns the number of days recomputed.
    ``full`` recomputes all of it (``mpdesk stats --refresh-full``: after a restore from a
    backup, or a bulk load that bypassed ``updated_at``)."""
    reply = {c.id: c.reply_hours * 60 for c in ctx.kb.channels.values()}
    return deadline_ports(ctx).analytics.refresh(
        reply, DEFAULT_REPLY_HOURS * 60, tz_offset_minutes(ctx), ctx.clock.now(), full
    )


@dataclass(frozen=True)
class StatsRow:
    keys: dict[str, str]
    total: int
    open: int
    submitted: int
    answered: int
    resolved: int
    rejected: int
    resolution_rate: float | None  # resolved / (resolved + rejected)
    breaches: int  # answered later than the channel's reply time, or overdue now
    late_answers: int
    overdue: int
    claimed: str
    recovered: str
    recovery_rate: float | None
    first_answer_median_h: float | None
    first_answer_p90_h: float | None
    resolution_median_h: float | None
    resolution_p90_h: float | None


def _row(
    keys: dict[str, str], g: GroupCounts, hist: tuple[list[int], list[int]] | None
) -> StatsRow:
    fa, rs = hist or ([], [])
    return StatsRow(
        keys=keys,
        total=g.total,
        open=g.open,
        submitted=g.submitted,
        answered=g.answered,
        resolved=g.resolved,
        rejected=g.rejected,
        resolution_rate=rate(g.resolved, g.resolved + g.rejected),
        breaches=g.late_answers + g.overdue,
        late_answers=g.late_answers,
        overdue=g.overdue,
        claimed=_money(g.claimed_kopecks),
        recovered=_money(g.recovered_kopecks),
        recovery_rate=rate(g.recovered_kopecks, g.claimed_kopecks),
        first_answer_median_h=_hours(percentile(fa, 0.5)),
        first_answer_p90_h=_hours(percentile(fa, 0.9)),
        resolution_median_h=_hours(percentile(rs, 0.5)),
        resolution_p90_h=_hours(percentile(rs, 0.9)),
    )


@dataclass(frozen=True)
class RepeatedIdentifier:
    marketplace: str
    id_type: str
    value: str
    tickets: int
    ticket_ids: list[int]


@dataclass(frozen=True)
class Stats:
    filter: StatsFilter
    group_by: list[str]
    total: StatsRow
    rows: list[StatsRow]
    findings: dict[str, Any] | None = None
    repeated_identifiers: list[RepeatedIdentifier] = field(default_factory=list)
    similar_texts: list[TextCluster] = field(default_factory=list)


def _empty() -> GroupCounts:
    return GroupCounts((), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)


def _sum(groups: list[GroupCounts]) -> GroupCounts:
    names = [f for f in GroupCounts.__dataclass_fields__ if f != "keys"]
    fields = [sum(getattr(g, f) for g in groups) for f in names]
    return GroupCounts((), *fields)


def compute_stats(
    ctx: ServiceContext,
    flt: StatsFilter,
    group_by: list[str] | None = None,
    recurring: bool = False,
    text_limit: int = 2000,
    refresh_first: bool = True,
    with_findings: bool = True,
    with_percentiles: bool = True,
    overdue: Mapping[StatsCell, int] | None = None,
) -> Stats:
    """Statistics of ``flt`` grouped by ``group_by``. ``overdue``: live overdue cells read
    once by the caller (``AnalyticsRepository.overdue_cells`` of a filter that covers
    ``flt``) — the dashboard asks four questions and counts the live part once."""
    group_by = list(group_by or [])
    for name in group_by:
        if name not in GROUPS:
            raise UnknownValueError("group_by", name, list(GROUPS))
    repo = deadline_ports(ctx).analytics
    if refresh_first:
        refresh(ctx)
    now, offset = ctx.clock.now(), tz_offset_minutes(ctx)
    rows = []
    if group_by:
        hists = repo.histograms(flt, group_by)
        groups = repo.counts(flt, group_by, now, offset, overdue)
        for g in groups:
            keys = dict(zip(group_by, g.keys, strict=True))
            rows.append(_row(keys, g, hists.get(g.keys)))
        # every ticket is in exactly one group: the total is their sum
        fa = merge_histograms(h[0] for h in hists.values())
        rs = merge_histograms(h[1] for h in hists.values())
        total = _row({}, _sum(groups), (fa, rs))
    else:
        totals = repo.counts(flt, [], now, offset, overdue)
        hist = repo.histograms(flt, []).get(()) if with_percentiles else None
        total = _row({}, totals[0] if totals else _empty(), hist)
    findings = None
    money = repo.findings_money(flt) if with_findings else None
    if money is not None:
        count, stake, back = money
        findings = {
            "count": count,
            "at_stake": _money(stake),
            "recovered": _money(back),
            "recovery_rate": rate(back, stake),
        }
    stats = Stats(flt, group_by, total, rows, findings)
    if recurring:
        ids, clusters = recurring_problems(ctx, flt, text_limit=text_limit)
        stats = Stats(flt, group_by, total, rows, findings, ids, clusters)
    return stats


def recurring_problems(
    ctx: ServiceContext,
    flt: StatsFilter,
    min_count: int = 2,
    limit: int = 50,
    text_limit: int = 2000,
) -> tuple[list[RepeatedIdentifier], list[TextCluster]]:
    """Same identifier (SKU, supply, barcode, …) in several cases, and similar texts
    (lemmatised to the most probable dictionary form, so «приёмка»/«приёмки» match and a label
    reads «быть», never «быль») among the first appeals of the newest ``text_limit`` cases."""
    ports = deadline_ports(ctx)
    offset = tz_offset_minutes(ctx)
    ids = [
        RepeatedIdentifier(*row)
        for row in ports.analytics.repeated_identifiers(flt, ID_TYPES, min_count, limit, offset)
    ]
    docs = [
        (tid, mp, cat, ports.lemmatizer.keywords(f"{subject} {description}"))
        for tid, mp, cat, subject, description in ports.analytics.texts(flt, text_limit, offset)
    ]
    stop = frozenset(ctx.message("stats_text_stopwords").split())
    clusters = similar_text_clusters(docs, threshold=0.5, min_size=min_count, stop=stop)
    return ids, clusters[:limit]


def stats_public(stats: Stats) -> dict[str, Any]:
    """Plain dict for ``--json`` and the API."""
    return {
        "filter": {
            "from": stats.filter.day_from.isoformat() if stats.filter.day_from else None,
            "to": stats.filter.day_to.isoformat() if stats.filter.day_to else None,
            "shop_id": stats.filter.shop_id,
            "shop_ids": list(stats.filter.shop_ids) if stats.filter.shop_ids is not None else None,
            "marketplace": stats.filter.marketplace,
            "category": stats.filter.category,
        },
        "group_by": stats.group_by,
        "total": asdict(stats.total),
        "rows": [asdict(r) for r in stats.rows],
        "findings": stats.findings,
        "repeated_identifiers": [asdict(r) for r in stats.repeated_identifiers],
        "similar_texts": [asdict(c) for c in stats.similar_texts],
    }


STATS_COLUMNS = (
    "total", "open", "submitted", "answered", "resolved", "rejected", "resolution_rate",
    "breaches", "overdue", "claimed", "recovered", "recovery_rate", "first_answer_median_h",
    "first_answer_p90_h", "resolution_median_h", "resolution_p90_h",
)  # fmt: skip


def stats_table(ctx: ServiceContext, stats: Stats) -> tuple[list[str], list[list[Any]]]:
    """Headers (Russian, from the catalogue) and rows, for XLSX/CSV."""
    headers = [ctx.message(f"stats_col_{g}") for g in stats.group_by]
    headers += [ctx.message(f"stats_col_{c}") for c in STATS_COLUMNS]
    rows = []
    for r in [*stats.rows, stats.total]:
        keys = [r.keys.get(g, ctx.message("stats_all")) for g in stats.group_by]
        rows.append([*keys, *(getattr(r, c) for c in STATS_COLUMNS)])
    return headers, rows


# --- dashboard and monthly report ---------------------------------------------------------------


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Dashboard:
    """Every number of the dashboard plus ready-made SVG charts (no external resources)."""

    total: StatsRow  # all time (counts and money; percentiles are ``None``)
    period: StatsRow  # the last ``weeks`` weeks, with medians and p90
    weeks: list[tuple[str, int]]  # (Monday ISO date, appeals) oldest first
    by_marketplace: list[StatsRow]
    by_category: list[StatsRow]
    by_channel: list[StatsRow]
    findings: dict[str, Any] | None
    charts: dict[str, str]
    period_from: date | None = None  # the Monday the period starts on


def stats_scope(shop_ids: Sequence[int] | None) -> tuple[int, ...] | None:
    return None if shop_ids is None else tuple(sorted(shop_ids))


def dashboard(
    ctx: ServiceContext, shop_ids: Sequence[int] | None = None, weeks: int = 12
) -> Dashboard:
    """The dashboard of the shops ``shop_ids`` (``None``: every shop): all-time totals, the
    last ``weeks`` weeks by week, marketplace, category and channel, and charts. The rollup
    is refreshed once and the live "overdue now" cells are read once for all five questions."""
    today = ctx.clock.today()
    first = _week_start(today) - timedelta(weeks=weeks - 1)
    scope = stats_scope(shop_ids)
    refresh(ctx)
    cells = deadline_ports(ctx).analytics.overdue_cells(
        StatsFilter(shop_ids=scope), ctx.clock.now(), tz_offset_minutes(ctx)
    )
    once: dict[str, Any] = {"refresh_first": False, "overdue": cells}
    # all time: counts and money (percentiles are the period's)
    everything = compute_stats(ctx, StatsFilter(shop_ids=scope), with_percentiles=False, **once)
    once["with_findings"] = False
    period_flt = StatsFilter(day_from=first, shop_ids=scope)
    period = compute_stats(ctx, period_flt, ["week"], **once)
    per_mp = compute_stats(ctx, period_flt, ["marketplace"], **once)
    per_cat = compute_stats(ctx, period_flt, ["category"], **once)
    per_channel = compute_stats(ctx, period_flt, ["channel"], **once)
    counts = {r.keys["week"]: r.total for r in period.rows}
    mondays = [(first + timedelta(weeks=i)).isoformat() for i in range(weeks)]
    series = [(monday, counts.get(monday, 0)) for monday in mondays]
    svg = dashboard_charts(ctx, everything, series, per_cat.rows, per_channel.rows)
    return Dashboard(
        everything.total,
        period.total,
        series,
        per_mp.rows,
        per_cat.rows,
        per_channel.rows,
        everything.findings,
        svg,
        first,
    )


def dashboard_charts(
    ctx: ServiceContext,
    everything: Stats,
    series: list[tuple[str, int]],
    by_category: list[StatsRow],
    by_channel: list[StatsRow],
) -> dict[str, str]:
    """Appeals per week, by category, money at stake vs recovered (tickets and audit
    findings), and median time to the first answer per channel."""
    labels = {c.id: c.label_ru for c in ctx.kb.categories.values()}
    channels = {c.id: c.name_ru for c in ctx.kb.channels.values()}
    money = [
        (ctx.message("stats_col_claimed"), float(everything.total.claimed)),
        (ctx.message("stats_col_recovered"), float(everything.total.recovered)),
    ]
    if everything.findings is not None and everything.findings["count"]:
        money += [
            (ctx.message("stats_findings_at_stake"), float(everything.findings["at_stake"])),
            (ctx.message("stats_findings_recovered"), float(everything.findings["recovered"])),
        ]
    medians = [
        (channels.get(r.keys["channel"], r.keys["channel"] or "—"), r.first_answer_median_h)
        for r in by_channel
        if r.first_answer_median_h is not None
    ]
    specs: dict[str, tuple[Callable[..., Chart], list[tuple[str, float]], str]] = {
        "appeals_per_week": (
            charts.bar_chart,
            [(d[8:10] + "." + d[5:7], float(n)) for d, n in series],
            ctx.message("stats_chart_weekly"),
        ),
        "by_category": (
            charts.horizontal_bars,
            [
                (labels.get(r.keys["category"], r.keys["category"]), float(r.total))
                for r in by_category
            ],
            ctx.message("stats_chart_categories"),
        ),
        "money": (charts.horizontal_bars, money, ctx.message("stats_chart_money")),
        "reply_medians": (
            charts.horizontal_bars,
            [(name, float(hours)) for name, hours in medians],
            ctx.message("stats_chart_reply_medians"),
        ),
    }
    render = deadline_ports(ctx).reports.render_chart
    svg = {}
    for name, (draw, points, title) in specs.items():
        svg[name] = render(draw(points, title))
        # the same chart laid out for a phone (the page shows one or the other)
        svg[f"{name}_narrow"] = render(draw(points, title, width=charts.NARROW))
    return svg


def journal_summary(
    ctx: ServiceContext, shop_ids: Sequence[int] | None, now: datetime, soon: datetime
) -> JournalSummary:
    """The «Сводка» tiles (open, overdue, awaiting, due before ``soon``, money) of the shops
    ``shop_ids``: open counts and money from the refreshed rollup, reply clocks live."""
    refresh(ctx)
    return deadline_ports(ctx).analytics.summary(shop_ids, now, soon)
