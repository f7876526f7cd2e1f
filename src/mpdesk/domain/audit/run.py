"""All rules over the rows of one audit, the summary, and the objection deadline of a finding."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from mpdesk.domain.audit.acceptance import find_acceptance
from mpdesk.domain.audit.compensation import find_compensation_findings
from mpdesk.domain.audit.findings import DEADLINE_RULE, Finding, FindingKind, money
from mpdesk.domain.audit.logistics import find_duplicate_logistics
from mpdesk.domain.audit.ozon import find_ozon_writeoffs
from mpdesk.domain.audit.penalties import find_penalties
from mpdesk.domain.audit.rows import AuditInput
from mpdesk.domain.knowledge import DeadlineRule
from mpdesk.domain.sla import BusinessCalendar, window_end

#: order of kinds in summaries and listings
KIND_ORDER = tuple(FindingKind)


def run_audit(data: AuditInput, copies: dict[str, str] | None = None) -> list[Finding]:
    """Findings sorted by kind, then money at stake (largest first), then id. ``copies``
    receives each file whose rows another file already has (sha256 → that file's sha256)."""
    findings = [
        *find_acceptance(data.shipped, data.accepted, data.supply_goods),
        *find_duplicate_logistics(data.logistics, copies),
        *find_penalties(data.penalties, copies),
        *find_ozon_writeoffs(data.ozon_operations),
        *find_compensation_findings(data.compensations),
    ]
    return sort_findings(findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (KIND_ORDER.index(f.kind), -(f.amount or Decimal(0)), f.id),
    )


@dataclass(frozen=True)
class KindTotal:
    count: int
    amount: Decimal  # roubles only
    #: money per currency (ISO code → sum); amounts in different currencies are never added
    by_currency: dict[str, Decimal] = field(default_factory=dict)


def by_currency(findings: Iterable[Finding]) -> dict[str, Decimal]:
    """Money at stake per currency, roubles first, then by code."""
    sums: dict[str, Decimal] = {}
    for f in findings:
        sums[f.currency] = sums.get(f.currency, Decimal(0)) + (f.amount or Decimal(0))
    order = sorted(sums, key=lambda c: (c != "RUB", c))
    return {c: money(sums[c]) for c in order}


def summarize(findings: Iterable[Finding]) -> tuple[dict[FindingKind, KindTotal], Decimal]:
    """Count and money per kind (in ``KIND_ORDER``; ``amount`` in roubles, every currency in
    ``by_currency``), and the total money at stake in roubles."""
    per_kind: dict[FindingKind, list[Finding]] = {}
    for f in findings:
        per_kind.setdefault(f.kind, []).append(f)
    by_kind = {}
    for kind in KIND_ORDER:
        if kind in per_kind:
            sums = by_currency(per_kind[kind])
            rub = sums.get("RUB", money(Decimal(0)))
            by_kind[kind] = KindTotal(len(per_kind[kind]), rub, sums)
    total = money(sum((t.amount for t in by_kind.values()), Decimal(0)))
    return by_kind, total


def objection_deadline(
    finding: Finding, rules: Iterable[DeadlineRule], calendar: BusinessCalendar
) -> date | None:
    """Last day to object, from the rule the kind names (``DEADLINE_RULE``) when the knowledge
    base has it for this marketplace and category, counted from the finding's event date in
    calendar days or in working days of ``calendar`` (the one the ticket deadlines use:
    weekends, public holidays and transferred working days)."""
    rule_id = DEADLINE_RULE.get(finding.kind)
    if rule_id is None or finding.event_date is None:
        return None
    for rule in rules:
        if (
            rule.id == rule_id
            and rule.kind == "objection"
            and rule.marketplace in ("", finding.marketplace)
            and (not rule.categories or finding.category in rule.categories)
        ):
            return window_end(finding.event_date, rule, calendar)
    return None
