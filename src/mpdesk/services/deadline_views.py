"""Deadlines and analytics as one signed-in person sees them (web pages and the API).

Every read is scoped to the person's shops (``Principal.shop_ids``; an administrator sees
all): the «Сводка» numbers, the due board, the clocks and the escalation ladder of a ticket,
and the monthly report. Another shop's ticket or shop answers *not found*, as in
``services/access.py``. The ``*_public`` functions give the plain dicts of the API.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from mpdesk.domain.accounts import Principal, Role
from mpdesk.domain.sla import Bucket, Deadline, Ladder, Step
from mpdesk.domain.stats import JournalSummary
from mpdesk.domain.tickets import Ticket
from mpdesk.services import analytics, deadlines, formatting, journal
from mpdesk.services.context import ServiceContext
from mpdesk.services.monthly_report import monthly_report as render_monthly_report

SOON = timedelta(hours=24)


def shop_scope(ctx: ServiceContext, principal: Principal, shop_id: int | None) -> list[int] | None:
    """The shops a view covers: one visible shop, or every shop the person may see."""
    if shop_id is not None:
        journal.get_shop(ctx, principal, shop_id)  # not found when not visible
        return [shop_id]
    return principal.shop_ids


# --- «Сводка» ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardNumbers:
    now: datetime
    shop_ids: list[int] | None
    summary: JournalSummary
    due: deadlines.DueSummary
    board: analytics.Dashboard


def summary(ctx: ServiceContext, shop_ids: list[int] | None) -> JournalSummary:
    now = ctx.clock.now()
    return analytics.journal_summary(ctx, shop_ids, now, now + SOON)


def dashboard_numbers(
    ctx: ServiceContext,
    principal: Principal,
    shop_id: int | None = None,
    weeks: int = 12,
    horizon_days: int = 7,
    limit: int = 10,
) -> DashboardNumbers:
    """Everything «Сводка» shows for the person: tiles, due board in short, analytics."""
    scope = shop_scope(ctx, principal, shop_id)
    return DashboardNumbers(
        ctx.clock.now(),
        scope,
        summary(ctx, scope),
        deadlines.due_summary(ctx, scope, horizon_days, limit),
        analytics.dashboard(ctx, scope, weeks),
    )


def due_summary(
    ctx: ServiceContext, principal: Principal, horizon_days: int = 7, limit: int = 10
) -> deadlines.DueSummary:
    """Overdue / today / within ``horizon_days``: counts and the ``limit`` most urgent clocks
    of each section, in the person's shops."""
    return deadlines.due_summary(ctx, principal.shop_ids, horizon_days, limit)


def monthly_report(ctx: ServiceContext, principal: Principal, month: str) -> str:
    return render_monthly_report(ctx, month, shop_ids=principal.shop_ids)


# --- one ticket: clocks and the escalation ladder -------------------------------------------------


@dataclass(frozen=True)
class TicketClocks:
    ticket: Ticket
    clocks: deadlines.CaseClocks
    reason: str  # the ladder's situation in Russian, times in Moscow time
    follow_up_from: Ticket | None  # the sent ticket a follow-up would continue, if allowed
    can_claim: bool  # a pre-trial claim may be drafted now


def display_tz(ctx: ServiceContext) -> tzinfo:
    return deadlines.display_tz(ctx)


def ladder_text(ctx: ServiceContext, ladder: Ladder) -> str:
    def moment(value: datetime | None) -> str:
        return (
            ctx.message("moscow_time", time=formatting.moment(ctx.clock.local(value)))
            if value
            else "—"
        )

    nxt = ctx.message(f"ladder_step_{ladder.next_step.value}") if ladder.next_step else "—"
    return ctx.message(
        f"ladder_reason_{ladder.reason}",
        at=moment(ladder.next_at),
        next=nxt,
        court=moment(ladder.court_possible_at),
    )


def _identified(ticket: Ticket) -> bool:
    """Sent, and identifiable in a follow-up or a claim: by the marketplace's number or, for an
    e-mail appeal, by its Message-ID."""
    has_reference = bool(ticket.external_id) or ticket.mailed_appeal() is not None
    return ticket.submitted_at is not None and has_reference


