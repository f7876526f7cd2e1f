"""API schemas of the dashboard numbers and of a ticket's deadlines (``XPublic`` family).

Times are UTC ISO 8601 (the surfaces show Moscow time), money is a decimal string in roubles,
durations are whole seconds, medians and p90 are hours.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from mpdesk.domain.tickets import Status

Bucket = Literal["overdue", "today", "week", "later"]
Kind = Literal["reply", "follow_up", "objection", "claim_answer", "claim_wait"]
Step = Literal["appeal", "follow_up", "claim", "claim_wait", "court", "done"]


class DeadlinePublic(BaseModel):
    """One clock of a ticket."""

    ticket_id: int | None
    rule: str = Field(description="Rule id in knowledge/deadlines.yaml.")
    kind: Kind
    label: str = Field(description="What is due, in Russian.")
    due_at: datetime
    informational: bool = Field(description="A date to know (court possible), not a deadline.")
    source: str = Field(description="Where the rule comes from (contract, law).")
    bucket: Bucket | None = Field(description="overdue, today, week (within the horizon), later.")
    overdue_seconds: int | None = Field(description="How long ago the deadline passed.")
    due_in_seconds: int | None = Field(description="How long until it is due.")


class DueItemPublic(BaseModel):
    ticket_id: int | None
    shop_id: int
    marketplace: str
    category: str
    status: Status
    subject: str
    external_id: str | None
    deadline: DeadlinePublic


class DueSectionPublic(BaseModel):
    tickets: int = Field(description="Tickets with a clock in this section.")
    clocks: int = Field(description="Clocks in this section (a ticket may have two).")
    items: list[DueItemPublic] = Field(description="The most urgent clocks, up to `limit`.")


class DuePublic(BaseModel):
    horizon_days: int
    overdue: DueSectionPublic
    today: DueSectionPublic
    week: DueSectionPublic


class SummaryPublic(BaseModel):
    """The tiles of «Сводка»."""

    open: int
    overdue: int = Field(description="Awaiting a reply that is overdue now.")
    awaiting: int
    due_soon: int = Field(description="Awaiting a reply due within 24 hours.")
    by_category: dict[str, int] = Field(description="Open tickets per category.")
    by_marketplace: dict[str, int] = Field(description="Open tickets per marketplace.")
    claimed_open: str = Field(description="Money claimed in open tickets, roubles.")
    recovered: str = Field(description="Money recovered, all time, roubles.")


class StatsRowPublic(BaseModel):
    keys: dict[str, str] = Field(description="The group, e.g. {'marketplace': 'wb'}.")
    total: int
    open: int
    submitted: int
    answered: int
    resolved: int
    rejected: int
    resolution_rate: float | None = Field(description="resolved / (resolved + rejected).")
    breaches: int = Field(description="Answered late, or overdue now.")
    late_answers: int
    overdue: int
    claimed: str
    recovered: str
    recovery_rate: float | None
    first_answer_median_h: float | None
    first_answer_p90_h: float | None
    resolution_median_h: float | None
    resolution_p90_h: float | None


class WeekPublic(BaseModel):
    monday: str = Field(description="ISO date of the week's Monday.")
    appeals: int


class FindingsMoneyPublic(BaseModel):
    count: int
    at_stake: str
    recovered: str
    recovery_rate: float | None


class DashboardPublic(BaseModel):
    """Every number of «Сводка» for the shops you can see (or the one in ``shop_id``)."""

    now: datetime
    shop_ids: list[int] | None = Field(description="The shops counted; null means every shop.")
    summary: SummaryPublic
    due: DuePublic
    total: StatsRowPublic = Field(description="All time (percentiles are null).")
    period_from: date | None = Field(description="Monday the period of `weeks` weeks starts.")
    period: StatsRowPublic = Field(description="The period, with medians and p90.")
    weeks: list[WeekPublic]
    by_marketplace: list[StatsRowPublic]
    by_category: list[StatsRowPublic]
    by_channel: list[StatsRowPublic]
    findings: FindingsMoneyPublic | None = Field(
        description="Money found by report audits, when the audit part is installed."
    )


class LadderPublic(BaseModel):
    step: Step
    reason: str = Field(
        description="not_submitted, awaiting_reply, reply_overdue, answered, rejected, "
        "claim_draft, claim_wait, court_possible, resolved."
    )
    text: str = Field(description="The situation and the next step, in Russian.")
    next_step: Step | None
    next_at: datetime | None
    court_possible_at: datetime | None
    is_money_claim: bool
    steps: list[Step]


class TicketDeadlinesPublic(BaseModel):
    """The clocks of a ticket's case and its escalation ladder."""

    ticket_id: int | None
    root_id: int | None
    follow_up_ids: list[int | None]
    claim_id: int | None
    ladder: LadderPublic
    deadlines: list[DeadlinePublic]
    can_follow_up: bool = Field(description="You may draft a follow-up now.")
    follow_up_from: int | None = Field(description="The ticket a follow-up would continue.")
    can_claim: bool = Field(description="You may draft the pre-trial claim now.")
