"""``penalty``: a WB realization row with a non-zero fine («Общая сумма штрафов» / ``penalty``).

A negative fine («Сторно. Штраф МП…») reverses an earlier fine of the same order and amount:
the pair cancels and neither is a finding. A negative fine with nothing to cancel is in the
seller's favour and is not a finding either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable

from mpdesk.domain.audit.findings import Evidence, Finding, FindingKind, make_finding
from mpdesk.domain.audit.overlap import merge_overlapping
from mpdesk.domain.audit.rows import PenaltyRow


def _signature(row: PenaltyRow) -> Hashable:
    return (row.srid, row.amount, row.sale_date, row.reason.casefold(), row.currency)


def _content_scope(fine: PenaltyRow) -> str:
    """Without a report row id the key is the file row, unique only inside one report; the
    fine's date, amount and reason tell reports apart, and a re-downloaded report (other bytes,
    same rows) keeps its ids."""
    return f"{fine.sale_date}|{fine.amount}|{fine.reason.casefold()}"


def _uncancelled(rows: list[PenaltyRow]) -> list[PenaltyRow]:
    fines = [r for r in rows if r.amount > 0]
    for reversal in (r for r in rows if r.amount < 0):
        match = next((f for f in reversed(fines) if f.amount == -reversal.amount), None)
        if match is not None:
            fines.remove(match)
    return fines


def find_penalties(
    rows: Iterable[PenaltyRow], copies: dict[str, str] | None = None
) -> list[Finding]:
    """``copies`` receives the files whose fines another file already has (``overlap``)."""
    by_order: dict[tuple[str, str], list[PenaltyRow]] = defaultdict(list)
    for row in merge_overlapping(rows, _signature, copies):
        if row.amount:
            by_order[(row.srid, row.currency)].append(row)
    findings = []
    for order_rows in by_order.values():
        for fine in _uncancelled(order_rows):
            row_id = fine.rrd_id or str(fine.ref.row)
            findings.append(
                make_finding(
                    FindingKind.PENALTY,
                    "wb",
                    keys={"srid": fine.srid, "row_id": row_id},
                    details={"reason": fine.reason, "nm_id": fine.nm_id, "report": fine.report},
                    evidence=[Evidence(fine.ref, fine.evidence_values(), "fine")],
                    amount=fine.amount,
                    event_date=fine.report_date,
                    group=fine.report,
                    scope="" if fine.rrd_id else _content_scope(fine),
                    currency=fine.currency,
                )
            )
    return findings