def ticket_clocks(ctx: ServiceContext, principal: Principal, ticket_id: int) -> TicketClocks:
    """The clocks of the ticket's case and where it stands on the ladder (appeal → follow-up →
    pre-trial claim → 30 days → court), with what the person may draft next."""
    clocks = deadlines.case_clocks(ctx, principal, ticket_id)
    case, ladder = clocks.case, clocks.ladder
    ticket = next((t for t in case.tickets if t.id == ticket_id), case.root)
    latest = case.follow_ups[-1] if case.follow_ups else case.root
    open_case = ladder.step is not Step.DONE and case.claim is None
    may_edit = principal.can(ticket.shop_id, Role.MANAGER)
    sent = _identified(latest)
    follow_up_from = latest if may_edit and open_case and sent else None
    root_sent = _identified(case.root)
    can_claim = may_edit and open_case and ladder.is_money_claim and root_sent
    return TicketClocks(ticket, clocks, ladder_text(ctx, ladder), follow_up_from, can_claim)


# --- plain dicts for the API -------------------------------------------------------------------


def _seconds(delta: timedelta | None) -> int | None:
    return None if delta is None else int(delta.total_seconds())


def deadline_public(d: Deadline, now: datetime, bucket: Bucket | None = None) -> dict[str, Any]:
    due_in = d.due_at - now if d.due_at > now else None
    return {
        "ticket_id": d.ticket_id,
        "rule": d.rule_id,
        "kind": d.kind.value,
        "label": d.label_ru,
        "due_at": d.due_at,
        "informational": d.informational,
        "source": d.source,
        "bucket": bucket.value if bucket else None,
        "overdue_seconds": _seconds(d.overdue_by(now)),
        "due_in_seconds": _seconds(due_in),
    }


def due_item_public(item: deadlines.DueItem, now: datetime) -> dict[str, Any]:
    t = item.ticket
    return {
        "ticket_id": t.id,
        "shop_id": t.shop_id,
        "marketplace": t.marketplace,
        "category": t.category,
        "status": t.status.value,
        "subject": t.subject,
        "external_id": t.external_id or None,
        "deadline": deadline_public(item.deadline, now, item.bucket),
    }


def due_public(due: deadlines.DueSummary) -> dict[str, Any]:
    def section(s: deadlines.DueSection) -> dict[str, Any]:
        return {
            "tickets": s.tickets,
            "clocks": s.clocks,
            "items": [due_item_public(i, due.now) for i in s.items],
        }

    return {
        "horizon_days": due.horizon_days,
        "overdue": section(due.overdue),
        "today": section(due.today),
        "week": section(due.week),
    }


def dashboard_public(numbers: DashboardNumbers) -> dict[str, Any]:
    board = numbers.board
    return {
        "now": numbers.now,
        "shop_ids": numbers.shop_ids,
        "summary": asdict(numbers.summary),
        "due": due_public(numbers.due),
        "total": asdict(board.total),
        "period_from": board.period_from,
        "period": asdict(board.period),
        "weeks": [{"monday": monday, "appeals": n} for monday, n in board.weeks],
        "by_marketplace": [asdict(r) for r in board.by_marketplace],
        "by_category": [asdict(r) for r in board.by_category],
        "by_channel": [asdict(r) for r in board.by_channel],
        "findings": board.findings,
    }


def ticket_clocks_public(ctx: ServiceContext, view: TicketClocks) -> dict[str, Any]:
    now = ctx.clock.now()
    case, ladder = view.clocks.case, view.clocks.ladder
    tz = deadlines.display_tz(ctx)
    return {
        "ticket_id": view.ticket.id,
        "root_id": case.root.id,
        "follow_up_ids": [t.id for t in case.follow_ups],
        "claim_id": case.claim.id if case.claim else None,
        "ladder": {
            "step": ladder.step.value,
            "reason": ladder.reason,
            "text": view.reason,
            "next_step": ladder.next_step.value if ladder.next_step else None,
            "next_at": ladder.next_at,
            "court_possible_at": ladder.court_possible_at,
            "is_money_claim": ladder.is_money_claim,
            "steps": [s.value for s in ladder.steps],
        },
        "deadlines": [deadline_public(d, now, d.bucket(now, tz)) for d in view.clocks.deadlines],
        "can_follow_up": view.follow_up_from is not None,
        "follow_up_from": view.follow_up_from.id if view.follow_up_from else None,
        "can_claim": view.can_claim,
    }
