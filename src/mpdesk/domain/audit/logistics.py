"""``duplicate_logistics``: one WB order (``srid``) charged forward logistics more than once.

Per order: forward charges («Логистика» with deliveries > 0) minus «Логистика сторно» reversals
of forward charges. The trip back after a return or a cancellation (deliveries 0, returns > 0)
is a legitimate second charge and does not count. A net count of two or more is a finding; the
money at stake is every remaining forward charge except the first one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from datetime import date
from decimal import Decimal

from mpdesk.domain.audit.findings import Evidence, Finding, FindingKind, make_finding
from mpdesk.domain.audit.overlap import merge_overlapping
from mpdesk.domain.audit.rows import LogisticsRow, Operation

_ROLE = {
    Operation.FORWARD: "charge",
    Operation.STORNO_FORWARD: "storno",
    Operation.BACKWARD: "backward",
    Operation.STORNO_BACKWARD: "storno_backward",
}


def _signature(row: LogisticsRow) -> Hashable:
    return (row.srid, row.kind, row.amount, row.sale_date, row.bonus_type.casefold(), row.currency)


def _order_key(row: LogisticsRow) -> tuple[date, str, int]:
    return (row.sale_date or date.min, row.ref.file, row.ref.row)


def _net_charges(rows: list[LogisticsRow]) -> list[LogisticsRow]:
    """Forward charges left after each storno cancelled one (same amount first, else the
    latest charge)."""
    charges = sorted((r for r in rows if r.kind is Operation.FORWARD), key=_order_key)
    for storno in sorted((r for r in rows if r.kind is Operation.STORNO_FORWARD), key=_order_key):
        if not charges:
            break
        same = [c for c in charges if c.amount == storno.amount]
        charges.remove(same[-1] if same else charges[-1])
    return charges


def find_duplicate_logistics(
    rows: Iterable[LogisticsRow], copies: dict[str, str] | None = None
) -> list[Finding]:
    """``copies`` receives the files whose charges another file already has (``overlap``)."""
    by_order: dict[tuple[str, str], list[LogisticsRow]] = defaultdict(list)
    for row in merge_overlapping(rows, _signature, copies):
        if row.srid and row.kind is not Operation.OTHER:
            by_order[(row.srid, row.currency)].append(row)  # never add two currencies
    findings = []
    for (srid, currency), order_rows in by_order.items():
        charges = _net_charges(order_rows)
        if len(charges) < 2:
            continue
        extra = charges[1:]
        amount = sum((c.amount for c in extra), Decimal(0))
        evidence = [
            Evidence(r.ref, r.evidence_values(), _ROLE[r.kind])
            for r in sorted(order_rows, key=_order_key)
        ]
        last = extra[-1]
        findings.append(
            make_finding(
                FindingKind.DUPLICATE_LOGISTICS,
                "wb",
                keys={"srid": srid},
                details={
                    "charges": len(charges),
                    "rows": len(order_rows),
                    "nm_id": last.nm_id,
                    "report": last.report,
                },
                evidence=evidence,
                amount=amount,
                event_date=last.report_date,
                group=last.report,
                currency=currency,
            )
        )
    return findings
