"""Rules over Ozon's compensation and decompensation report rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from mpdesk.domain.audit.compensation import find_compensation_findings
from mpdesk.domain.audit.findings import FindingKind
from mpdesk.domain.audit.rows import CompensationRow, RowRef


def row(line: int, decomp: bool, amount: str, reduced: str = "0") -> CompensationRow:
    return CompensationRow(
        RowRef("r.xlsx", "a" * 64, line), decomp, "1100526204", Decimal(amount),
        Decimal(reduced), Decimal("1450"), 1, "Потеря", "A-2", "Чайник", "77", date(2026, 11, 5),
    )  # fmt: skip


def test_only_reductions_and_takebacks_are_findings() -> None:
    found = find_compensation_findings([
        row(3, False, "1450"),            # paid in full: the transactions carry it
        row(4, False, "1000", "450"),     # paid 450 less than the stated value
        row(5, True, "-1450"),            # taken back (written as a negative sum)
        row(6, True, "0"),                # nothing taken back
    ])  # fmt: skip
    assert [(f.kind, f.amount, f.keys["row_id"]) for f in found] == [
        (FindingKind.OZON_COMPENSATION_REDUCED, Decimal("450.00"), "4"),
        (FindingKind.OZON_DECOMPENSATION, Decimal("1450.00"), "5"),
    ]
    assert found[0].details["paid"] == "1000.00" and found[0].category == "finance"
    assert found[1].event_date == date(2026, 11, 5) and found[1].group == "77"


def test_the_same_row_read_twice_is_one_finding_with_a_stable_id() -> None:
    once = find_compensation_findings([row(4, False, "1000", "450")])
    twice = find_compensation_findings([row(4, False, "1000", "450")] * 2)
    assert [f.id for f in twice] == [f.id for f in once]
